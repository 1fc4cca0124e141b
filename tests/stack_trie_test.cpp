// Identical stacks aggregated into one trie, native frames beneath the guest ones.
#include <gtest/gtest.h>

#include <cstdint>

#include "aiprof/sampler/stack_trie.hpp"

namespace {

using aiprof::sampler::StackTrie;

TEST(StackTrieTest, AggregatesIdenticalStacksAndOrdersNativeBeneathGuest) {
  StackTrie trie;
  uint32_t guest[] = {7, 8};
  uintptr_t native_innermost_first[] = {0x30, 0x20};
  trie.add(guest, 2, native_innermost_first, 2);
  trie.add(guest, 2, native_innermost_first, 2, 3);
  trie.add(guest, 1, nullptr, 0);
  EXPECT_EQ(trie.total_samples(), 5u);
  // root, 7, 8, 0x20, 0x30: five nodes, however many samples.
  ASSERT_EQ(trie.nodes().size(), 5u);
  const auto& n = trie.nodes();
  EXPECT_EQ(n[3].frame, StackTrie::kNativeBit | 0x20);  // the outer native frame first
  EXPECT_EQ(n[4].frame, StackTrie::kNativeBit | 0x30);
  EXPECT_EQ(n[4].self_samples, 4u);
  EXPECT_EQ(n[1].self_samples, 1u);
}

}  // namespace
