// Identical stacks aggregated: a trie keyed by frame, each node counting the samples whose
// stack ended there. Memory is O(distinct stacks), not O(samples).
//
// A frame is a guest frame id or a native PC, told apart by the top bit. Guest frames come
// first (outermost to innermost), then native frames (outermost to innermost).
// Not async-signal-safe; the reader thread fills it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace aiprof::sampler {

class StackTrie {
 public:
  static constexpr uint64_t kNativeBit = uint64_t{1} << 63;
  static constexpr uint32_t kRoot = 0;

  struct Node {
    uint32_t parent = UINT32_MAX;
    uint64_t frame = 0;        // guest id, or kNativeBit | pc
    uint64_t self_samples = 0; // samples whose stack ended at this node
  };

  StackTrie();

  // One sample: guest ids outermost first, native PCs innermost first (as unwound). Returns
  // the node its stack ended at.
  uint32_t add(const uint32_t* guest, uint32_t guest_depth, const uintptr_t* native_innermost_first,
           uint32_t native_depth, uint64_t count = 1);
  // The child of parent for frame, created if missing.
  uint32_t child(uint32_t parent, uint64_t frame);

  const std::vector<Node>& nodes() const { return nodes_; }
  uint64_t total_samples() const { return total_; }

  static bool is_native(uint64_t frame) { return (frame & kNativeBit) != 0; }
  static uintptr_t native_pc(uint64_t frame) { return static_cast<uintptr_t>(frame & ~kNativeBit); }
  static uint32_t guest_id(uint64_t frame) { return static_cast<uint32_t>(frame); }

 private:
  struct EdgeHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& e) const {
      return std::hash<uint64_t>()(e.second * 0x9e3779b97f4a7c15ull ^ e.first);
    }
  };
  std::vector<Node> nodes_;
  std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, EdgeHash> edges_;
  uint64_t total_ = 0;
};

}  // namespace aiprof::sampler
