// What every profiling mode does alike: the interpreter's options, the run's clock, the
// heap's own figures as memory metrics.
#include <signal.h>

#include <algorithm>

#include "aiprof/instrumentation/memory_collector.hpp"
#include "aiprof/instrumentation/memory_poller.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "profile.hpp"

namespace anarchy::cli {

namespace inst = aiprof::instrumentation;

namespace {

std::atomic<bool> g_interrupted{false};

// Async-signal-safe: one lock-free atomic store.
void on_sigint(int) { g_interrupted.store(true, std::memory_order_relaxed); }

}  // namespace

InterruptToStop::InterruptToStop() {
  g_interrupted.store(false, std::memory_order_relaxed);
  struct sigaction action{};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a program blocked reading its input gets EINTR and comes to a stop.
  // SA_RESETHAND: a second Ctrl-C kills at once, in case the program never reaches a check.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous_);
}

InterruptToStop::~InterruptToStop() { sigaction(SIGINT, &previous_, nullptr); }

bool InterruptToStop::interrupted() const { return g_interrupted.load(std::memory_order_relaxed); }

RunOptions run_options_for(const ProgramRun& program) {
  RunOptions options;
  options.interrupt = &g_interrupted;
  options.max_depth = program.max_depth;
  options.seed = program.seed;
  options.args = program.args;
  return options;
}

void RunClock::begin() {
  start = std::chrono::system_clock::now();
  steady_start = std::chrono::steady_clock::now();
}

void RunClock::finish() {
  end = std::chrono::system_clock::now();
  steady_end = std::chrono::steady_clock::now();
}

uint64_t RunClock::duration_ns() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(steady_end - steady_start).count());
}

// What the heap says at the end of the run: live bytes and objects, the reference counts of
// live containers. Bucket labels follow Heap::refcount_histogram's powers of two.
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

void by_kind_from_heap(const HeapStats& s, bool allocations, aiprof::report::MemoryMetrics& m) {
  for (size_t k = 0; k < kObjKinds && k < inst::kObjectTypeCount; ++k) {
    std::string name(inst::object_type_name(static_cast<inst::ObjectType>(k)));
    if (s.objects_created[k]) m.objects_by_type[name] = s.objects_created[k];
    if (uint64_t live = s.objects_created[k] - s.objects_freed[k]) m.live_objects_by_type[name] = live;
    if (allocations && s.allocations_by_kind[k]) {
      m.allocations_by_type[name] = s.allocations_by_kind[k];
      m.allocation_bytes_by_type[name] = s.allocation_bytes_by_kind[k];
    }
  }
}

}  // namespace

// The heap counts allocations, frees, collections and objects by kind itself, whatever the
// profiler does, so sampling mode has these without a hook. The configuration's switches
// still decide what is reported: a figure switched off reads as not measured.
aiprof::report::MemoryMetrics memory_from_heap(const Heap& heap,
                                               const inst::ProfilerConfig& config) {
  const HeapStats& s = heap.stats();
  const inst::MemoryProfiling& switches = config.memory_profiling;
  aiprof::report::MemoryMetrics m;
  m.measured = config.enabled && switches.enabled;
  m.allocations_measured = m.measured && switches.track_allocations;
  m.deallocations_measured = m.measured && switches.track_deallocations;
  m.peak_measured = m.measured && switches.track_peak_memory;
  m.refcount_measured = m.measured;
  if (!m.measured) return m;
  if (m.allocations_measured) {
    m.total_allocations = s.allocations;
    m.total_allocation_bytes = s.allocation_bytes;
  }
  if (m.deallocations_measured) {
    m.total_deallocations = s.deallocations;
    m.total_deallocation_bytes = s.deallocation_bytes;
  }
  if (m.peak_measured) m.peak_memory_bytes = s.peak_bytes;
  inst::HeapSnapshot snapshot = heap_snapshot(heap);
  m.live_bytes_at_end = snapshot.live_bytes;
  m.live_objects_at_end = snapshot.live_objects;
  for (const auto& [bucket, count] : snapshot.refcount_histogram)
    m.refcount_histogram[bucket] = count;
  by_kind_from_heap(s, m.allocations_measured, m);
  m.gc_collections = s.collections;
  m.gc_time_ns = s.collection_ns;
  m.gc_reclaimed_bytes = s.collected_bytes;
  m.gc_reclaimed_objects = s.collected_objects;
  return m;
}

std::vector<aiprof::report::GcEvent> gc_runs_from_heap(const Heap& heap, const RunClock& clock) {
  std::vector<aiprof::report::GcEvent> out;
  for (const GcRecord& r : heap.gc_records()) {
    if (r.start < clock.steady_start) continue;  // before the profiled run (none today)
    auto start = std::chrono::duration_cast<std::chrono::nanoseconds>(r.start - clock.steady_start);
    out.push_back({static_cast<uint64_t>(start.count()), r.duration_ns, r.reclaimed_bytes,
                   r.reclaimed_objects});
  }
  return out;
}

// Heap bytes on the poller's clock join the series the run already has (the collector's points
// at the start, at each collection and at the end), in time order; RSS is the process's.
void add_polled_memory(aiprof::report::MemoryMetrics& m, const inst::MemoryPoller& poller) {
  namespace rep = aiprof::report;
  if (!m.measured) return;
  for (const inst::MemoryPoint& point : poller.points()) {
    m.heap_bytes.push_back(rep::TimeSeriesPoint{point.t_ns, static_cast<double>(point.heap_bytes)});
    if (point.rss_bytes)
      m.rss_bytes.push_back(rep::TimeSeriesPoint{point.t_ns, static_cast<double>(point.rss_bytes)});
  }
  std::stable_sort(m.heap_bytes.begin(), m.heap_bytes.end(),
                   [](const rep::TimeSeriesPoint& a, const rep::TimeSeriesPoint& b) {
                     return a.t_ns < b.t_ns;
                   });
  // The kernel's high-water mark, or a polled point above it: its counters are per-thread
  // caches synchronised now and then, so the two can differ by a few pages.
  m.peak_rss_bytes = inst::peak_rss_bytes();
  for (const rep::TimeSeriesPoint& point : m.rss_bytes)
    m.peak_rss_bytes = std::max(m.peak_rss_bytes, static_cast<uint64_t>(point.value));
}

}  // namespace anarchy::cli
