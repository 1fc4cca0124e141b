// SpanTimeline: the bounded buffer of raw spans kept for timeline outputs (Chrome trace,
// speedscope's evented profile). DESIGN.md: exact spans aggregate, they don't log; this buffer
// is the one exception, kept only when a timeline output is asked for
// (ProfilerConfig::timeline), bounded, and counting what it drops once full.
//
// CallTree::exit records a span here after it has aggregated it, so a span costs one
// predictable branch more when the timeline is off. Owner thread only; nothing here is
// async-signal-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace aiprof::instrumentation {

// One completed span, in clock ticks (converted when the session ends). Fixed size, so the
// bound in events is a bound in bytes.
struct RawSpan {
  uint64_t start_tick = 0;
  uint64_t duration_ticks = 0;
  uint32_t node = 0;   // the call-tree node the span was aggregated into
  uint32_t depth = 0;  // nesting depth (0 = outermost span below the session root)
};
static_assert(sizeof(RawSpan) == 24, "RawSpan is a fixed-size record");

class SpanTimeline {
 public:
  explicit SpanTimeline(uint32_t max_events) : max_events_(max_events) {}

  void record(uint64_t start_tick, uint64_t duration_ticks, uint32_t node, uint32_t depth) {
    if (spans_.size() < max_events_) [[likely]]
      spans_.push_back(RawSpan{start_tick, duration_ticks, node, depth});
    else
      ++dropped_;
  }

  const std::vector<RawSpan>& spans() const { return spans_; }  // in order of span exit
  uint64_t dropped() const { return dropped_; }
  uint32_t max_events() const { return max_events_; }

 private:
  std::vector<RawSpan> spans_;
  uint32_t max_events_;
  uint64_t dropped_ = 0;
};

}  // namespace aiprof::instrumentation
