// What the writers read of the sampled lines (Profile::line_nodes): the hot lines of the text
// and HTML reports, and each line node's path for the line-level stacks (pprof, folded
// --lines). Reads a Profile only; not async-signal-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// One line of guest source and the samples taken there.
struct HotLine {
  uint32_t function_frame = 0;  // the function (or module initialiser) it lies in: Profile::frames
  uint32_t line = 0;
  // Samples whose innermost guest function stood at this line: its own statements, and the
  // built-ins, the collector and native code it was running (but not guest functions it called).
  uint64_t samples_self = 0;
  // Samples with this line anywhere on the stack (once per sample): with what it called.
  uint64_t samples_total = 0;
};

// Every (function, line) with samples, by self samples (then total samples), most first.
std::vector<HotLine> hot_lines(const Profile& profile);

// Line node `node`'s path, outermost first (node last).
std::vector<uint32_t> line_path(const Profile& profile, uint32_t node);

}  // namespace aiprof::report
