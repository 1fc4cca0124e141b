// The memory poller: points on its clock, the counter it reads, RSS, and a bounded series.
#include "aiprof/instrumentation/memory_poller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace aiprof::instrumentation {
namespace {

// The series starts at 0 with the counter's value then, ends with its value at stop(), and
// is in time order; the first and last points carry the process's RSS.
TEST(MemoryPollerTest, PointsFollowTheCounterInTimeOrder) {
  std::atomic<uint64_t> heap{100};
  MemoryPoller poller(&heap);
  poller.start();
  heap = 200;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  heap = 300;
  poller.stop();
  const auto& points = poller.points();
  ASSERT_GE(points.size(), 2u);
  EXPECT_EQ(points.front().t_ns, 0u);
  EXPECT_EQ(points.front().heap_bytes, 100u);
  EXPECT_EQ(points.back().heap_bytes, 300u);
  EXPECT_GE(points.back().t_ns, 20'000'000u);
  for (size_t i = 1; i < points.size(); ++i) EXPECT_GE(points[i].t_ns, points[i - 1].t_ns);
  EXPECT_GT(points.front().rss_bytes, 0u);
  EXPECT_GT(points.back().rss_bytes, 0u);
  EXPECT_GE(peak_rss_bytes(), current_rss_bytes() / 2);  // both read, same order of size
}

// A long run keeps at most max_points (plus the last), thinned evenly: the interval doubles.
// A second at 1 ms would be ~1000 points without thinning (even a loaded machine wakes the
// poller far more than the 8 times thinning needs in a second).
TEST(MemoryPollerTest, TheSeriesIsBounded) {
  std::atomic<uint64_t> heap{1};
  MemoryPoller poller(&heap, std::chrono::milliseconds(1), 8);
  poller.start();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  poller.stop();
  EXPECT_LE(poller.points().size(), 9u);
  EXPECT_GT(poller.interval(), std::chrono::milliseconds(1));
}

}  // namespace
}  // namespace aiprof::instrumentation
