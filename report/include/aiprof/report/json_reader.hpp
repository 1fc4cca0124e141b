// Reads a JSON report (json_report.cpp, schema_version 2) back into the Profile it was written
// from, so `anarchy report` can turn it into any other format, diff it or merge it.
//
// Only the lossless keys are read (session, frames, nodes, threads, timeline, sampling,
// memory_metrics, operation_metrics, metrics, profiler); the human-oriented ones
// (time_metrics, call_graph) are derived and ignored. Every input is checked: no file, however
// broken, crashes the reader; it throws ProfileReadError instead. Not async-signal-safe.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// One line naming the file and the problem: the OS error, the byte where the JSON broke, the
// schema version found, or the JSON path of a missing, mistyped or inconsistent field.
class ProfileReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The deepest call tree accepted. The report writers walk the tree recursively on the main
// thread's stack: a 100000-deep chain crashes them in a debug build, 40000 does not. Real
// profiles stop near the guest depth limit (--max-depth, 10000 by default).
constexpr uint32_t kMaxReadTreeDepth = 32768;

// Reads and checks the file at `path`.
Profile read_json_profile(const std::string& path);

// Parses `text`; `source` names it in messages (a file name).
Profile parse_json_profile(std::string_view text, const std::string& source);

}  // namespace aiprof::report
