// The exact half of the merger: a finished ProfilingSession (spans aggregated into a call tree,
// memory and operation figures) becomes a Profile, the model every report reads.
//
// Times are rounded to the session's TimePrecision here, once, so every format shows the same
// figures. Not async-signal-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "aiprof/instrumentation/session.hpp"
#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// What the session itself does not know about the run.
struct RunInfo {
  std::string program;             // the profiled file
  std::optional<int> exit_status;  // the program's, when it ran to an end
  std::map<std::string, std::string> labels;
};

// Memory statistics (an exact session's, or a heap's own) as the Profile's memory metrics,
// times rounded to multiples of `round_to_ns`.
MemoryMetrics memory_from_stats(const instrumentation::MemoryStats& stats, uint64_t round_to_ns = 1);

Profile profile_from_session(const instrumentation::ProfilingSession& session, const RunInfo& run);

// Fills Profile::system_info (OS, CPU, core count, compiler, aiprof version).
std::map<std::string, std::string> collect_system_info();

}  // namespace aiprof::report
