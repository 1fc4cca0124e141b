// Sentences the exact side's bounded bookkeeping owes the reader: what a decimated timeline
// dropped and by which rule (instrumentation's SpanTimeline), for profiler.notes, the
// terminal and a trace's otherData; and what the spans' bookkeeping cost the run.
// Not async-signal-safe.
#pragma once

#include <cstdint>
#include <string>

namespace aiprof::report {

// "N timeline spans were dropped ...: the shortest first, every span shorter than X us ...".
std::string timeline_drop_rule(uint64_t dropped, uint64_t floor_ns);

// The interpreter's side of the hook calls (instrumentation's ProfilerCostInfo::dispatch_ns).
struct DispatchCost {
  uint64_t calls = 0;
  double ns_per_call = 0;  // 0: not measured
  double total_ns = 0;
};

// How the exact overhead was estimated and what it means for the run's speed ("" when the
// run took no measurable time); `spent_ns` of the run's `duration_ns` went to the profiler,
// `dispatch` of it on the interpreter's side of the hook calls.
std::string overhead_note(double spent_ns, uint64_t duration_ns, const DispatchCost& dispatch);

}  // namespace aiprof::report
