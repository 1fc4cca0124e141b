// The spans the timeline formats (Chrome trace, speedscope's evented profile) draw: the
// profile's recorded timeline when it has one (exact spans, or sampling mode's slices of
// samples), else one laid out from the exact call tree, so a profile without raw spans still
// opens as a timeline (saying that it was synthesized).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"
#include "aiprof/report/exact_cost_notes.hpp"

namespace aiprof::report {

struct TimelineSpans {
  // Ordered by thread, then start, then depth: on each thread a span comes before the spans
  // nested in it, and spans never partly overlap (each lies within its parent).
  std::vector<TimelineEvent> events;
  bool synthesized = false;  // laid out from the call tree, not recorded
  bool sampled = false;      // laid out from sampled stacks (sampling mode), not exact spans
  uint64_t end_ns = 0;       // the end of the last span, or the session's duration if later
};

// Synthesized spans: each call path on thread 0, its children one after another from its
// start, each lasting its exact inclusive time (all calls of a path merged into one span).
TimelineSpans timeline_spans(const Profile& profile);

// "recorded spans", "sampled stacks: ...", "synthesized from the exact call tree (...)" or
// "none: ...", for profile names and the trace's otherData.
std::string timeline_source(const TimelineSpans& spans);

// The name of a thread: Profile::threads' name, or "thread N" when the profile has none.
std::string thread_name(const Profile& profile, uint32_t thread);

}  // namespace aiprof::report
