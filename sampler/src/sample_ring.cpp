#include "aiprof/sampler/sample_ring.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace aiprof::sampler {

namespace {
size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

// Whole pages, zeroed, and with `populate` already present (MAP_POPULATE: one system call).
char* map_pages(size_t bytes, bool populate) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<char*>(p);
}
}  // namespace

void SampleRing::Unmap::operator()(char* p) const { munmap(p, bytes); }

SampleRing::SampleRing(uint32_t capacity, uint32_t max_guest, uint32_t max_native,
                       bool touch_now)
    : capacity_(capacity),
      max_guest_(max_guest),
      max_native_(max_native),
      // (guest ids, then as many lines)
      native_offset_(round_up(sizeof(SampleRecord) + size_t{max_guest} * 2 * sizeof(uint32_t),
                              alignof(uintptr_t))),
      stride_(round_up(native_offset_ + size_t{max_native} * sizeof(uintptr_t), 16)),
      storage_(map_pages(stride_ * capacity, touch_now), Unmap{stride_ * capacity}) {}

void SampleRing::touch_pages() {
  // Kernels before 5.14 refuse MADV_POPULATE_WRITE; a write per page does the same, slower.
  if (madvise(storage_.get(), storage_.get_deleter().bytes, MADV_POPULATE_WRITE) != 0)
    std::memset(storage_.get(), 0, storage_.get_deleter().bytes);
}

}  // namespace aiprof::sampler
