// SpanTimeline: the bounded buffer of raw spans kept for timeline outputs (Chrome trace,
// speedscope's evented profile). DESIGN.md: exact spans aggregate, they don't log; this buffer
// is the one exception, kept only when a timeline output is asked for
// (ProfilerConfig::timeline), bounded, and counting what it drops.
//
// When the buffer is full it does not drop whatever comes last (that lost `main` and every
// span enclosing the end of a run: they finish last). It decimates the shortest spans
// instead: it raises a duration floor until at most half the buffer is kept, removes the
// stored spans below it, and from then on refuses new spans below it. A span lasts at least
// as long as every span nested in it, so the spans kept are always exactly "every span at
// least `floor` long": a kept span's enclosing spans are all kept (no open ancestor is ever
// lost), and what goes are the short leaves. Each decimation costs O(buffer), and happens at
// most once per max_events / 2 spans recorded.
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
    if (spans_.size() >= max_events_) [[unlikely]]
      decimate();
    if (duration_ticks < floor_ticks_) [[unlikely]] {
      ++dropped_;
      return;
    }
    spans_.push_back(RawSpan{start_tick, duration_ticks, node, depth});
  }

  const std::vector<RawSpan>& spans() const { return spans_; }  // in order of span exit
  uint64_t dropped() const { return dropped_; }
  uint32_t max_events() const { return max_events_; }
  // Spans shorter than this many ticks were dropped (0: none was).
  uint64_t floor_ticks() const { return floor_ticks_; }

 private:
  // Raises the floor so that at most max_events / 2 stored spans reach it, and removes the
  // rest (keeping the order of exit).
  void decimate();

  std::vector<RawSpan> spans_;
  uint32_t max_events_;
  uint64_t dropped_ = 0;
  uint64_t floor_ticks_ = 0;
};

}  // namespace aiprof::instrumentation
