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

// Lines split a frame: the same functions at other lines are other paths; without lines a
// guest frame is its id alone (as before lines were recorded).
TEST(StackTrieTest, AFramesLineIsPartOfItsPath) {
  StackTrie trie;
  uint32_t guest[] = {7, 8};
  uint32_t at_12[] = {3, 12}, at_13[] = {3, 13};
  trie.add(guest, 2, nullptr, 0, 1, at_12);
  trie.add(guest, 2, nullptr, 0, 2, at_13);
  trie.add(guest, 2, nullptr, 0, 4, at_12);
  ASSERT_EQ(trie.nodes().size(), 4u);  // root, 7@3, 8@12, 8@13
  const auto& n = trie.nodes();
  EXPECT_EQ(StackTrie::guest_id(n[2].frame), 8u);
  EXPECT_EQ(StackTrie::guest_line(n[2].frame), 12u);
  EXPECT_EQ(n[2].self_samples, 5u);
  EXPECT_EQ(StackTrie::guest_line(n[3].frame), 13u);
  EXPECT_EQ(n[3].self_samples, 2u);
  EXPECT_FALSE(StackTrie::is_native(n[3].frame));
  trie.add(guest, 1, nullptr, 0);
  EXPECT_EQ(trie.nodes().back().frame, 7u);
}

}  // namespace
