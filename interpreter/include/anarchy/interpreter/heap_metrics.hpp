// The heap's own figures in the profiler's terms (instrumentation::MemoryStats), so a profile
// can be built without memory hooks (sampling mode) and exact mode gets the end-of-run view.
// report::build_profile turns them into the Profile's memory metrics. Not async-signal-safe:
// call on the heap's thread, or while it is stopped.
#pragma once

#include <chrono>

#include "aiprof/instrumentation/memory_collector.hpp"
#include "anarchy/interpreter/heap.hpp"

namespace anarchy {

// What the heap holds now: live bytes and objects, the reference counts of live containers.
aiprof::instrumentation::HeapSnapshot heap_snapshot(const Heap& heap);

// The heap's counters, collections (timed from `since`) and snapshot, under `switches`: a
// figure switched off stays 0 (and reads as not measured); with memory off, nothing is taken.
aiprof::instrumentation::MemoryStats heap_memory_stats(
    const Heap& heap, const aiprof::instrumentation::MemoryProfiling& switches,
    std::chrono::steady_clock::time_point since);

}  // namespace anarchy
