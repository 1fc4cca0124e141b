// `anarchy report merge`: many profiles (runs, processes) into one, as a continuous-profiling
// engine aggregates them. Not async-signal-safe.
//
// - Call trees are summed by frame path: two nodes are the same when the frames on the path
//   from the root match by FrameKey (kind, name, file, line and column). Exact figures, samples,
//   allocations and user metrics (numbers add; a string keeps the first value) are summed.
// - Session duration is the sum, so shares stay shares of all the time profiled. Threads are
//   concatenated (named "NAME [INPUT]"), and timelines, heap series and GC runs are laid end
//   to end: input k's times are offset by the durations of inputs 0..k-1.
// - Memory and operation counters add (peak is the largest peak); a figure counts as measured
//   only when every input measured it.
// - Sampling: counts add; the delivered and requested rates are weighted by each input's
//   sampled time (samples / delivered rate), so the delivered rate is total samples over total
//   sampled time. Profiler cost: counts add; span cost is weighted by spans.
// - Session fields the inputs disagree on read "mixed" (mode, granularity, precision) or list
//   each value (clocks); exit_status is kept only when all agree. profiler.notes says which
//   inputs were merged, then the notes all inputs share, then each input's own, prefixed.
#pragma once

#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// `names[i]` names `profiles[i]` in notes and thread names (the file it was read from).
// Throws std::invalid_argument when there are no profiles or the sizes differ.
Profile merge_profiles(const std::vector<Profile>& profiles, const std::vector<std::string>& names);

}  // namespace aiprof::report
