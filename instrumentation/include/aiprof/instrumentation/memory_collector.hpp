// The memory metric collector: allocations and frees (counts and bytes, by object type),
// live and peak bytes, objects created by type, cycle-collector runs (count, time, objects and
// bytes reclaimed), and, at the end, what the heap itself says is still alive.
//
// Fed by the interpreter's allocate / free / value-create / collect hooks (see
// ExactObserver). What the hooks cannot see (objects still alive, reference counts) comes
// from a HeapSnapshot the embedding program takes from its heap when the run ends.
//
// Owner thread only; nothing here is async-signal-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "aiprof/instrumentation/clock.hpp"
#include "aiprof/instrumentation/config.hpp"
#include "aiprof/instrumentation/hooks.hpp"

namespace aiprof::instrumentation {

constexpr size_t kObjectTypeCount = static_cast<size_t>(ObjectType::Count);
using PerObjectType = std::array<uint64_t, kObjectTypeCount>;

std::string_view object_type_name(ObjectType type);  // "string", "array", ..., "env"

// The heap's own view at the end of the run.
struct HeapSnapshot {
  bool taken = false;
  uint64_t live_bytes = 0;
  uint64_t live_objects = 0;
  PerObjectType live_objects_by_type{};
  // Live containers by reference count: bucket label ("1", "2", "3-4", ...) -> count.
  std::vector<std::pair<std::string, uint64_t>> refcount_histogram;
};

struct HeapSample {
  uint64_t t_ns = 0;  // since the session started
  uint64_t live_bytes = 0;
};

// One cycle-collector run, for the timeline and the memory graph.
struct GcRun {
  uint64_t start_ns = 0;  // since the session started
  uint64_t duration_ns = 0;
  uint64_t reclaimed_bytes = 0;
  uint64_t reclaimed_objects = 0;
};

// The collector's result, part of a finished ProfilingSession.
struct MemoryStats {
  MemoryProfiling switches;  // what was tracked
  uint64_t allocations = 0;
  uint64_t allocation_bytes = 0;
  uint64_t deallocations = 0;
  uint64_t deallocation_bytes = 0;
  uint64_t live_bytes_at_start = 0;
  uint64_t live_bytes = 0;  // start + allocated - freed, at the end
  uint64_t peak_bytes = 0;
  PerObjectType allocations_by_type{};
  PerObjectType allocation_bytes_by_type{};
  PerObjectType objects_created_by_type{};
  uint64_t gc_collections = 0;
  uint64_t gc_ns = 0;
  uint64_t gc_reclaimed_objects = 0;
  uint64_t gc_reclaimed_bytes = 0;
  std::vector<HeapSample> live_bytes_over_time;  // at session start, each collection, the end
  std::vector<GcRun> gc_runs;                    // each collection, in order
  HeapSnapshot heap_at_end;
};

class MemoryCollector {
 public:
  explicit MemoryCollector(MemoryProfiling switches) { stats_.switches = switches; }

  void begin(uint64_t session_start_tick);
  // What the heap holds when the session starts: the baseline of live and peak bytes.
  void set_baseline(uint64_t live_bytes);

  void on_allocate(ObjectType type, uint64_t bytes) {
    ++stats_.allocations;
    stats_.allocation_bytes += bytes;
    ++stats_.allocations_by_type[static_cast<size_t>(type)];
    stats_.allocation_bytes_by_type[static_cast<size_t>(type)] += bytes;
    live_ += bytes;
    if (live_ > stats_.peak_bytes) stats_.peak_bytes = live_;
  }
  void on_free(uint64_t bytes) {
    ++stats_.deallocations;
    stats_.deallocation_bytes += bytes;
    live_ -= bytes;
  }
  void on_object_created(ObjectType type) {
    ++stats_.objects_created_by_type[static_cast<size_t>(type)];
  }
  void on_collect_begin(uint64_t now_tick) { collect_start_tick_ = now_tick; }
  void on_collect_end(uint64_t now_tick, uint64_t objects, uint64_t bytes);

  void set_heap_snapshot(HeapSnapshot snapshot) { stats_.heap_at_end = std::move(snapshot); }

  // The result, with ticks converted by `clock`.
  MemoryStats finish(uint64_t end_tick, const SpanClock& clock) const;

 private:
  MemoryStats stats_;
  uint64_t live_ = 0;
  uint64_t start_tick_ = 0;
  uint64_t collect_start_tick_ = 0;
  uint64_t gc_ticks_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> samples_;  // (tick, live bytes)
  struct RawGcRun {
    uint64_t start_tick, end_tick, objects, bytes;
  };
  std::vector<RawGcRun> gc_runs_;  // one per collection, as many as live-bytes samples
};

}  // namespace aiprof::instrumentation
