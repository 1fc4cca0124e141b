#include "aiprof/sampler/sample_ring.hpp"

#include <cstring>

namespace aiprof::sampler {

namespace {
size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }
}  // namespace

SampleRing::SampleRing(uint32_t capacity, uint32_t max_guest, uint32_t max_native,
                       bool touch_now)
    : capacity_(capacity),
      max_guest_(max_guest),
      max_native_(max_native),
      native_offset_(round_up(sizeof(SampleRecord) + size_t{max_guest} * sizeof(uint32_t),
                              alignof(uintptr_t))),
      stride_(round_up(native_offset_ + size_t{max_native} * sizeof(uintptr_t), 16)),
      storage_(new char[stride_ * capacity]) {
  if (touch_now) touch_pages();
}

void SampleRing::touch_pages() { std::memset(storage_.get(), 0, stride_ * capacity_); }

}  // namespace aiprof::sampler
