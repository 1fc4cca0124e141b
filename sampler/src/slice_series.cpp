#include "slice_series.hpp"

#include <utility>

namespace aiprof::sampler::detail {

void SliceSeries::record(int64_t tid, uint32_t stack, uint64_t t_ns, uint64_t weight) {
  auto it = open_.find(tid);
  if (it != open_.end() && slices_[it->second].stack == stack) {
    slices_[it->second].last_ns = t_ns;
    slices_[it->second].samples += weight;
    return;
  }
  if (slices_.size() >= max_slices_) {
    ++dropped_;
    return;
  }
  open_[tid] = slices_.size();
  slices_.push_back(SampleSlice{tid, stack, t_ns, t_ns, weight});
}

std::vector<SampleSlice> SliceSeries::take(uint64_t* dropped) {
  *dropped = std::exchange(dropped_, 0);
  open_.clear();
  return std::exchange(slices_, {});
}

}  // namespace aiprof::sampler::detail
