// The guest frame stack as its readers see it: copies from another thread are consistent.
#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "aiprof/instrumentation/frame_stack.hpp"

namespace {

using aiprof::instrumentation::FrameStack;

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// A sampling thread copies frame stacks while their owner pushes and pops: a copy it keeps is
// a stack that really was, never one mixing two. The owner alternates between the stacks
// 1-2-3 and 1-5-6, so a torn copy would read 1-2-6 or 1-5-3.
// A copy stays good while the stack only grows above what it read, and is refused once the
// stack falls into a frame it read and grows again (that frame rewritten).
TEST(FrameStackTest, OnlyRewrittenFramesSpoilACopy) {
  FrameStack frames(8);
  frames.push(1, 0, 0);
  frames.push(2, 0, 0);
  FrameStack::State seen = frames.read_state();
  EXPECT_EQ(seen.depth, 2u);
  frames.push(3, 0, 0);  // above what was read
  frames.pop();
  uint32_t id = 0;
  EXPECT_TRUE(frames.frame_id_as_of(seen, 1, &id));
  EXPECT_EQ(id, 2u);
  frames.pop();  // frame 1 popped and written again
  frames.push(7, 0, 0);
  EXPECT_FALSE(frames.frame_id_as_of(seen, 1, &id));
  EXPECT_TRUE(frames.frame_id_as_of(seen, 0, &id));
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(frames.frame(1).function_id(), 7u);
}

// Each frame's line is copied beside its id, by both readers: a caller's line as set before
// its call, the innermost frame's as last set (by the line pointer push returned).
TEST(FrameStackTest, CopiesCarryEachFramesLine) {
  FrameStack frames(8);
  frames.push(1, 3, 1);
  frames.top().set_position(9, 5);  // the caller stands at its call
  uint64_t* innermost = &frames.push(2, 20, 1).position;
  aiprof::instrumentation::Frame::store_position(innermost, 24, 3);  // a statement of the callee
  EXPECT_EQ(frames.top().line(), 24u);
  EXPECT_EQ(frames.top().column(), 3u);
  uint32_t ids[8], lines[8] = {}, n = 0;
  bool truncated = false;
  ASSERT_EQ(frames.copy_ids(ids, 8, &truncated, lines), 2u);
  EXPECT_EQ(lines[0], 9u);
  EXPECT_EQ(lines[1], 24u);
  std::fill(std::begin(lines), std::end(lines), 0u);
  ASSERT_TRUE(frames.copy_ids_from_other_thread(ids, 8, &truncated, &n, lines));
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(lines[0], 9u);
  EXPECT_EQ(lines[1], 24u);
  // Truncated: the innermost frames' lines, as their ids.
  ASSERT_EQ(frames.copy_ids(ids, 1, &truncated, lines), 1u);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(ids[0], 2u);
  EXPECT_EQ(lines[0], 24u);
}

// Breakage (exact): no torn copy is ever kept, over enough three-deep copies to mean it.
TEST(FrameStackTest, CopiesFromAnotherThreadAreNeverTorn) {
  FrameStack frames(8);
  std::atomic<bool> done{false};
  std::thread owner([&] {
    frames.push(1, 0, 0);
    uint32_t line = 0;
    while (!done.load(std::memory_order_relaxed)) {
      frames.push(2, 0, 0);
      frames.push(3, 0, 0).set_position(++line, 1);  // (a statement: read by the copies below)
      frames.pop();
      frames.pop();
      frames.push(5, 0, 0);
      frames.push(6, 0, 0);
      frames.pop();
      frames.pop();
    }
  });
  // At least 200,000 copies, and at least 1,000 of them three deep (the only ones that can
  // tear): on a loaded machine the owner may sit preempted at depth 1 or 2 for a while.
  uint64_t kept = 0, refused = 0, three_deep = 0;
  std::string torn;
  uint64_t give_up_at = monotonic_ns() + 30'000'000'000ull;
  for (uint64_t i = 0; (i < 200000 || three_deep < 1000) && monotonic_ns() < give_up_at; ++i) {
    uint32_t ids[8], lines[8];
    bool truncated = false;
    uint32_t n = 0;
    if (!frames.copy_ids_from_other_thread(ids, 8, &truncated, &n, lines)) {
      ++refused;
      continue;
    }
    ++kept;
    if (n == 3) {
      ++three_deep;
      bool consistent = (ids[1] == 2 && ids[2] == 3) || (ids[1] == 5 && ids[2] == 6);
      if (!consistent) {
        torn = std::to_string(ids[0]) + "-" + std::to_string(ids[1]) + "-" + std::to_string(ids[2]);
        break;
      }
    }
  }
  done = true;
  owner.join();
  EXPECT_EQ(torn, "") << "a torn copy was kept";
  EXPECT_GE(three_deep, 1000u) << "too few three-deep copies for the check to mean anything";
  RecordProperty("kept", std::to_string(kept));
  RecordProperty("refused", std::to_string(refused));
}

}  // namespace
