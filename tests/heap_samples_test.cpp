// The table of sampled allocations (instrumentation/heap_samples.hpp) by itself: Go's scaling,
// buckets by path, type and size, frees counted once, and delta_heap's difference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "aiprof/instrumentation/heap_samples.hpp"

namespace inst = aiprof::instrumentation;

namespace {

const uint32_t kPathA[] = {1, 2};
const uint32_t kPathB[] = {1, 3};
int g_blocks[8];  // addresses to record (never dereferenced)

}  // namespace

TEST(ScaleHeapSample, EveryAllocationAtRateOneCountsAsItself) {
  inst::HeapEstimate e = inst::scale_heap_sample(7, 48, 1);
  EXPECT_DOUBLE_EQ(e.objects, 7.0);
  EXPECT_DOUBLE_EQ(e.bytes, 7.0 * 48);
}

TEST(ScaleHeapSample, UsesGoFormulaOneOverOneMinusExpMinusSizeOverRate) {
  // Size 1024 at rate 4096: sampled with probability 1 - e^-0.25.
  double weight = 1.0 / (1.0 - std::exp(-1024.0 / 4096.0));
  inst::HeapEstimate e = inst::scale_heap_sample(3, 1024, 4096);
  EXPECT_NEAR(e.objects, 3 * weight, 1e-9);
  EXPECT_NEAR(e.bytes, 3 * weight * 1024, 1e-6);
  // A block far larger than the rate is sampled almost surely: it counts about once.
  EXPECT_NEAR(inst::scale_heap_sample(1, 1 << 30, 4096).objects, 1.0, 1e-9);
  // A small block stands for about rate / size blocks.
  EXPECT_NEAR(inst::scale_heap_sample(1, 16, 512 * 1024).objects, 512.0 * 1024 / 16, 1.0);
}

TEST(HeapSampleTable, BucketsByPathTypeAndSize) {
  inst::HeapSampleTable t(4096);
  t.record_allocation(&g_blocks[0], kPathA, 2, false, inst::ObjectType::Object, 64);
  t.record_allocation(&g_blocks[1], kPathA, 2, false, inst::ObjectType::Object, 64);
  t.record_allocation(&g_blocks[2], kPathA, 2, false, inst::ObjectType::Object, 96);
  t.record_allocation(&g_blocks[3], kPathB, 2, false, inst::ObjectType::Object, 64);
  t.record_allocation(&g_blocks[4], kPathA, 2, false, inst::ObjectType::String, 64);
  inst::HeapSampleSnapshot s = t.snapshot();
  ASSERT_EQ(s.buckets.size(), 4u);
  EXPECT_EQ(s.buckets[0].allocs, 2u);
  EXPECT_EQ(s.buckets[0].live, 2u);
  EXPECT_EQ(s.buckets[0].stack, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(s.sampled_allocations, 5u);
  EXPECT_EQ(s.live_entries, 5u);
  EXPECT_EQ(s.rate_bytes, 4096u);
}

TEST(HeapSampleTable, AFreeCountsOnceAndOnlyForSampledAddresses) {
  inst::HeapSampleTable t(4096);
  t.record_allocation(&g_blocks[0], kPathA, 2, false, inst::ObjectType::Array, 32);
  EXPECT_FALSE(t.record_free(&g_blocks[1]));  // never sampled
  EXPECT_TRUE(t.record_free(&g_blocks[0]));
  EXPECT_FALSE(t.record_free(&g_blocks[0]));  // a second free of it subtracts nothing
  inst::HeapSampleSnapshot s = t.snapshot();
  ASSERT_EQ(s.buckets.size(), 1u);
  EXPECT_EQ(s.buckets[0].allocs, 1u);
  EXPECT_EQ(s.buckets[0].live, 0u);
  EXPECT_EQ(s.live_entries, 0u);
  EXPECT_EQ(s.peak_live_entries, 1u);
}

TEST(HeapSampleTable, AnAddressReusedAfterItsFreeIsANewAllocation) {
  inst::HeapSampleTable t(4096);
  t.record_allocation(&g_blocks[0], kPathA, 2, false, inst::ObjectType::Array, 32);
  EXPECT_TRUE(t.record_free(&g_blocks[0]));
  t.record_allocation(&g_blocks[0], kPathB, 2, false, inst::ObjectType::Array, 32);
  EXPECT_TRUE(t.record_free(&g_blocks[0]));
  inst::HeapSampleSnapshot s = t.snapshot();
  ASSERT_EQ(s.buckets.size(), 2u);
  EXPECT_EQ(s.buckets[0].live + s.buckets[1].live, 0u);
  EXPECT_EQ(s.buckets[0].allocs + s.buckets[1].allocs, 2u);
}

TEST(HeapSampleTable, KeepsTheTruncatedFlag) {
  inst::HeapSampleTable t(1);
  t.record_allocation(&g_blocks[0], kPathA, 2, true, inst::ObjectType::Array, 32);
  EXPECT_TRUE(t.snapshot().buckets.at(0).truncated);
}

TEST(AllocationsSince, SubtractsAllocationsAndKeepsCurrentLiveCounts) {
  inst::HeapSampleTable t(4096);
  t.record_allocation(&g_blocks[0], kPathA, 2, false, inst::ObjectType::Array, 32);
  t.record_allocation(&g_blocks[1], kPathA, 2, false, inst::ObjectType::Array, 32);
  inst::HeapSampleSnapshot before = t.snapshot();
  t.record_allocation(&g_blocks[2], kPathA, 2, false, inst::ObjectType::Array, 32);
  t.record_allocation(&g_blocks[3], kPathB, 2, false, inst::ObjectType::Array, 32);
  EXPECT_TRUE(t.record_free(&g_blocks[0]));
  inst::HeapSampleSnapshot delta = inst::allocations_since(t.snapshot(), before);
  ASSERT_EQ(delta.buckets.size(), 2u);
  EXPECT_EQ(delta.buckets[0].allocs, 1u);  // 3 - 2
  EXPECT_EQ(delta.buckets[0].live, 2u);    // blocks 1 and 2, now
  EXPECT_EQ(delta.buckets[1].allocs, 1u);  // new since `before`
  EXPECT_EQ(delta.sampled_allocations, 2u);
}
