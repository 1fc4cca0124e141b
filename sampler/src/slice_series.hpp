// The samples of each thread as slices of time (consecutive samples with the same stack make
// one slice, as py-spy's chrometrace draws them): what a sampled run's timeline shows. At most
// max_slices slices; a sample past that which would open a new one is counted as dropped.
// Not async-signal-safe (the reader thread's, under the sampler's mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::sampler::detail {

class SliceSeries {
 public:
  static constexpr size_t kDefaultMaxSlices = size_t{1} << 20;  // 32 MB

  SliceSeries() = default;
  explicit SliceSeries(size_t max_slices) : max_slices_(max_slices) {}

  // One sample of thread tid whose stack ended at trie node `stack`: it extends the thread's
  // last slice when the stack is the same, else opens a slice.
  void record(int64_t tid, uint32_t stack, uint64_t t_ns, uint64_t weight);

  // The slices so far (in sample order per thread) and how many samples were dropped past the
  // bound; the series starts afresh.
  std::vector<SampleSlice> take(uint64_t* dropped);
  // The slices so far, left in place.
  const std::vector<SampleSlice>& slices() const { return slices_; }

 private:
  size_t max_slices_ = kDefaultMaxSlices;
  std::vector<SampleSlice> slices_;
  uint64_t dropped_ = 0;
  std::unordered_map<int64_t, size_t> open_;  // tid -> its last slice in slices_
};

}  // namespace aiprof::sampler::detail
