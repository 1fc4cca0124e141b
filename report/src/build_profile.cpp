#include "aiprof/report/build_profile.hpp"

#include <algorithm>

#include "aiprof/report/reconcile.hpp"
#include "aiprof/report/time_format.hpp"

namespace aiprof::report {

namespace inst = aiprof::instrumentation;

namespace {

// A run with no exact spans: its times, the heap's figures; operations are not counted.
Profile profile_without_spans(const RunInfo& run, const ProfileSources& in) {
  const SampledRun& r = in.sampled_run;
  Profile p;
  p.session_name = r.session_name;
  p.mode = "sampling";
  p.program = run.program;
  p.exit_status = run.exit_status;
  p.start_time = iso8601_utc(r.start);
  p.end_time = iso8601_utc(r.end);
  p.duration_ns = r.duration_ns;
  p.time_measured = false;  // no exact spans: times are estimated from samples
  p.labels = run.labels;
  if (r.include_system_info) p.system_info = collect_system_info();
  inst::MemoryStats none;
  none.switches.enabled = false;
  p.memory = memory_from_stats(r.heap ? *r.heap : none);
  p.operations.measured = false;
  return p;
}

// The heap logs its first collections only; the rest are counted, not timed.
void note_untimed_gc_runs(Profile& p) {
  if (p.memory.measured && p.memory.gc_runs.size() < p.memory.gc_collections)
    p.profiler.notes.push_back(std::to_string(p.memory.gc_collections - p.memory.gc_runs.size()) +
                               " GC runs past the first " + std::to_string(p.memory.gc_runs.size()) +
                               " are counted but not marked on the timeline");
}

void add_sampling_notes(Profile& p, bool sampled, const std::string& no_memory_reason) {
  if (sampled)
    p.profiler.overhead_percent = p.sampling->overhead_percent;
  else
    p.profiler.notes.push_back(
        "profiling was disabled (enabled = false): the program ran without the sampler");
  p.profiler.notes.push_back("operation counts are measured in exact and hybrid modes only");
  if (!p.memory.measured)
    p.profiler.notes.push_back("memory was not measured (" + no_memory_reason + ")");
}

}  // namespace

Profile build_profile(const RunInfo& run, const ProfileSources& in) {
  if (!in.exact) {
    Profile p = profile_without_spans(run, in);
    if (in.polled) add_polled_memory(p.memory, *in.polled);
    note_untimed_gc_runs(p);
    if (in.samples) add_samples(p, *in.samples, in.naming);
    if (in.heap_samples && p.memory.measured) add_heap_samples(p, *in.heap_samples, in.naming, true);
    add_sampling_notes(p, in.samples != nullptr, in.sampled_run.no_memory_reason);
    return p;
  }
  Profile p = profile_from_session(*in.exact, run);
  if (in.polled) add_polled_memory(p.memory, *in.polled);
  if (in.hybrid || in.samples) p.mode = "hybrid";
  if (in.samples) {
    // The samples join the exact tree, then the merger checks the two against each other.
    add_samples(p, *in.samples, in.naming);
    p.profiler.overhead_percent += p.sampling->overhead_percent;
    reconcile(p);
  }
  if (in.heap_samples && p.memory.measured) add_heap_samples(p, *in.heap_samples, in.naming, false);
  return p;
}

void add_polled_memory(MemoryMetrics& m, const std::vector<inst::MemoryPoint>& points) {
  if (!m.measured) return;
  for (const inst::MemoryPoint& point : points) {
    m.heap_bytes.push_back(TimeSeriesPoint{point.t_ns, static_cast<double>(point.heap_bytes)});
    if (point.rss_bytes)
      m.rss_bytes.push_back(TimeSeriesPoint{point.t_ns, static_cast<double>(point.rss_bytes)});
  }
  std::stable_sort(m.heap_bytes.begin(), m.heap_bytes.end(),
                   [](const TimeSeriesPoint& a, const TimeSeriesPoint& b) { return a.t_ns < b.t_ns; });
  // The kernel's high-water mark, or a polled point above it: its counters are per-thread
  // caches synchronised now and then, so the two can differ by a few pages.
  m.peak_rss_bytes = inst::peak_rss_bytes();
  for (const TimeSeriesPoint& point : m.rss_bytes)
    m.peak_rss_bytes = std::max(m.peak_rss_bytes, static_cast<uint64_t>(point.value));
}

}  // namespace aiprof::report
