// ProfilingSession: the result of one profiling run, as Profiler::end_session returns it.
//
// Unlike the design document's session (a list of completed spans), this one holds the call
// tree the spans were aggregated into (times already converted to nanoseconds), a description
// of every distinct span key, the memory and operation figures, session-wide metrics, and
// what the profiler cost and could not see. Plain data; not async-signal-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "aiprof/instrumentation/config.hpp"
#include "aiprof/instrumentation/memory_collector.hpp"
#include "aiprof/instrumentation/operation_collector.hpp"
#include "aiprof/instrumentation/span.hpp"

namespace aiprof::instrumentation {

struct SessionNode {
  SpanKey key = 0;
  uint32_t parent = UINT32_MAX;  // index into ProfilingSession::nodes (root: none)
  std::vector<uint32_t> children;
  uint64_t calls = 0;
  uint64_t inclusive_ns = 0;
  uint64_t self_ns = 0;
  uint64_t alloc_count = 0;
  uint64_t alloc_bytes = 0;
  std::map<std::string, MetricValue> metrics;
};

// One expression or block site of one function (expression granularity), over the session.
struct SessionSite {
  SpanKey owner = 0;  // the function (module, import, ...) span it was evaluated in
  SpanKey site = 0;
  uint64_t calls = 0;
  uint64_t inclusive_ns = 0;  // outermost activations only (recursion is not counted twice)
  uint64_t self_ns = 0;       // excluding the expressions and calls nested in it
};

// One raw span kept for a timeline (ProfilerConfig::timeline), in nanoseconds.
struct TimelineSpan {
  uint64_t start_ns = 0;  // since the session started
  uint64_t duration_ns = 0;
  uint32_t node = 0;    // index into ProfilingSession::nodes (a site's: the node it lies in)
  uint32_t depth = 0;   // nesting depth (0 = outermost span)
  uint32_t thread = 0;  // the session's thread (one per session today)
  uint32_t site = UINT32_MAX;  // index into ProfilingSession::sites, for an expression span
};

// What the profiler cost, and what it did not record.
struct ProfilerCostInfo {
  std::string clock;            // SpanClock::describe()
  double span_cost_ns = 0;      // one span enter + exit, as measured at session start
  // The profiler's own work as timed in the run: span bookkeeping (CallTree) and the event
  // source's other callbacks (ExactObserver: memory and operation counters), in ns.
  double bookkeeping_ns = 0;
  // The interpreter's side of the hook calls that the bookkeeping cannot time (dispatch to the
  // observer, the hooked evaluator's slower paths): hook_calls times a cost per call measured
  // at start-up (Profiler::set_hook_dispatch_cost_ns; 0 when it was not).
  uint64_t hook_calls = 0;
  double dispatch_ns_per_call = 0;
  double dispatch_ns = 0;
  bool compensated = false;     // span cost subtracted from inclusive and self times
  uint64_t spans = 0;           // spans recorded
  uint64_t filtered_spans = 0;  // shorter than min_duration, not recorded
  uint64_t min_duration_ns = 0;
  uint64_t unbalanced_exits = 0;
  bool timeline_recorded = false;  // ProfilerConfig::timeline was on
  uint64_t timeline_dropped = 0;   // spans the full timeline decimated (SpanTimeline)
  uint64_t timeline_floor_ns = 0;  // the timeline kept every span at least this long (0: all)
  std::vector<std::string> notes;
};

struct ProfilingSession {
  std::string id;  // unique: name, process id and start time
  std::string name;
  std::chrono::system_clock::time_point start_time;
  std::chrono::system_clock::time_point end_time;
  uint64_t duration_ns = 0;
  int64_t thread_id = 0;  // the OS id of the thread that ran the session
  ProfilerConfig config;
  std::vector<SessionNode> nodes;  // nodes[0]: the root, the whole session
  std::vector<SessionSite> sites;  // expression granularity: per (function, site)
  std::map<SpanKey, SpanDescription> descriptions;
  MemoryStats memory;
  OperationStats operations;
  std::map<std::string, MetricValue> global_metrics;
  ProfilerCostInfo cost;
  // Raw spans in order of exit (children before their parent), when a timeline was recorded.
  // Times are not compensated for the span cost.
  std::vector<TimelineSpan> timeline;

  // The description of a key ("?" names for a key nobody described).
  const SpanDescription& describe(SpanKey key) const;
};

// Subtracts `span_cost_ns` per descendant span from each node's inclusive time and per child
// span from its self time (never below zero). Used by Profiler for TimeProfiling::compensate.
void compensate_span_cost(std::vector<SessionNode>& nodes, double span_cost_ns);

}  // namespace aiprof::instrumentation
