// The merger's check of a hybrid profile: where a call path has both exact figures (spans) and
// samples, its exact share of the run and its sampled share should agree. docs/sampling.md
// ("Hybrid mode") states the rule; in short:
// - Frames only one side records (built-ins, native frames, import spans, the collector while
//   only the spans see it) are folded into their nearest frame both sides record first
//   (reconcile_projection.hpp), so they never cause a flag.
// - Call paths are judged with direct recursion collapsed (a function's nested activations and
//   their callees join its outermost activation: reconcile_projection.hpp, JudgedUnit).
// - Each call path's inclusive share and self share is judged only when at least
//   kMinJudgedSamples samples were seen there or are expected from its exact share; the others
//   are counted as not judged (too few samples to support an interval).
// - A judged share disagrees when the sampled share lies more than kMarginShare (1 point of the
//   run) from the exact share, by a score test whose p-values are adjusted with Holm's method
//   over all judged shares, at a family-wise error rate of kFamilyAlpha (5%).
// - Flagged call paths of one function (its callers) are one finding:
//   one note, and CallNode::disagreement set on the finding's outermost flagged node only.
// - Each finding names its likeliest cause from what the run recorded (DisagreementCause).
// Not async-signal-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

constexpr double kMinJudgedSamples = 10;
constexpr double kMarginShare = 0.01;
constexpr double kFamilyAlpha = 0.05;

enum class ShareKind : uint8_t { Inclusive, Self };

// How each cause is decided, in the order they are tried (reconcile_causes.cpp):
enum class DisagreementCause : uint8_t {
  // The frame is the collector or a built-in: the two sides bracket it differently.
  CollectorOrBuiltin,
  // min_duration dropped spans: time the exact figures cannot see, the samples still count.
  FilteredSpans,
  // The sampler's clock is not the spans' clock (CPU samples miss off-CPU wall time) and the
  // sampled threads' off-CPU time (wall - CPU) covers half the gap.
  Clock,
  // The measured cost of the spans involved (calls x cost per span: of the subtree for an
  // inclusive share, of the node and its children for a self share) covers half the gap.
  SpanCost,
  // Time moved across one call: the share's gap is offset, the other way and by at least half,
  // by the adjacent share on the other side of a call (an inclusive share against its caller's
  // self share; a self share against its callees' inclusive shares, or its caller's self
  // share), and the gap is at most 10 us per call across that boundary. The spans put the work
  // of making a call on the caller, the samples on the callee.
  CallBoundary,
  // The sampler missed periods (it was descheduled or woke late: a loaded machine) and gave
  // their weight to the next sample's stack, which need not be where that time went; decided
  // when the missed weight (sample weights - samples drawn) covers the gap, in weight.
  SamplerStalls,
  // None of the above fits: periodic work in step with the sampling timer can do this.
  Unexplained,
};

const char* cause_name(DisagreementCause cause);  // "span cost", "clock", ...

// One judged share (a call path's inclusive or self share, its direct recursion collapsed).
struct ShareJudgement {
  uint32_t node = 0;  // the call path (its outermost node when recursion was collapsed)
  ShareKind kind = ShareKind::Inclusive;
  double exact_share = 0;    // of the exact total, in [0, 1]
  double sampled_share = 0;  // of the sample weights beneath the root's exact children
  double low = 0, high = 0;  // the sampled share's 95% Wilson interval
  double p_value = 1;        // Holm-adjusted
  uint64_t spans = 0;        // spans whose cost lands in this share (SpanCost)
};

// One function the two sides disagree on.
struct Disagreement {
  uint32_t node = 0;  // the outermost flagged call path of the function (the one marked)
  uint32_t frame = 0;
  ShareJudgement worst;     // the flagged share with the smallest p-value
  uint32_t call_paths = 0;  // flagged call paths of this function (its callers)
  bool inclusive_flagged = false, self_flagged = false;
  DisagreementCause cause = DisagreementCause::Unexplained;
  std::string explanation;  // the cause, with the figures that decided it
};

struct ReconcileResult {
  std::vector<Disagreement> findings;
  uint32_t judged = 0;      // shares judged (inclusive and self, over call paths)
  uint32_t not_judged = 0;  // shares of exact call paths with too few samples
  uint64_t draws = 0;       // samples the shares rest on
};

// Judges the profile, sets CallNode::disagreement (clearing it elsewhere), and adds one note
// per finding and a summary note to profile.profiler.notes. A profile without samples or
// without exact figures is left alone (empty result, no note).
ReconcileResult reconcile(Profile& profile);

}  // namespace aiprof::report
