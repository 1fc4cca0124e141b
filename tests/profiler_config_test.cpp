// Unit tests for the names and durations ProfilerConfig is written with (config.hpp).
#include <gtest/gtest.h>

#include "aiprof/instrumentation/config.hpp"

namespace aiprof::instrumentation {
namespace {

TEST(ProfilerConfigTest, DurationsTakeAUnitOrNanoseconds) {
  EXPECT_EQ(parse_duration("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(parse_duration("1.5ms"), std::chrono::microseconds(1500));
  EXPECT_EQ(parse_duration("2s"), std::chrono::seconds(2));
  EXPECT_EQ(parse_duration("100ns"), std::chrono::nanoseconds(100));
  EXPECT_EQ(parse_duration("42"), std::chrono::nanoseconds(42));
  EXPECT_FALSE(parse_duration("10 ms"));
  EXPECT_FALSE(parse_duration("-1ms"));
  EXPECT_FALSE(parse_duration("ms"));
  EXPECT_FALSE(parse_duration("3h"));
}

TEST(ProfilerConfigTest, NamesRoundTrip) {
  for (auto g : {Granularity::Module, Granularity::Function, Granularity::Expression})
    EXPECT_EQ(parse_granularity(to_string(g)), g);
  for (auto p :
       {TimePrecision::Nanoseconds, TimePrecision::Microseconds, TimePrecision::Milliseconds})
    EXPECT_EQ(parse_time_precision(to_string(p)), p);
  for (int op = 0; op < static_cast<int>(TrackedOperation::Count); ++op)
    EXPECT_EQ(parse_tracked_operation(to_string(static_cast<TrackedOperation>(op))),
              static_cast<TrackedOperation>(op));
  EXPECT_FALSE(parse_granularity("line"));
}

TEST(ProfilerConfigTest, OperationSetAddsAndRemoves) {
  OperationSet set = OperationSet::none();
  EXPECT_TRUE(set.empty());
  set.add(TrackedOperation::String);
  EXPECT_TRUE(set.has(TrackedOperation::String));
  EXPECT_FALSE(set.has(TrackedOperation::Array));
  OperationSet all = OperationSet::all();
  all.remove(TrackedOperation::Array);
  EXPECT_FALSE(all.has(TrackedOperation::Array));
  EXPECT_TRUE(all.has(TrackedOperation::StringDictionary));
}

}  // namespace
}  // namespace aiprof::instrumentation
