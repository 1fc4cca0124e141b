#include "naming_queue.hpp"

namespace aiprof::sampler::detail {

void NamingQueue::queue(const uintptr_t* innermost_first, uint32_t depth) {
  for (uint32_t i = 0; i < depth; ++i) {
    uintptr_t pc = innermost_first[i];
    if (seen_.insert(pc * 2 + (i != 0)).second) pending_.emplace_back(pc, i != 0);
  }
}

std::vector<NamingQueue::Lookup> NamingQueue::take_batch() { return std::exchange(pending_, {}); }

void NamingQueue::clear() {
  pending_.clear();
  seen_.clear();
}

}  // namespace aiprof::sampler::detail
