// The handler's ring: fixed records claimed and published by one producer, drained in order.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "aiprof/sampler/sample_ring.hpp"

namespace {

using aiprof::sampler::SampleRecord;
using aiprof::sampler::SampleRing;

TEST(SampleRingTest, FillsDropsAndDrainsInOrder) {
  SampleRing ring(16, 4, 2);
  for (uint32_t i = 0; i < 16; ++i) {
    SampleRecord* r = ring.claim();
    ASSERT_NE(r, nullptr);
    r->t_ns = i;
    r->guest_depth = 4;
    for (uint32_t k = 0; k < 4; ++k) ring.guest_ids(r)[k] = i * 10 + k;
    r->native_depth = 2;
    ring.native_pcs(r)[0] = i;
    ring.native_pcs(r)[1] = i + 1;
    ring.publish();
  }
  EXPECT_EQ(ring.claim(), nullptr);  // full: the handler would drop and count
  std::vector<uint64_t> seen;
  EXPECT_EQ(ring.drain([&](const SampleRecord& r) {
    EXPECT_EQ(ring.guest_ids(&r)[3], r.t_ns * 10 + 3);  // arrays do not overlap
    EXPECT_EQ(ring.native_pcs(&r)[1], r.t_ns + 1);
    seen.push_back(r.t_ns);
  }), 16u);
  for (uint64_t i = 0; i < 16; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_NE(ring.claim(), nullptr);  // room again
}

}  // namespace
