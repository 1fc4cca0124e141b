// Allocation sampling by bytes (issue 16): the table of sampled allocations, by call path,
// object type and size, and the live ones among them by address.
//
// The heap decides which allocations are sampled (a countdown over allocated bytes drawn from
// an exponential distribution of mean rate_bytes, as Go's runtime does: DESIGN.md, "Heap
// sampling by bytes"); this table only records them. A bucket is one (call path, object type,
// size) triple, as Go's memory-profile buckets are keyed by stack and size, so that the
// unbiased scaling (scale_heap_sample) is exact for every bucket. A sampled allocation stays in
// the live map until it is freed (by reference count or by the cycle collector), which counts
// it freed exactly once; the live map holds about live_bytes / rate_bytes entries, bounded by
// the sampling rate rather than by the program's allocation count.
//
// Thread-safe: every member function (one mutex; the heap calls in only for sampled
// allocations and for frees its address filter could not rule out). Not async-signal-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/hooks.hpp"

namespace aiprof::instrumentation {

// Frames kept per sampled allocation (the innermost ones, as for CPU samples).
constexpr uint32_t kMaxHeapSampleFrames = 64;

// The sampled allocations of one call path, object type and size.
struct HeapBucket {
  std::vector<uint32_t> stack;  // FunctionRegistry ids, outermost first
  ObjectType type = ObjectType::Array;
  uint64_t size = 0;    // bytes of each allocation
  uint64_t allocs = 0;  // sampled allocations
  uint64_t live = 0;    // of those, not freed yet
  bool truncated = false;  // the path was deeper than kMaxHeapSampleFrames
};

// What the table held at one moment: plain data for the report library and the endpoint.
struct HeapSampleSnapshot {
  uint64_t rate_bytes = 0;  // mean bytes between sampled allocations; 1 = every allocation
  std::vector<HeapBucket> buckets;  // append-only in the table: index i is the same bucket in
                                    // every later snapshot (delta_heap relies on it)
  uint64_t sampled_allocations = 0;
  uint64_t live_entries = 0;   // sampled allocations not freed yet (the live map's size)
  uint64_t peak_live_entries = 0;
};

// Go's scaleHeapSample: an allocation of `size` bytes is sampled with probability
// 1 - exp(-size / rate) (the chance that the exponential countdown runs out within it), so
// each sampled one stands for 1 / (1 - exp(-size / rate)) allocations. Rate 1 (every
// allocation) and rate 0 scale by 1.
struct HeapEstimate {
  double objects = 0;
  double bytes = 0;
};
HeapEstimate scale_heap_sample(uint64_t count, uint64_t size, uint64_t rate_bytes);

// The allocations sampled since `previous` (an earlier snapshot of the same table): alloc
// counts become differences, live counts stay the current figures. This is
// what /debug/pprof/delta_heap serves (godeltaprof computes it the same way, on the records
// before they are serialised).
HeapSampleSnapshot allocations_since(const HeapSampleSnapshot& now,
                                     const HeapSampleSnapshot& previous);

class HeapSampleTable {
 public:
  explicit HeapSampleTable(uint64_t rate_bytes) : rate_bytes_(rate_bytes) {}
  HeapSampleTable(const HeapSampleTable&) = delete;
  HeapSampleTable& operator=(const HeapSampleTable&) = delete;

  uint64_t rate_bytes() const { return rate_bytes_; }

  // The allocating thread: one sampled allocation of `size` bytes at `address`, made under
  // the `depth` frames of `stack` (outermost first, at most kMaxHeapSampleFrames: the caller
  // keeps the innermost ones, and says whether it left any out).
  void record_allocation(const void* address, const uint32_t* stack, uint32_t depth,
                         bool truncated, ObjectType type, uint64_t size);
  // The freeing thread: whether `address` was a live sampled allocation (it is not any more,
  // and its bucket counts one fewer live). False for any other address.
  bool record_free(const void* address);

  HeapSampleSnapshot snapshot() const;
  uint64_t live_entries() const;

 private:
  uint32_t bucket_for(const uint32_t* stack, uint32_t depth, ObjectType type, uint64_t size);

  const uint64_t rate_bytes_;
  mutable std::mutex mutex_;
  std::vector<HeapBucket> buckets_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> buckets_by_hash_;  // key hash -> buckets
  std::unordered_map<uintptr_t, uint32_t> live_;  // address -> bucket
  uint64_t sampled_ = 0;
  uint64_t peak_live_ = 0;
};

}  // namespace aiprof::instrumentation
