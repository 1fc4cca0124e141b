// What every profiling mode does alike: the interpreter's options, the run's clock, the
// heap's own figures as memory metrics.
#include <signal.h>

#include "aiprof/instrumentation/memory_collector.hpp"
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

// The heap counts allocations, frees, collections and objects by kind itself, whatever the
// profiler does, so every mode has these without a hook.
aiprof::report::MemoryMetrics memory_from_heap(const Heap& heap) {
  const HeapStats& s = heap.stats();
  aiprof::report::MemoryMetrics m;
  m.total_allocations = s.allocations;
  m.total_allocation_bytes = s.allocation_bytes;
  m.total_deallocations = s.deallocations;
  m.total_deallocation_bytes = s.deallocation_bytes;
  m.peak_memory_bytes = s.peak_bytes;
  m.live_bytes_at_end = heap.live_bytes();
  m.live_objects_at_end = heap.live_objects();
  for (size_t k = 0; k < kObjKinds && k < inst::kObjectTypeCount; ++k) {
    std::string name(inst::object_type_name(static_cast<inst::ObjectType>(k)));
    if (s.objects_created[k]) m.objects_by_type[name] = s.objects_created[k];
    if (uint64_t live = s.objects_created[k] - s.objects_freed[k]) m.live_objects_by_type[name] = live;
  }
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

}  // namespace anarchy::cli
