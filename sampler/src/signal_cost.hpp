// What one SIGPROF's delivery and return cost the thread that gets it (for the reports'
// overhead figure). Not async-signal-safe.
#pragma once

#include <functional>

namespace aiprof::sampler::detail {

// The cost of one signal's delivery and return on this machine, in ns (median of a few runs
// of self-sent SIGPROFs, which the handler ignores). Needs the handler installed. Between runs
// it asks keep_going(): when told to stop it returns what the runs so far measured (at least
// one run is made).
double measure_signal_cost_ns(const std::function<bool()>& keep_going);

}  // namespace aiprof::sampler::detail
