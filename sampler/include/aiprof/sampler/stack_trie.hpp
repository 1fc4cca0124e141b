// Identical stacks aggregated: a trie keyed by frame, each node counting the samples whose
// stack ended there. Memory is O(distinct stacks), not O(samples).
//
// A frame is a guest frame id (with, in bits 32-62, the line it stood at: 0 when not known)
// or a native PC, told apart by the top bit. Guest frames come first (outermost to innermost),
// then native frames (outermost to innermost). So stacks that differ only in a frame's line
// are distinct paths: the line-level stacks hot lines are made from.
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
    uint64_t frame = 0;        // line << 32 | guest id, or kNativeBit | pc
    uint64_t self_samples = 0; // samples whose stack ended at this node
  };

  StackTrie();

  // One sample: guest ids outermost first (and their lines, or null: none known), native PCs
  // innermost first (as unwound). Returns the node its stack ended at.
  uint32_t add(const uint32_t* guest, uint32_t guest_depth, const uintptr_t* native_innermost_first,
               uint32_t native_depth, uint64_t count = 1, const uint32_t* guest_lines = nullptr);
  // The child of parent for frame, created if missing.
  uint32_t child(uint32_t parent, uint64_t frame);

  const std::vector<Node>& nodes() const { return nodes_; }
  uint64_t total_samples() const { return total_; }

  static bool is_native(uint64_t frame) { return (frame & kNativeBit) != 0; }
  static uintptr_t native_pc(uint64_t frame) { return static_cast<uintptr_t>(frame & ~kNativeBit); }
  static uint32_t guest_id(uint64_t frame) { return static_cast<uint32_t>(frame); }
  static uint32_t guest_line(uint64_t frame) { return static_cast<uint32_t>(frame >> 32); }
  static uint64_t guest_frame(uint32_t id, uint32_t line) {
    return (static_cast<uint64_t>(line & 0x7fffffffu) << 32) | id;
  }

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
