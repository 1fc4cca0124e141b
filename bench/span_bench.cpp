// What one exact span costs, beside the clock reads it cannot avoid, and what a hook site
// costs when no profiler listens (the disabled path). overhead.py turns these into ratios.
#include <benchmark/benchmark.h>
#include <time.h>

#include "aiprof/instrumentation/call_tree.hpp"
#include "aiprof/instrumentation/clock.hpp"
#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/instrumentation/hooks.hpp"
#include "aiprof/instrumentation/profiler.hpp"

namespace inst = aiprof::instrumentation;

namespace {

const inst::SpanClock& wall_clock() {
  static const inst::SpanClock clock = inst::SpanClock::calibrate();
  return clock;
}

// The floor: a span reads the clock once on entry and once on exit.
void BM_TwoClockReads(benchmark::State& state) {
  const inst::SpanClock& clock = wall_clock();
  for (auto _ : state) {
    uint64_t a = clock.now();
    uint64_t b = clock.now();
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_TwoClockReads);

void two_reads_of(benchmark::State& state, clockid_t id) {
  for (auto _ : state) {
    timespec a, b;
    clock_gettime(id, &a);
    clock_gettime(id, &b);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
}
void BM_TwoClockGettimeMonotonic(benchmark::State& state) { two_reads_of(state, CLOCK_MONOTONIC); }
void BM_TwoClockGettimeThreadCpu(benchmark::State& state) {
  two_reads_of(state, CLOCK_THREAD_CPUTIME_ID);
}
BENCHMARK(BM_TwoClockGettimeMonotonic);
BENCHMARK(BM_TwoClockGettimeThreadCpu);

// One span enter + exit on the call tree (the node is found through the last-hit cache, as
// for a function called in a loop).
void BM_SpanEnterExit(benchmark::State& state) {
  inst::CallTree tree(wall_clock(), 0);
  tree.start();
  constexpr inst::SpanKey kKey = inst::span_key(inst::SpanType::Function, 7);
  for (auto _ : state) {
    tree.enter(kKey);
    tree.exit();
  }
  tree.finish();
}
BENCHMARK(BM_SpanEnterExit);

// The same through the interpreter's hook interface: an indirect call each way, as the
// interpreter makes it (time spans only, no operation counting).
void BM_SpanThroughObserver(benchmark::State& state) {
  inst::ProfilerConfig config;
  config.operation_profiling.enabled = false;
  config.memory_profiling.enabled = false;
  inst::Profiler profiler(config);
  inst::ExactObserver observer(profiler, {});
  profiler.start_session("bench");
  observer.attach();
  for (auto _ : state) {
    AIPROF_HOOK(kHookCall, on_call_enter(7));
    AIPROF_HOOK(kHookCall, on_call_exit(7));
  }
  observer.detach();
  profiler.end_session();
}
BENCHMARK(BM_SpanThroughObserver);

// A hook site with no observer attached: one load and one not-taken branch.
void BM_HookSiteDisabled(benchmark::State& state) {
  inst::attach_observer(nullptr, 0);
  uint32_t id = 7;
  for (auto _ : state) {
    benchmark::DoNotOptimize(id);
    AIPROF_HOOK(kHookCall, on_call_enter(id));
  }
}
BENCHMARK(BM_HookSiteDisabled);

}  // namespace

BENCHMARK_MAIN();
