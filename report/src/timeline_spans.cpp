#include "timeline_spans.hpp"

#include "sample_timeline.hpp"

#include <algorithm>
#include <tuple>

namespace aiprof::report {

namespace {

// Lays out `node` at `start`, cut at `limit` (per-node rounding can make children add up to
// more than their parent: the cut keeps them nested).
void lay_out(const Profile& p, uint32_t node, uint64_t start, uint64_t limit, uint32_t depth,
             std::vector<TimelineEvent>& out) {
  const CallNode& n = p.nodes[node];
  uint64_t end = start + std::min(n.inclusive_ns, limit - start);
  out.push_back(TimelineEvent{0, n.frame, depth, start, end - start});
  uint64_t cursor = start;
  for (uint32_t child : n.children) {
    if (!p.nodes[child].has_exact || p.nodes[child].calls == 0) continue;
    lay_out(p, child, cursor, end, depth + 1, out);
    cursor = std::min(end, cursor + p.nodes[child].inclusive_ns);
  }
}

std::vector<TimelineEvent> synthesize(const Profile& p) {
  std::vector<TimelineEvent> out;
  const CallNode& root = p.nodes[0];
  uint64_t limit = std::max(p.duration_ns, root.inclusive_ns);
  uint64_t cursor = 0;
  for (uint32_t child : root.children) {
    if (!p.nodes[child].has_exact || p.nodes[child].calls == 0) continue;
    lay_out(p, child, cursor, limit, 0, out);
    cursor = std::min(limit, cursor + p.nodes[child].inclusive_ns);
  }
  return out;
}

}  // namespace

TimelineSpans timeline_spans(const Profile& profile) {
  TimelineSpans spans;
  spans.synthesized = profile.timeline.empty();
  spans.sampled = timeline_is_sampled(profile);
  spans.events = spans.synthesized ? synthesize(profile) : profile.timeline;
  auto by_start = [](const TimelineEvent& a, const TimelineEvent& b) {
    return std::tie(a.thread, a.start_ns, a.depth) < std::tie(b.thread, b.start_ns, b.depth);
  };
  // Recorded timelines come sorted (from_exact, sample_timeline): a check, not a sort.
  if (!std::is_sorted(spans.events.begin(), spans.events.end(), by_start))
    std::stable_sort(spans.events.begin(), spans.events.end(), by_start);
  spans.end_ns = profile.duration_ns;
  for (const TimelineEvent& e : spans.events)
    spans.end_ns = std::max(spans.end_ns, e.start_ns + e.duration_ns);
  return spans;
}

std::string timeline_source(const TimelineSpans& spans) {
  if (spans.synthesized && spans.events.empty())
    return "none: no exact spans were recorded (sampling mode records none); the trace holds "
           "GC runs and the heap counter only";
  if (spans.sampled)
    return "sampled stacks: consecutive samples of a thread with the same stack merged into one "
           "slice, lasting from its first sample to the next different one (as py-spy's "
           "chrometrace); times are only as fine as the sampling period";
  return spans.synthesized
             ? "synthesized from the exact call tree (each call path's calls merged into one "
               "span, children laid end to end)"
             : "recorded spans";
}

std::string thread_name(const Profile& profile, uint32_t thread) {
  for (const ThreadInfo& t : profile.threads)
    if (t.id == thread && !t.name.empty()) return t.name;
  return "thread " + std::to_string(thread);
}

}  // namespace aiprof::report
