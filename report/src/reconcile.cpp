#include "aiprof/report/reconcile.hpp"

#include <cstdio>

#include "aiprof/report/statistics.hpp"

namespace aiprof::report {

namespace {

// Fewer samples than this beneath a node cannot tell its share from noise well enough for a
// reason other than "too few samples".
constexpr uint64_t kFewSamples = 30;

std::string likely_reason(const Profile& p, const CallNode& n, double exact, double sampled) {
  double span_cost = p.profiler.span_cost_ns * static_cast<double>(n.calls);
  if (exact > sampled && !p.profiler.compensated &&
      span_cost > 0.1 * static_cast<double>(n.inclusive_ns))
    return "span overhead: " + std::to_string(n.calls) + " calls cost about " +
           std::to_string(static_cast<uint64_t>(span_cost / 1e6)) +
           " ms of spans, inflating the exact time (try --compensate)";
  if (n.samples_inclusive < kFewSamples)
    return "too few samples (" + std::to_string(n.samples_inclusive) +
           ") for the sampled share to be reliable";
  if (p.sampling && p.sampling->clock == "cpu" && exact > sampled)
    return "the exact time is wall time and the samples count CPU time: time the thread "
           "spent waiting or descheduled is in one and not the other";
  return "the samples may alias with periodic work at the sampling period (try --jitter)";
}

}  // namespace

std::vector<Disagreement> reconcile(Profile& p) {
  std::vector<Disagreement> found;
  if (!p.sampling || p.nodes.empty()) return found;
  uint64_t exact_total = 0, sampled_total = 0;
  for (uint32_t c : p.nodes[0].children) {
    exact_total += p.nodes[c].inclusive_ns;
    sampled_total += p.nodes[c].samples_inclusive;
  }
  if (exact_total == 0 || sampled_total == 0) return found;
  for (uint32_t i = 1; i < p.nodes.size(); ++i) {
    CallNode& n = p.nodes[i];
    n.disagreement = false;
    if (!n.has_exact || n.calls == 0) continue;
    double exact = static_cast<double>(n.inclusive_ns) / static_cast<double>(exact_total);
    Interval ci = weighted_share_interval(n.samples_inclusive, sampled_total, p.sampling->samples);
    if (exact >= ci.low && exact <= ci.high) continue;
    n.disagreement = true;
    double sampled = static_cast<double>(n.samples_inclusive) / static_cast<double>(sampled_total);
    found.push_back(Disagreement{i, exact, sampled, ci.low, ci.high,
                                 likely_reason(p, n, exact, sampled)});
  }
  for (const Disagreement& d : found) {
    char text[200];
    std::snprintf(text, sizeof text, "exact %.1f%% vs sampled %.1f%% (95%% CI %.1f-%.1f%%)",
                  100 * d.exact_share, 100 * d.sampled_share, 100 * d.low, 100 * d.high);
    p.profiler.notes.push_back("disagreement at " + p.frames[p.nodes[d.node].frame].name + ": " +
                               text + "; likely " + d.reason);
  }
  p.profiler.notes.push_back(
      found.empty() ? "exact and sampled shares agree on every node that has both"
                    : std::to_string(found.size()) +
                          " node(s) where the exact share lies outside the sampled 95% interval");
  return found;
}

}  // namespace aiprof::report
