// The live-heap time series the reader thread builds from the samples of threads that report
// their heap: at most max_points points; past that, every other point is dropped and the
// spacing doubles, so a long run keeps an even picture of the whole run.
// Not async-signal-safe (the reader thread's, under the sampler's mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::sampler::detail {

class HeapSeries {
 public:
  static constexpr size_t kDefaultMaxPoints = size_t{1} << 18;

  HeapSeries() = default;
  explicit HeapSeries(size_t max_points) : max_points_(max_points) {}

  // One sample's heap size; kept when it falls on the current spacing.
  void record(uint64_t t_ns, uint64_t live_bytes);

  // The points so far (oldest first); the series starts afresh.
  std::vector<HeapPoint> take();
  // The points so far, left in place.
  const std::vector<HeapPoint>& points() const { return points_; }

 private:
  size_t max_points_ = kDefaultMaxPoints;
  std::vector<HeapPoint> points_;
  uint64_t stride_ = 1;  // keep one sample in stride_
  uint64_t seen_ = 0;    // samples offered since the series started
};

}  // namespace aiprof::sampler::detail
