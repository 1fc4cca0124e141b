// What a decimated exact timeline dropped and by which rule (instrumentation's SpanTimeline),
// in one sentence: for profiler.notes, the terminal and a trace's otherData.
// Not async-signal-safe.
#pragma once

#include <cstdint>
#include <string>

namespace aiprof::report {

// "N timeline spans were dropped ...: the shortest first, every span shorter than X us ...".
std::string timeline_drop_rule(uint64_t dropped, uint64_t floor_ns);

}  // namespace aiprof::report
