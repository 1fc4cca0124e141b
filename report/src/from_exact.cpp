#include "aiprof/report/from_exact.hpp"

#include "aiprof/report/exact_cost_notes.hpp"
#include "aiprof/report/time_format.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <tuple>

namespace aiprof::report {

namespace inst = aiprof::instrumentation;

namespace {

uint64_t precision_unit_ns(inst::TimePrecision precision) {
  switch (precision) {
    case inst::TimePrecision::Nanoseconds:
      return 1;
    case inst::TimePrecision::Microseconds:
      return 1000;
    case inst::TimePrecision::Milliseconds:
      return 1000000;
  }
  return 1;
}

// Rounds to the nearest multiple of the precision unit.
struct Rounder {
  uint64_t unit;
  uint64_t operator()(uint64_t ns) const { return (ns + unit / 2) / unit * unit; }
};

// The frame a span description stands for (two keys that describe alike share a frame).
uint32_t frame_for(Profile& p, const inst::SpanDescription& d, bool with_locations) {
  Frame f{d.name, "", 0, d.type, 0};
  if (with_locations) {
    f.file = d.location.file;
    f.line = d.location.line;
    f.column = d.location.column;
  }
  return p.intern_frame(f);
}

void convert_tree(const inst::ProfilingSession& s, Profile& p, Rounder round) {
  bool with_locations = s.config.output.include_source_locations;
  p.nodes.assign(s.nodes.size(), CallNode{});
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    const inst::SessionNode& from = s.nodes[i];
    CallNode& to = p.nodes[i];
    to.frame = i == 0 ? 0 : frame_for(p, s.describe(from.key), with_locations);
    to.parent = from.parent == UINT32_MAX ? kNoNode : from.parent;
    to.children = from.children;
    to.has_exact = s.config.time_profiling.enabled;
    to.calls = from.calls;
    to.inclusive_ns = round(from.inclusive_ns);
    to.self_ns = round(from.self_ns);
    to.alloc_count = from.alloc_count;
    to.alloc_bytes = from.alloc_bytes;
    to.metrics = from.metrics;
  }
  for (const inst::SessionSite& site : s.sites)  // expression granularity: flat, per function
    p.expression_sites.push_back(ExpressionSite{
        frame_for(p, s.describe(site.owner), with_locations), frame_for(p, s.describe(site.site), with_locations),
        site.calls, round(site.inclusive_ns), round(site.self_ns)});
}

}  // namespace

MemoryMetrics memory_from_stats(const inst::MemoryStats& m, uint64_t round_to_ns) {
  Rounder round{round_to_ns};
  MemoryMetrics out;
  out.measured = m.switches.enabled;
  out.allocations_measured = m.switches.enabled && m.switches.track_allocations;
  out.deallocations_measured = m.switches.enabled && m.switches.track_deallocations;
  out.peak_measured = m.switches.enabled && m.switches.track_peak_memory;
  out.total_allocations = m.allocations;
  out.total_allocation_bytes = m.allocation_bytes;
  out.total_deallocations = m.deallocations;
  out.total_deallocation_bytes = m.deallocation_bytes;
  out.peak_memory_bytes = m.peak_bytes;
  out.live_bytes_at_end = m.heap_at_end.taken ? m.heap_at_end.live_bytes : m.live_bytes;
  out.live_objects_at_end = m.heap_at_end.live_objects;
  for (size_t t = 0; t < inst::kObjectTypeCount; ++t) {
    std::string name(inst::object_type_name(static_cast<inst::ObjectType>(t)));
    if (m.objects_created_by_type[t]) out.objects_by_type[name] = m.objects_created_by_type[t];
    if (m.heap_at_end.live_objects_by_type[t])
      out.live_objects_by_type[name] = m.heap_at_end.live_objects_by_type[t];
    if (out.allocations_measured && m.allocations_by_type[t]) {
      out.allocations_by_type[name] = m.allocations_by_type[t];
      out.allocation_bytes_by_type[name] = m.allocation_bytes_by_type[t];
    }
  }
  out.refcount_measured = out.measured && m.heap_at_end.taken;
  for (const auto& [bucket, count] : m.heap_at_end.refcount_histogram)
    out.refcount_histogram[bucket] = count;
  out.gc_collections = m.gc_collections;
  out.gc_time_ns = round(m.gc_ns);
  out.gc_reclaimed_bytes = m.gc_reclaimed_bytes;
  out.gc_reclaimed_objects = m.gc_reclaimed_objects;
  for (const inst::HeapSample& sample : m.live_bytes_over_time)
    out.heap_bytes.push_back(TimeSeriesPoint{sample.t_ns, static_cast<double>(sample.live_bytes)});
  for (const inst::GcRun& run : m.gc_runs) {
    uint64_t start = round(run.start_ns);
    out.gc_runs.push_back(GcEvent{start, round(run.start_ns + run.duration_ns) - start,
                                  run.reclaimed_bytes, run.reclaimed_objects});
  }
  return out;
}

namespace {

// The session's one thread, named as the timeline formats show it.
void convert_threads(const inst::ProfilingSession& s, Profile& p) {
  p.threads.push_back(ThreadInfo{0, "main", s.thread_id});
}

// Raw spans become timeline events, ordered by start (a parent before the children that start
// with it). Ends are rounded, not durations, so nested spans stay nested.
void convert_timeline(const inst::ProfilingSession& s, Profile& p, Rounder round) {
  p.timeline.reserve(s.timeline.size());
  for (const inst::TimelineSpan& span : s.timeline) {
    uint64_t start = round(span.start_ns);
    uint32_t frame = span.site == UINT32_MAX ? p.nodes[span.node].frame
                                             : p.expression_sites[span.site].frame;
    p.timeline.push_back(TimelineEvent{span.thread, frame, span.depth, start,
                                       round(span.start_ns + span.duration_ns) - start});
  }
  std::stable_sort(
      p.timeline.begin(), p.timeline.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
        return std::tie(a.thread, a.start_ns, a.depth) < std::tie(b.thread, b.start_ns, b.depth);
      });
}

void convert_operations(const inst::OperationStats& o, Profile& p) {
  OperationMetrics& out = p.operations;
  out.measured = o.enabled;
  for (size_t op = 0; op < static_cast<size_t>(inst::TrackedOperation::Count); ++op)
    if (o.tracked.has(static_cast<inst::TrackedOperation>(op)))
      out.tracked.emplace_back(inst::to_string(static_cast<inst::TrackedOperation>(op)));
  out.arithmetic = o.count(inst::OperationType::Arithmetic);
  out.comparison = o.count(inst::OperationType::Comparison);
  out.logical = o.count(inst::OperationType::Logical);
  out.string = o.count(inst::OperationType::String);
  out.array = o.count(inst::OperationType::Array);
  out.object = o.count(inst::OperationType::Object);
  out.function_calls = o.function_calls;
  out.variable_accesses = o.variable_accesses;
  out.property_accesses = o.property_accesses;
  out.string_dictionary = o.string_dictionary;
  out.calls_by_function = o.calls_by_function;
  out.accesses_by_variable = o.accesses_by_variable;
  out.property_accesses_by_type = o.property_accesses_by_type;
  out.dictionary_by_operation = o.dictionary_by_operation;
}

// What the profiler cost and what it could not see, in words every report prints.
void convert_cost(const inst::ProfilingSession& s, Profile& p) {
  const inst::ProfilerCostInfo& c = s.cost;
  ProfilerCost& out = p.profiler;
  out.clock = c.clock;
  out.span_cost_ns = c.span_cost_ns;
  out.compensated = c.compensated;
  out.spans = c.spans;
  out.filtered_spans = c.filtered_spans;
  out.min_duration_ns = c.min_duration_ns;
  out.timeline_dropped = c.timeline_dropped;
  // The bookkeeping measured in the run and the interpreter's side of the hook calls, or the
  // warm-loop span cost if that says more.
  double spent_ns = std::max(c.bookkeeping_ns + c.dispatch_ns,
                             c.span_cost_ns * static_cast<double>(c.spans + c.filtered_spans));
  out.overhead_percent =
      s.duration_ns ? 100.0 * spent_ns / static_cast<double>(s.duration_ns) : 0.0;
  out.notes = c.notes;
  DispatchCost dispatch{c.hook_calls, c.dispatch_ns_per_call, c.dispatch_ns};
  if (std::string note = overhead_note(spent_ns, s.duration_ns, dispatch); !note.empty())
    out.notes.push_back(note);
  // Built-in calls are spans of their own (kind builtin) unless only modules are spanned.
  if (s.config.granularity == inst::Granularity::Module)
    out.notes.push_back(
        "time in built-in (native) functions is counted in the module that called them");
  if (!c.compensated)
    out.notes.push_back(
        "span cost is included in callers' times (not compensated; see --compensate)");
  if (c.filtered_spans)  // internal: the header's Spans line says it
    out.add_internal_note(
        "spans shorter than min_duration were not recorded; their time is in their callers' self "
        "time");
  out.timeline_floor_ns = c.timeline_floor_ns;
  if (c.timeline_dropped)  // internal: the header's Spans line says it too
    out.add_internal_note(timeline_drop_rule(c.timeline_dropped, c.timeline_floor_ns));
  if (c.unbalanced_exits)
    out.notes.push_back(std::to_string(c.unbalanced_exits) +
                        " span exits had no matching enter and were ignored");
  if (!s.config.time_profiling.enabled)
    out.notes.push_back("time was not measured (time_profiling.enabled = false)");
  if (!s.config.memory_profiling.enabled)
    out.notes.push_back("memory was not measured (memory_profiling.enabled = false)");
  if (!s.config.operation_profiling.enabled)
    out.notes.push_back("operations were not counted (operation_profiling.enabled = false)");
  out.add_internal_note("reference counts are a snapshot of live containers at the end of the run");
}

}  // namespace

Profile profile_from_session(const inst::ProfilingSession& s, const RunInfo& run) {
  Rounder round{precision_unit_ns(s.config.time_profiling.precision)};
  Profile p;
  p.session_name = s.name;
  p.mode = "exact";
  p.granularity = std::string(inst::to_string(s.config.granularity));
  p.program = run.program;
  p.exit_status = run.exit_status;
  p.labels = run.labels;
  p.start_time = iso8601_utc(s.start_time);
  p.end_time = iso8601_utc(s.end_time);
  p.duration_ns = round(s.duration_ns);
  p.time_precision = std::string(inst::to_string(s.config.time_profiling.precision));
  p.time_measured = s.config.time_profiling.enabled;
  if (s.config.output.include_system_info) p.system_info = collect_system_info();
  convert_tree(s, p, round);
  p.memory = memory_from_stats(s.memory, round.unit);
  convert_threads(s, p);
  convert_timeline(s, p, round);
  convert_operations(s.operations, p);
  convert_cost(s, p);
  p.metrics = s.global_metrics;
  return p;
}

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

}  // namespace

std::map<std::string, std::string> collect_system_info() {
  std::map<std::string, std::string> info;
  utsname u{};
  if (uname(&u) == 0) {
    info["os"] = std::string(u.sysname) + " " + u.release;
    info["machine"] = u.machine;
  }
  info["cpu"] = cpu_model();
  info["cpus"] = std::to_string(sysconf(_SC_NPROCESSORS_ONLN));
  info["compiler"] = __VERSION__;
  info["aiprof_version"] = "0.1.0";
  return info;
}

}  // namespace aiprof::report
