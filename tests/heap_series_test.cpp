// The sampler's live-heap series (sampler/src/heap_series.hpp): bounded, evenly thinned.
#include <gtest/gtest.h>

#include "heap_series.hpp"

namespace {

using aiprof::sampler::detail::HeapSeries;

TEST(HeapSeriesTest, KeepsEveryPointUntilFull) {
  HeapSeries series(8);
  for (uint64_t i = 0; i < 7; ++i) series.record(i, 100 + i);
  auto points = series.take();
  ASSERT_EQ(points.size(), 7u);
  EXPECT_EQ(points[6].t_ns, 6u);
  EXPECT_EQ(points[6].live_bytes, 106u);
}

TEST(HeapSeriesTest, HalvesAndDoublesTheSpacingWhenFull) {
  HeapSeries series(8);
  for (uint64_t i = 0; i < 8; ++i) series.record(i, i);  // full: 0 2 4 6 kept, stride 2
  for (uint64_t i = 8; i < 12; ++i) series.record(i, i);  // 8 and 10 kept
  auto points = series.take();
  std::vector<uint64_t> times;
  for (const auto& p : points) times.push_back(p.t_ns);
  EXPECT_EQ(times, (std::vector<uint64_t>{0, 2, 4, 6, 8, 10}));
}

TEST(HeapSeriesTest, TakeStartsAfresh) {
  HeapSeries series(4);
  for (uint64_t i = 0; i < 5; ++i) series.record(i, i);
  EXPECT_FALSE(series.take().empty());
  EXPECT_TRUE(series.take().empty());
  series.record(40, 1);  // spacing back to one: the first point after take is kept
  series.record(41, 1);
  EXPECT_EQ(series.take().size(), 2u);
}

}  // namespace
