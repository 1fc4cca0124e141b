#include "anarchy/interpreter/heap_metrics.hpp"

#include <algorithm>
#include <iterator>

namespace anarchy {

namespace inst = aiprof::instrumentation;

// Bucket labels follow Heap::refcount_histogram's powers of two.
inst::HeapSnapshot heap_snapshot(const Heap& heap) {
  static constexpr const char* kBuckets[] = {"1",    "2",     "3-4",   "5-8",
                                             "9-16", "17-32", "33-64", ">64"};
  inst::HeapSnapshot s;
  s.taken = true;
  s.live_bytes = heap.live_bytes();
  s.live_objects = heap.live_objects();
  const HeapStats& stats = heap.stats();
  for (size_t k = 0; k < kObjKinds && k < inst::kObjectTypeCount; ++k)
    s.live_objects_by_type[k] = stats.objects_created[k] - stats.objects_freed[k];
  std::vector<uint64_t> histogram = heap.refcount_histogram();
  for (size_t b = 0; b < histogram.size() && b < std::size(kBuckets); ++b)
    if (histogram[b]) s.refcount_histogram.emplace_back(kBuckets[b], histogram[b]);
  return s;
}

namespace {

void by_kind(const HeapStats& s, bool allocations, inst::MemoryStats& m) {
  for (size_t k = 0; k < kObjKinds && k < inst::kObjectTypeCount; ++k) {
    m.objects_created_by_type[k] = s.objects_created[k];
    if (!allocations) continue;
    m.allocations_by_type[k] = s.allocations_by_kind[k];
    m.allocation_bytes_by_type[k] = s.allocation_bytes_by_kind[k];
  }
}

// The collector's runs logged since `since` (none before it today).
void gc_runs(const Heap& heap, std::chrono::steady_clock::time_point since, inst::MemoryStats& m) {
  for (const GcRecord& r : heap.gc_records()) {
    if (r.start < since) continue;
    auto start = std::chrono::duration_cast<std::chrono::nanoseconds>(r.start - since);
    m.gc_runs.push_back({static_cast<uint64_t>(start.count()), r.duration_ns, r.reclaimed_bytes,
                         r.reclaimed_objects});
  }
}

}  // namespace

// The heap counts allocations, frees, collections and objects by kind itself, whatever the
// profiler does, so sampling mode has these without a hook.
inst::MemoryStats heap_memory_stats(const Heap& heap, const inst::MemoryProfiling& switches,
                                    std::chrono::steady_clock::time_point since) {
  inst::MemoryStats m;
  m.switches = switches;
  if (!switches.enabled) return m;
  const HeapStats& s = heap.stats();
  if (switches.track_allocations) {
    m.allocations = s.allocations;
    m.allocation_bytes = s.allocation_bytes;
  }
  if (switches.track_deallocations) {
    m.deallocations = s.deallocations;
    m.deallocation_bytes = s.deallocation_bytes;
  }
  if (switches.track_peak_memory) m.peak_bytes = s.peak_bytes;
  m.heap_at_end = heap_snapshot(heap);
  m.live_bytes = m.heap_at_end.live_bytes;
  by_kind(s, switches.track_allocations, m);
  m.gc_collections = s.collections;
  m.gc_ns = s.collection_ns;
  m.gc_reclaimed_bytes = s.collected_bytes;
  m.gc_reclaimed_objects = s.collected_objects;
  gc_runs(heap, since, m);
  return m;
}

}  // namespace anarchy
