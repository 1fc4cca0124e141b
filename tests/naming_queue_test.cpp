// The sampler's queue of native PCs to name (sampler/src/naming_queue.hpp): each look-up once.
#include <gtest/gtest.h>

#include "naming_queue.hpp"

namespace {

using aiprof::sampler::detail::NamingQueue;
using Lookups = std::vector<NamingQueue::Lookup>;

TEST(NamingQueueTest, InnermostAsIsOthersAsReturnAddressesEachOnce) {
  NamingQueue queue;
  uintptr_t stack[] = {0x10, 0x20, 0x30};
  queue.queue(stack, 3);
  uintptr_t again[] = {0x20, 0x20, 0x30};  // 0x20 innermost is a new look-up; the rest are not
  queue.queue(again, 3);
  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(queue.take_batch(),
            (Lookups{{0x10, false}, {0x20, true}, {0x30, true}, {0x20, false}}));
  EXPECT_TRUE(queue.empty());
  queue.queue(stack, 3);  // named already: nothing new
  EXPECT_TRUE(queue.empty());
}

TEST(NamingQueueTest, ClearForgetsWhatWasQueued) {
  NamingQueue queue;
  uintptr_t stack[] = {0x10};
  queue.queue(stack, 1);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  queue.queue(stack, 1);
  EXPECT_EQ(queue.take_batch(), (Lookups{{0x10, false}}));
}

}  // namespace
