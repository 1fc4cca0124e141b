#include "heap_series.hpp"

#include <utility>

namespace aiprof::sampler::detail {

void HeapSeries::record(uint64_t t_ns, uint64_t live_bytes) {
  if (seen_++ % stride_ != 0) return;
  points_.push_back(HeapPoint{t_ns, live_bytes});
  if (points_.size() < max_points_) return;
  for (size_t i = 0; i < points_.size() / 2; ++i) points_[i] = points_[2 * i];
  points_.resize(points_.size() / 2);
  stride_ *= 2;
}

std::vector<HeapPoint> HeapSeries::take() {
  std::vector<HeapPoint> out = std::exchange(points_, {});
  stride_ = 1;
  seen_ = 0;
  return out;
}

}  // namespace aiprof::sampler::detail
