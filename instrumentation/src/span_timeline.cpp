#include "aiprof/instrumentation/span_timeline.hpp"

#include <algorithm>
#include <functional>

namespace aiprof::instrumentation {

// The new floor is one tick above the (keep + 1)-th longest duration, so at most `keep` spans
// reach it even when many spans share a duration (ties go together: a span and the one it
// encloses may last the same number of ticks, and must stay or go as one).
void SpanTimeline::decimate() {
  size_t keep = max_events_ / 2;
  if (max_events_ == 0) {
    floor_ticks_ = UINT64_MAX;  // no room at all: every span is dropped
  } else if (spans_.size() > keep) {
    std::vector<uint64_t> durations(spans_.size());
    for (size_t i = 0; i < spans_.size(); ++i) durations[i] = spans_[i].duration_ticks;
    std::nth_element(durations.begin(), durations.begin() + static_cast<std::ptrdiff_t>(keep),
                     durations.end(), std::greater<>());
    floor_ticks_ = std::max(floor_ticks_, durations[keep] + 1);
  }
  auto short_span = [this](const RawSpan& s) { return s.duration_ticks < floor_ticks_; };
  auto kept_end = std::remove_if(spans_.begin(), spans_.end(), short_span);
  dropped_ += static_cast<uint64_t>(spans_.end() - kept_end);
  spans_.erase(kept_end, spans_.end());
}

}  // namespace aiprof::instrumentation
