#include "aiprof/instrumentation/heap_samples.hpp"

#include <algorithm>
#include <cmath>

namespace aiprof::instrumentation {

HeapEstimate scale_heap_sample(uint64_t count, uint64_t size, uint64_t rate_bytes) {
  double n = static_cast<double>(count), s = static_cast<double>(size);
  if (count == 0 || size == 0 || rate_bytes <= 1) return {n, n * s};
  // -expm1(-x) is 1 - exp(-x) without the cancellation for small x (small objects, large rates).
  double probability = -std::expm1(-s / static_cast<double>(rate_bytes));
  double objects = n / probability;
  return {objects, objects * s};
}

HeapSampleSnapshot allocations_since(const HeapSampleSnapshot& now,
                                     const HeapSampleSnapshot& previous) {
  HeapSampleSnapshot delta = now;
  size_t common = std::min(now.buckets.size(), previous.buckets.size());
  for (size_t i = 0; i < common; ++i) {
    HeapBucket& b = delta.buckets[i];
    uint64_t before = previous.buckets[i].allocs;
    b.allocs = b.allocs >= before ? b.allocs - before : 0;
  }
  delta.sampled_allocations = now.sampled_allocations >= previous.sampled_allocations
                                  ? now.sampled_allocations - previous.sampled_allocations
                                  : now.sampled_allocations;
  return delta;
}

namespace {

uint64_t bucket_hash(const uint32_t* stack, uint32_t depth, ObjectType type, uint64_t size) {
  uint64_t h = 1469598103934665603ull ^ (size * 0x9E3779B97F4A7C15ull) ^ static_cast<uint8_t>(type);
  for (uint32_t i = 0; i < depth; ++i) h = (h ^ stack[i]) * 1099511628211ull;
  return h;
}

}  // namespace

uint32_t HeapSampleTable::bucket_for(const uint32_t* stack, uint32_t depth, ObjectType type,
                                     uint64_t size) {
  std::vector<uint32_t>& candidates = buckets_by_hash_[bucket_hash(stack, depth, type, size)];
  for (uint32_t i : candidates) {
    const HeapBucket& b = buckets_[i];
    if (b.type == type && b.size == size && b.stack.size() == depth &&
        std::equal(b.stack.begin(), b.stack.end(), stack))
      return i;
  }
  HeapBucket b;
  b.stack.assign(stack, stack + depth);
  b.type = type;
  b.size = size;
  buckets_.push_back(std::move(b));
  candidates.push_back(static_cast<uint32_t>(buckets_.size() - 1));
  return candidates.back();
}

void HeapSampleTable::record_allocation(const void* address, const uint32_t* stack,
                                        uint32_t depth, bool truncated, ObjectType type,
                                        uint64_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint32_t index = bucket_for(stack, depth, type, size);
  HeapBucket& b = buckets_[index];
  ++b.allocs;
  ++b.live;
  b.truncated = b.truncated || truncated;
  ++sampled_;
  // An address still in the map was freed without the heap telling us: count it freed so the
  // figures stay consistent (the heap always tells us; this is the defensive reading).
  auto [it, added] = live_.try_emplace(reinterpret_cast<uintptr_t>(address), index);
  if (!added) {
    --buckets_[it->second].live;
    it->second = index;
  }
  peak_live_ = std::max<uint64_t>(peak_live_, live_.size());
}

bool HeapSampleTable::record_free(const void* address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = live_.find(reinterpret_cast<uintptr_t>(address));
  if (it == live_.end()) return false;
  --buckets_[it->second].live;
  live_.erase(it);
  return true;
}

HeapSampleSnapshot HeapSampleTable::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  HeapSampleSnapshot s;
  s.rate_bytes = rate_bytes_;
  s.buckets = buckets_;
  s.sampled_allocations = sampled_;
  s.live_entries = live_.size();
  s.peak_live_entries = peak_live_;
  return s;
}

uint64_t HeapSampleTable::live_entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_.size();
}

}  // namespace aiprof::instrumentation
