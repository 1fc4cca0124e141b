#include "reconcile_causes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "report_text_util.hpp"

namespace aiprof::report {

const char* cause_name(DisagreementCause cause) {
  switch (cause) {
    case DisagreementCause::CollectorOrBuiltin:
      return "collector or built-in frame";
    case DisagreementCause::FilteredSpans:
      return "spans filtered by min_duration";
    case DisagreementCause::Clock:
      return "the sampler's clock versus the spans' clock";
    case DisagreementCause::SpanCost:
      return "span cost";
    case DisagreementCause::CallBoundary:
      return "time at a call boundary";
    case DisagreementCause::SamplerStalls:
      return "sampler stalls";
    case DisagreementCause::Unexplained:
      return "unexplained";
  }
  return "unexplained";
}

namespace detail {

namespace {

// A cause "covers" a gap when the time it can move between the two sides is at least half of it.
constexpr double kCovers = 0.5;
// The most time making one call can plausibly move across it (binding arguments, pushing a
// frame, a short preemption in between): a gap of more per call is not a call boundary's.
constexpr double kMaxBoundaryNsPerCall = 10000;

std::string duration(double ns) {
  return format_duration(static_cast<uint64_t>(std::max(0.0, ns)));
}

bool spans_count_cpu_time(const Profile& p) {
  return p.profiler.clock.find("CPU time") != std::string::npos;
}

double off_cpu_ns(const Profile& p) {
  double off = 0;
  for (const ThreadSampling& t : p.sampling->per_thread)
    if (t.wall_ns > t.cpu_ns) off += static_cast<double>(t.wall_ns - t.cpu_ns);
  return off;
}

// CPU-time samples miss the wall time spent off the CPU: the function that waited reads low in
// them, and (shares being shares of a smaller whole) every other one reads high. So either
// direction fits; what decides is whether the off-CPU time could make up the gap.
std::optional<LikelyCause> clock_cause(const Profile& p, double gap_ns) {
  bool sampler_cpu = p.sampling->clock == "cpu";
  if (sampler_cpu == spans_count_cpu_time(p)) return std::nullopt;
  double off = off_cpu_ns(p);
  if (off < kCovers * gap_ns) return std::nullopt;
  return LikelyCause{
      DisagreementCause::Clock,
      fmt::format("the samples count {} time and the spans {} time; the thread spent {} off the "
                  "CPU (waiting or descheduled), which only the {} figures count (the gap is {})",
                  sampler_cpu ? "CPU" : "wall", sampler_cpu ? "wall" : "CPU", duration(off),
                  sampler_cpu ? "exact" : "sampled", duration(gap_ns))};
}

std::optional<LikelyCause> span_cost_cause(const Profile& p, const ShareJudgement& j,
                                           double gap_ns) {
  uint64_t spans = j.spans;
  double cost = p.profiler.span_cost_ns * static_cast<double>(spans);
  if (cost <= 0 || cost < kCovers * gap_ns) return std::nullopt;
  return LikelyCause{
      DisagreementCause::SpanCost,
      fmt::format(
          "span cost: {} spans at {:.0f}ns each cost about {}, against a gap of {}; {}", spans,
          p.profiler.span_cost_ns, duration(cost), duration(gap_ns),
          p.profiler.compensated
              ? "--compensate subtracted it from the exact figures, the samples still count it"
              : "not compensated, the spans and the samples charge it to different frames "
                "(try --compensate)")};
}

// The gaps (exact share - sampled share) of a unit's two shares.
struct Gaps {
  const ProjectedProfile& proj;
  const std::vector<JudgedUnit>& units;
  double inclusive(uint32_t u) const {
    return units[u].exact_inclusive_ns / proj.exact_total_ns -
           units[u].sampled_inclusive / proj.sampled_total;
  }
  double self(uint32_t u) const {
    return units[u].exact_self_ns / proj.exact_total_ns -
           units[u].sampled_self / proj.sampled_total;
  }
  double callees_inclusive(uint32_t u) const {
    double sum = 0;
    for (uint32_t c = 0; c < units.size(); ++c)
      if (units[c].enclosing == u) sum += inclusive(c);
    return sum;
  }
  uint64_t callee_calls(uint32_t u) const {
    uint64_t sum = 0;
    for (const JudgedUnit& c : units)
      if (c.enclosing == u) sum += c.calls;
    return sum;
  }
};

bool offsets(double gap, double other) {
  return gap * other < 0 && std::fabs(other) >= kCovers * std::fabs(gap);
}

std::optional<LikelyCause> boundary_cause(const Profile& p, const Gaps& g, uint32_t u,
                                          const ShareJudgement& j, double gap_ns) {
  const JudgedUnit& unit = g.units[u];
  double gap = j.exact_share - j.sampled_share;
  uint32_t caller = unit.enclosing;
  auto few_ns_per_call = [&](uint64_t calls) {
    return calls > 0 && gap_ns / static_cast<double>(calls) <= kMaxBoundaryNsPerCall;
  };
  std::string between;
  if (j.kind == ShareKind::Self && offsets(gap, g.callees_inclusive(u)) &&
      few_ns_per_call(g.callee_calls(u)))
    between =
        fmt::format("{} and its callees ({} calls)", p.frames[unit.frame].name, g.callee_calls(u));
  else if (caller != UINT32_MAX && offsets(gap, g.self(caller)) && few_ns_per_call(unit.calls))
    between = fmt::format("{} and its caller {} ({} calls)", p.frames[unit.frame].name,
                          p.frames[g.units[caller].frame].name, unit.calls);
  if (between.empty()) return std::nullopt;
  return LikelyCause{
      DisagreementCause::CallBoundary,
      fmt::format("time moved across the calls between {}: the share on the other side of those "
                  "calls is off the other way; the spans count the work of making a call "
                  "(binding arguments, pushing the frame) as the caller's, the samples as the "
                  "callee's, which shows where calls are many and short",
                  between)};
}

std::optional<LikelyCause> stall_cause(const Profile& p, const ProjectedProfile& proj,
                                       const ShareJudgement& j) {
  double missed = proj.sampled_total - static_cast<double>(p.sampling->samples);
  double gap_weight = std::fabs(j.exact_share - j.sampled_share) * proj.sampled_total;
  // A stall moves at most its own weight: it must cover the whole gap.
  if (missed <= 0 || missed < gap_weight) return std::nullopt;
  return LikelyCause{
      DisagreementCause::SamplerStalls,
      fmt::format("the sampler missed {:.0f} periods (descheduled or woken late: a loaded "
                  "machine) and gave their weight to the next sample's stack, which need not be "
                  "where that time went; the gap is {:.0f} periods",
                  missed, gap_weight)};
}

}  // namespace

LikelyCause likely_cause(const Profile& p, const ProjectedProfile& proj,
                         const std::vector<JudgedUnit>& units, uint32_t unit,
                         const ShareJudgement& j) {
  double gap_ns = std::fabs(j.exact_share - j.sampled_share) * proj.exact_total_ns;
  FrameKind kind = p.frames[p.nodes[j.node].frame].kind;
  if (kind == FrameKind::GC || kind == FrameKind::Builtin)
    return {DisagreementCause::CollectorOrBuiltin,
            "a frame of the collector or a built-in: the spans time it from the interpreter's "
            "hooks, the samples see it only while its frame is on the stack"};
  if (p.profiler.filtered_spans > 0)
    return {DisagreementCause::FilteredSpans,
            fmt::format("{} spans shorter than min_duration ({}) were left out of the exact "
                        "figures: time the exact side cannot see, which the samples still count",
                        p.profiler.filtered_spans,
                        duration(static_cast<double>(p.profiler.min_duration_ns)))};
  if (auto cause = clock_cause(p, gap_ns)) return *cause;
  if (auto cause = span_cost_cause(p, j, gap_ns)) return *cause;
  if (auto cause = boundary_cause(p, Gaps{proj, units}, unit, j, gap_ns)) return *cause;
  if (auto cause = stall_cause(p, proj, j)) return *cause;
  uint64_t spans = j.spans;
  return {DisagreementCause::Unexplained,
          fmt::format("no cause the run can check explains the gap of {} (its {} spans cost "
                      "about {}, no span was filtered, both sides count {} time, no share across "
                      "a call makes up for it, the sampler missed too few periods); periodic work "
                      "in step with the sampling timer can do this{}",
                      duration(gap_ns), spans,
                      duration(p.profiler.span_cost_ns * static_cast<double>(spans)),
                      spans_count_cpu_time(p) ? "CPU" : "wall",
                      p.sampling->jitter ? " (but jitter was on)" : " (try --jitter)")};
}

}  // namespace detail
}  // namespace aiprof::report
