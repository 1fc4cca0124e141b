#include "hook_cost_calibration.hpp"

#include <time.h>

#include <algorithm>
#include <limits>

#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/instrumentation/profiler.hpp"

namespace anarchy::cli {

namespace inst = aiprof::instrumentation;

namespace {

// A bit of everything the hooks report: guest calls, a built-in, arithmetic and comparisons,
// variable and property accesses, array and string operations, allocations. About 1-3 ms of
// work unprofiled in a release build.
constexpr const char* kProgram =
    "m{\n"
    "  step(a, b){ return (a * 3 + b) % 1009; }\n"
    "  main(){\n"
    "    t = 0; kept = []; o = {n: 0, s: \"\"};\n"
    "    for (i = 0; i < 1500; i++) {\n"
    "      t = step(t, i);\n"
    "      if (i % 4 == 0 && t > 10) kept.push(t);\n"
    "      o.n = o.n + len(kept);\n"
    "      o.s = \"k\" + (i % 7);\n"
    "    }\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

constexpr int kRepeats = 5;

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// The calibration program's run time without a profiler; < 0 if it failed.
double plain_run_ns(const RunOptions& options) {
  Interpreter interp(options);
  double start = thread_cpu_ns();
  RunResult result = interp.execute_source(kProgram, "<hook cost calibration>");
  double ns = thread_cpu_ns() - start;
  return result.error ? -1 : ns;
}

struct ProfiledRun {
  double interpreter_ns = -1;  // run time less the profiler's own timed work; < 0: failed
  unsigned long long hook_calls = 0;
};

// One run of the program with an observer attached to `profiler`'s running session (one
// session for every repeat: starting one measures the span cost, which takes longer than the
// program). The session's figures grow by this run's.
ProfiledRun profiled_run(inst::Profiler& profiler, const RunOptions& options) {
  Interpreter interp(options);
  inst::ExactObserver observer(
      profiler, inst::InterpreterNames{&interp.functions(), &interp.variable_names(), nullptr});
  double bookkeeping_before = profiler.bookkeeping_ns();
  uint64_t calls_before = profiler.hook_calls();
  observer.attach();
  double start = thread_cpu_ns();
  RunResult result = interp.execute_source(kProgram, "<hook cost calibration>");
  double ns = thread_cpu_ns() - start;
  observer.detach();  // adds the callbacks' cost to the session
  if (result.error) return {};
  return {ns - (profiler.bookkeeping_ns() - bookkeeping_before),
          profiler.hook_calls() - calls_before};
}

}  // namespace

HookCostCalibration calibrate_hook_cost(const inst::ProfilerConfig& config,
                                        const RunOptions& options) {
  HookCostCalibration out;
  if (!config.enabled) return out;
  inst::ProfilerConfig quiet = config;
  quiet.timeline.enabled = false;  // its cost is timed by the probes; no need for its memory
  inst::Profiler profiler(quiet);
  profiler.start_session("hook cost calibration");
  double plain = std::numeric_limits<double>::infinity();
  double hooked = std::numeric_limits<double>::infinity();
  // Alternating, so a change in the machine's speed falls on both sides.
  for (int i = 0; i < kRepeats; ++i) {
    double p = plain_run_ns(options);
    ProfiledRun h = profiled_run(profiler, options);
    if (p < 0 || h.interpreter_ns < 0 || h.hook_calls == 0) break;
    plain = std::min(plain, p);
    hooked = std::min(hooked, h.interpreter_ns);
    out.hook_calls = h.hook_calls;
  }
  profiler.end_session();
  if (out.hook_calls == 0) return out;
  out.plain_ns = plain;
  out.hooked_ns = hooked;
  out.ns_per_call = std::max(0.0, (hooked - plain) / static_cast<double>(out.hook_calls));
  return out;
}

}  // namespace anarchy::cli
