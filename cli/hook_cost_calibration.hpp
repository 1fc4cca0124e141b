// What one hook call costs the interpreter beyond the observer's own work, measured at the
// start of an exact or hybrid run, so the overhead estimate counts what the run really loses
// (issue 19, section 7: timing the observer alone reported about a quarter of the loss).
//
// The observer times its own work in the run (CallTree and CallbackCost probes); what no probe
// can see is the interpreter's side: dispatching each hook, the arguments it builds, and the
// hooked evaluator's slower paths (any listening hook turns off its quick paths). That part is
// measured here, not assumed: a small fixed guest program runs alternately without a profiler
// and with one configured as the real run (same hook mask, same clock), and
//   (time with the profiler - the profiler's own timed work - time without) / hook calls
// is the cost per hook call. Minimums over the repeats keep a loaded machine's noise out.
// Runs on the calling thread, before the real run's interpreter exists; not thread-safe, not
// async-signal-safe.
#pragma once

#include "aiprof/instrumentation/config.hpp"
#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy::cli {

struct HookCostCalibration {
  double ns_per_call = 0;      // >= 0; 0 when nothing could be measured
  double plain_ns = 0;         // the calibration program without a profiler (the minimum)
  double hooked_ns = 0;        // with one, less the profiler's own timed work (the minimum)
  unsigned long long hook_calls = 0;  // hook calls in one profiled run of it
};

// `options` are the real run's (built-in frames, depth); output is discarded.
HookCostCalibration calibrate_hook_cost(const aiprof::instrumentation::ProfilerConfig& config,
                                        const RunOptions& options);

}  // namespace anarchy::cli
