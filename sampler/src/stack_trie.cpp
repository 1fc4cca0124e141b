#include "aiprof/sampler/stack_trie.hpp"

namespace aiprof::sampler {

StackTrie::StackTrie() { nodes_.push_back(Node{}); }

uint32_t StackTrie::child(uint32_t parent, uint64_t frame) {
  auto [it, inserted] = edges_.try_emplace({parent, frame}, static_cast<uint32_t>(nodes_.size()));
  if (inserted) nodes_.push_back(Node{parent, frame, 0});
  return it->second;
}

uint32_t StackTrie::add(const uint32_t* guest, uint32_t guest_depth,
                    const uintptr_t* native_innermost_first, uint32_t native_depth,
                    uint64_t count, const uint32_t* guest_lines) {
  uint32_t node = kRoot;
  for (uint32_t i = 0; i < guest_depth; ++i)
    node = child(node, guest_frame(guest[i], guest_lines ? guest_lines[i] : 0));
  for (uint32_t i = native_depth; i-- > 0;)
    node = child(node, kNativeBit | static_cast<uint64_t>(native_innermost_first[i]));
  nodes_[node].self_samples += count;
  total_ += count;
  return node;
}

}  // namespace aiprof::sampler
