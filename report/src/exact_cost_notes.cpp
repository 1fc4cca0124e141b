#include "aiprof/report/exact_cost_notes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace aiprof::report {

std::string timeline_drop_rule(uint64_t dropped, uint64_t floor_ns) {
  if (floor_ns == UINT64_MAX)
    return fmt::format("{} timeline spans were dropped: timeline.max_events is 0", dropped);
  return fmt::format(
      "{} timeline spans were dropped to stay within timeline.max_events: the shortest first, "
      "every span shorter than {:.3f} us (a span is never dropped while one nested in it is "
      "kept, so main and every enclosing span are whole)",
      dropped, static_cast<double>(floor_ns) / 1000.0);
}

std::string overhead_note(double spent_ns, uint64_t duration_ns, const DispatchCost& dispatch) {
  if (duration_ns == 0) return "";
  double share = std::min(1.0, spent_ns / static_cast<double>(duration_ns));
  std::string text =
      dispatch.ns_per_call > 0
          ? fmt::format(
                "overhead: the profiler took about {:.1f}% of the run: its own work (timed in "
                "the run on one span enter, span exit and counter callback in 61, scaled to all "
                "of them) and {:.1f}% on the interpreter's side of its {} hook calls ({:.1f} ns "
                "each, measured at start-up)",
                100.0 * share, 100.0 * dispatch.total_ns / static_cast<double>(duration_ns),
                dispatch.calls, dispatch.ns_per_call)
          : fmt::format(
                "overhead: the profiler's own work took about {:.1f}% of the run (timed in the "
                "run on one span enter, span exit and counter callback in 61, scaled to all of "
                "them; the interpreter's calls into the profiler are not in it)",
                100.0 * share);
  if (share >= 0.2 && share < 1.0)
    text += fmt::format(": without the profiler the run would have taken about {:.1f}x less time",
                        1.0 / (1.0 - share));
  return text;
}

}  // namespace aiprof::report
