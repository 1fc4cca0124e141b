#include "aiprof/report/reconcile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "aiprof/report/statistics.hpp"
#include "reconcile_causes.hpp"
#include "reconcile_projection.hpp"

namespace aiprof::report {

namespace {

using detail::ProjectedProfile;

struct Judging {
  std::vector<detail::JudgedUnit> units;
  std::vector<ShareJudgement> shares;  // the judged ones, p-values raw until adjusted
  std::vector<uint32_t> unit_of;       // per judged share: its unit
  uint32_t not_judged = 0;
  uint64_t draws = 0;
};

// Judges one share when enough samples were seen or are expected; else counts it as not judged.
void judge(Judging& out, uint32_t unit, ShareKind kind, double exact, double sampled,
           uint64_t spans) {
  double n = static_cast<double>(out.draws);
  if (std::max(exact, sampled) * n < kMinJudgedSamples) {
    ++out.not_judged;
    return;
  }
  Interval ci = wilson_interval(static_cast<uint64_t>(sampled * n + 0.5), out.draws);
  out.unit_of.push_back(unit);
  out.shares.push_back(ShareJudgement{out.units[unit].node, kind, exact, sampled, ci.low, ci.high,
                                      share_gap_p_value(sampled, out.draws, exact, kMarginShare),
                                      spans});
}

Judging judge_all(const Profile& p, const ProjectedProfile& proj) {
  Judging out;
  double weights = proj.sampled_total;
  // Weighted sample counts (a sample standing for missed periods weighs more) rest on the
  // samples actually drawn: the confidence is that of the draws.
  out.draws = std::min<uint64_t>(p.sampling->samples, static_cast<uint64_t>(weights + 0.5));
  if (out.draws == 0 || proj.exact_total_ns <= 0) return out;
  out.units = detail::judged_units(p, proj);
  for (uint32_t k = 0; k < out.units.size(); ++k) {
    const detail::JudgedUnit& u = out.units[k];
    judge(out, k, ShareKind::Inclusive, u.exact_inclusive_ns / proj.exact_total_ns,
          u.sampled_inclusive / weights, u.inclusive_spans);
    judge(out, k, ShareKind::Self, u.exact_self_ns / proj.exact_total_ns, u.sampled_self / weights,
          u.self_spans);
  }
  std::vector<double> raw;
  for (const ShareJudgement& s : out.shares) raw.push_back(s.p_value);
  std::vector<double> adjusted = holm_adjusted(raw);
  for (size_t k = 0; k < out.shares.size(); ++k) out.shares[k].p_value = adjusted[k];
  return out;
}

uint32_t depth_of(const Profile& p, uint32_t node) {
  uint32_t depth = 0;
  for (uint32_t at = node; p.nodes[at].parent != kNoNode; at = p.nodes[at].parent) ++depth;
  return depth;
}

// Flagged shares grouped by function: one finding each, marked on its outermost call path.
std::vector<Disagreement> findings_of(Profile& p, const ProjectedProfile& proj, const Judging& j) {
  std::map<uint32_t, Disagreement> by_frame;
  std::map<uint32_t, uint32_t> worst_unit;          // per frame: the unit of its worst share
  std::map<uint32_t, std::vector<uint32_t>> paths;  // flagged nodes per frame
  for (size_t k = 0; k < j.shares.size(); ++k) {
    const ShareJudgement& s = j.shares[k];
    if (s.p_value > kFamilyAlpha) continue;
    uint32_t frame = p.nodes[s.node].frame;
    auto [it, fresh] = by_frame.try_emplace(frame);
    Disagreement& d = it->second;
    if (fresh || s.p_value < d.worst.p_value) {
      d.worst = s;
      worst_unit[frame] = j.unit_of[k];
    }
    d.frame = frame;
    (s.kind == ShareKind::Inclusive ? d.inclusive_flagged : d.self_flagged) = true;
    std::vector<uint32_t>& nodes = paths[frame];
    if (std::find(nodes.begin(), nodes.end(), s.node) == nodes.end()) nodes.push_back(s.node);
  }
  std::vector<Disagreement> found;
  for (auto& [frame, d] : by_frame) {
    const std::vector<uint32_t>& nodes = paths[frame];
    d.call_paths = static_cast<uint32_t>(nodes.size());
    d.node = *std::min_element(nodes.begin(), nodes.end(), [&](uint32_t a, uint32_t b) {
      return depth_of(p, a) < depth_of(p, b);
    });
    detail::LikelyCause cause = detail::likely_cause(p, proj, j.units, worst_unit[frame], d.worst);
    d.cause = cause.cause;
    d.explanation = std::move(cause.explanation);
    p.nodes[d.node].disagreement = true;
    found.push_back(std::move(d));
  }
  std::sort(found.begin(), found.end(), [](const Disagreement& a, const Disagreement& b) {
    return a.worst.p_value < b.worst.p_value;
  });
  return found;
}

std::string p_text(double p) { return p < 0.001 ? "p < 0.001" : fmt::format("p = {:.3f}", p); }

std::string finding_note(const Profile& p, const Disagreement& d) {
  const ShareJudgement& w = d.worst;
  std::string which = d.inclusive_flagged && d.self_flagged ? "inclusive and self shares"
                      : d.inclusive_flagged                 ? "inclusive share"
                                                            : "self share";
  return fmt::format(
      "disagreement at {}: {} ({} call path{}); {} share exact {:.1f}% vs sampled {:.1f}% "
      "(95% CI {:.1f}-{:.1f}%, Holm-adjusted {}); likely cause: {}: {}",
      p.frames[d.frame].name, which, d.call_paths, d.call_paths == 1 ? "" : "s",
      w.kind == ShareKind::Inclusive ? "inclusive" : "self", 100 * w.exact_share,
      100 * w.sampled_share, 100 * w.low, 100 * w.high, p_text(w.p_value), cause_name(d.cause),
      d.explanation);
}

std::string summary_note(const ReconcileResult& r) {
  std::string rule = fmt::format(
      "a share is judged when at least {:.0f} of the {} samples were seen on it or are expected "
      "from its exact share; it disagrees when the sampled share lies more than {:.0f} point "
      "from the exact share at a {:.0f}% family-wise error rate (score test, Holm-Bonferroni "
      "over the {} shares judged)",
      kMinJudgedSamples, r.draws, 100 * kMarginShare, 100 * kFamilyAlpha, r.judged);
  if (r.judged == 0)
    return fmt::format(
        "hybrid check: no share judged, too few samples ({}; {}); run longer or "
        "raise --rate",
        r.draws, rule);
  std::string verdict = r.findings.empty()
                            ? std::string("exact and sampled shares agree on every node judged")
                            : fmt::format("{} function(s) where exact and sampled shares disagree",
                                          r.findings.size());
  return fmt::format(
      "hybrid check: {}: {} shares judged (inclusive and self, by call path), "
      "{} not judged for too few samples; {}",
      verdict, r.judged, r.not_judged, rule);
}

}  // namespace

ReconcileResult reconcile(Profile& p) {
  ReconcileResult result;
  if (!p.sampling || p.nodes.empty()) return result;
  for (CallNode& n : p.nodes) n.disagreement = false;
  ProjectedProfile proj = detail::project(p);
  if (proj.exact_total_ns <= 0 || proj.sampled_total <= 0) return result;
  Judging judging = judge_all(p, proj);
  result.judged = static_cast<uint32_t>(judging.shares.size());
  result.not_judged = judging.not_judged;
  result.draws = judging.draws;
  result.findings = findings_of(p, proj, judging);
  for (const Disagreement& d : result.findings) p.profiler.notes.push_back(finding_note(p, d));
  p.profiler.notes.push_back(summary_note(result));
  return result;
}

}  // namespace aiprof::report
