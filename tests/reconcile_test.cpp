// The merger's check of hybrid profiles (report/reconcile.cpp) on profiles built by hand: what
// is judged, the correction for judging many shares, one finding per function, the folding of
// frames only one side records, and one profile per stated cause.
#include "aiprof/report/reconcile.hpp"

#include <gtest/gtest.h>

#include <string>

#include "aiprof/report/profile.hpp"
#include "aiprof/report/statistics.hpp"

namespace aiprof::report {
namespace {

constexpr uint64_t kMs = 1000000;

// A hybrid profile: wall-clock spans and wall-clock samples, free spans, nothing filtered.
class HybridProfile {
 public:
  explicit HybridProfile(uint64_t samples) {
    p.mode = "hybrid";
    p.nodes[0].has_exact = true;
    p.profiler.clock = "rdtsc (invariant TSC, 2.000 GHz, calibrated against steady_clock)";
    p.sampling.emplace();
    p.sampling->clock = "wall";
    p.sampling->samples = samples;
    p.sampling->per_thread.push_back(ThreadSampling{});
  }

  // A node with exact figures (times in ms) and samples.
  uint32_t exact(uint32_t parent, const std::string& name, uint64_t calls, uint64_t inclusive_ms,
                 uint64_t self_ms, uint64_t samples, uint64_t samples_self,
                 FrameKind kind = FrameKind::Function) {
    uint32_t n = node(parent, name, kind, samples, samples_self);
    CallNode& c = p.nodes[n];
    c.has_exact = true;
    c.calls = calls;
    c.inclusive_ns = inclusive_ms * kMs;
    c.self_ns = self_ms * kMs;
    return n;
  }

  // A node only the samples have (a built-in call, a native frame, ...).
  uint32_t sampled(uint32_t parent, const std::string& name, uint64_t samples,
                   uint64_t samples_self, FrameKind kind = FrameKind::Function) {
    return node(parent, name, kind, samples, samples_self);
  }

  ReconcileResult run() { return reconcile(p); }

  uint32_t marked() const {
    uint32_t count = 0;
    for (const CallNode& n : p.nodes) count += n.disagreement ? 1 : 0;
    return count;
  }

  size_t notes_containing(const std::string& text) const {
    size_t count = 0;
    for (const std::string& note : p.profiler.notes) count += note.find(text) != std::string::npos;
    return count;
  }

  std::string notes() const {
    std::string all;
    for (const std::string& note : p.profiler.notes) all += note + "\n";
    return all;
  }

  Profile p;

 private:
  uint32_t node(uint32_t parent, const std::string& name, FrameKind kind, uint64_t samples,
                uint64_t samples_self) {
    uint32_t n = p.child(parent, p.intern_frame(Frame{name, "t.ai", 1, kind, 0}));
    p.nodes[n].samples_inclusive = samples;
    p.nodes[n].samples_self = samples_self;
    if (parent == 0) p.nodes[0].samples_inclusive += samples;
    return n;
  }
};

const Disagreement* finding_for(const HybridProfile& h, const ReconcileResult& r,
                                const std::string& name) {
  for (const Disagreement& d : r.findings)
    if (h.p.frames[d.frame].name == name) return &d;
  return nullptr;
}

TEST(Reconcile, SharesWithinTheirIntervalsAreNotFlagged) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 1000, 0);
  h.exact(main, "m.five", 1, 500, 500, 510, 510);
  h.exact(main, "m.three", 1, 300, 300, 290, 290);
  h.exact(main, "m.two", 1, 200, 200, 200, 200);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty()) << h.notes();
  EXPECT_EQ(r.judged, 7u);      // main's inclusive, and both shares of the three
  EXPECT_EQ(r.not_judged, 1u);  // main's self: 0% exact, 0 samples
  EXPECT_EQ(h.marked(), 0u);
  EXPECT_EQ(h.notes_containing("exact and sampled shares agree on every node judged"), 1u)
      << h.notes();
  EXPECT_EQ(h.notes_containing("Holm"), 1u);
}

// The demo of issue 13: 4 samples, seven nested fib nodes of 3 samples each.
TEST(Reconcile, TooFewSamplesAreNotJudged) {
  HybridProfile h(4);
  uint32_t at = h.exact(0, "m.main", 1, 6, 1, 4, 1);
  for (int level = 0; level < 7; ++level)
    at = h.exact(at, "m.fib", 1u << level, 5 - level / 2, 1, 3, level == 6 ? 3 : 0);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.judged, 0u);
  EXPECT_EQ(r.not_judged, 4u);  // both shares of main and of fib (its levels collapsed)
  EXPECT_EQ(h.marked(), 0u);
  EXPECT_EQ(h.notes_containing("no share judged, too few samples (4;"), 1u) << h.notes();
}

// The recursion levels of a function that disagrees: one call path (the outermost, marked), one
// finding, one note.
TEST(Reconcile, TheRecursionLevelsOfAFunctionAreOneFinding) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 100, 1000, 600);
  uint32_t at = main, outermost = kNoNode;
  for (int level = 0; level < 7; ++level) {
    bool last = level == 6;
    at = h.exact(at, "m.fib", 1u << level, 900 - 100 * level, last ? 300 : 100, 400 - 50 * level,
                 last ? 100 : 50);
    if (outermost == kNoNode) outermost = at;
  }
  ReconcileResult r = h.run();
  const Disagreement* fib = finding_for(h, r, "m.fib");
  ASSERT_NE(fib, nullptr) << h.notes();
  EXPECT_EQ(fib->call_paths, 1u);
  EXPECT_TRUE(fib->inclusive_flagged);
  EXPECT_TRUE(fib->self_flagged);
  EXPECT_EQ(fib->node, outermost);
  EXPECT_TRUE(h.p.nodes[outermost].disagreement);
  EXPECT_EQ(h.notes_containing("disagreement at m.fib:"), 1u) << h.notes();
  // main (its self share) and fib: two findings, two marked nodes.
  EXPECT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(h.marked(), 2u);
  EXPECT_EQ(r.judged, 4u);
}

// Each side draws the line between two recursion levels differently (a thread descheduled
// inside a call counts as the caller's time in the spans and the callee's in the samples): the
// levels disagree, the function does not.
TEST(Reconcile, TimeMovingBetweenRecursionLevelsIsNotADisagreement) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 1000, 0);
  uint32_t outer = h.exact(main, "m.fib", 1, 1000, 300, 1000, 100);
  h.exact(outer, "m.fib", 2, 700, 700, 900, 900);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty()) << h.notes();
}

// A function that disagrees under two callers: one finding naming two call paths, marked once.
TEST(Reconcile, AFunctionFlaggedUnderTwoCallersIsOneFinding) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 1000, 0);
  uint32_t a = h.exact(main, "m.a", 1, 500, 100, 500, 300);
  uint32_t b = h.exact(main, "m.b", 1, 500, 100, 500, 300);
  h.exact(a, "m.helper", 10, 400, 400, 200, 200);
  h.exact(b, "m.helper", 10, 400, 400, 200, 200);
  ReconcileResult r = h.run();
  const Disagreement* helper = finding_for(h, r, "m.helper");
  ASSERT_NE(helper, nullptr) << h.notes();
  EXPECT_EQ(helper->call_paths, 2u);
  EXPECT_EQ(h.notes_containing("disagreement at m.helper:"), 1u) << h.notes();
  EXPECT_EQ(h.notes_containing("(2 call paths)"), 1u) << h.notes();
  uint32_t marked_helpers = 0;
  for (const CallNode& n : h.p.nodes)
    marked_helpers += n.disagreement && h.p.frames[n.frame].name == "m.helper";
  EXPECT_EQ(marked_helpers, 1u);
}

// Issue 19: parseLine's inclusive share agrees while its self share does not (exact 22.8%,
// sampled 45.4%).
TEST(Reconcile, SelfSharesAreJudgedToo) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 400, 1000, 400);
  uint32_t parse = h.exact(main, "m.parseLine", 100, 600, 228, 600, 454);
  h.exact(parse, "m.helper", 100, 372, 372, 146, 146);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.parseLine");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_TRUE(d->self_flagged);
  EXPECT_FALSE(d->inclusive_flagged);
  EXPECT_EQ(d->worst.kind, ShareKind::Self);
  EXPECT_NEAR(d->worst.exact_share, 0.228, 1e-9);
  EXPECT_NEAR(d->worst.sampled_share, 0.454, 1e-9);
  EXPECT_NE(finding_for(h, r, "m.helper"), nullptr);
}

// Built-in calls are frames of the samples only; a callback of a built-in is beneath it in the
// samples and directly beneath the caller in the spans. Neither is a disagreement.
TEST(Reconcile, BuiltInFramesAreFoldedIntoTheirCaller) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 400, 1000, 400);
  uint32_t parse = h.exact(main, "m.parseLine", 100, 600, 400, 600, 100);
  h.exact(parse, "m.parseLine.<anonymous>", 500, 200, 200, 0, 0);
  h.sampled(parse, "split", 300, 300, FrameKind::Builtin);
  uint32_t map = h.sampled(parse, "map", 200, 0, FrameKind::Builtin);
  h.sampled(map, "m.parseLine.<anonymous>", 200, 200);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty()) << h.notes();
  EXPECT_EQ(r.judged, 6u);
}

// The spans time the collector; a sampler without a frame for it charges it to the function
// that was running.
TEST(Reconcile, ACollectorOnlyTheSpansSeeIsFoldedIntoItsCaller) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 200, 1000, 200);
  uint32_t work = h.exact(main, "m.work", 10, 800, 600, 800, 800);
  h.exact(work, "<gc>", 5, 200, 200, 0, 0, FrameKind::GC);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty()) << h.notes();
  EXPECT_EQ(r.judged, 4u);  // <gc> is not judged: no sample carries a collector frame
}

// An imported module's initialiser runs inside an import span, which only the spans have.
TEST(Reconcile, AModuleInitialiserIsFoundBeneathItsImportSpan) {
  HybridProfile h(1000);
  uint32_t import = h.exact(0, "import util.ai", 1, 100, 0, 0, 0, FrameKind::Import);
  h.exact(import, "util.<init>", 1, 100, 100, 0, 0, FrameKind::Module);
  h.sampled(0, "util.<init>", 100, 100, FrameKind::Module);
  h.exact(0, "m.main", 1, 900, 900, 900, 900);
  ReconcileResult r = h.run();
  EXPECT_TRUE(r.findings.empty()) << h.notes();
  EXPECT_EQ(r.judged, 4u);  // both shares of util.<init> and of main
}

// Twenty functions, each off by a little: every one would pass a single 5% test, and none is a
// finding once the 41 judged shares are corrected for (Holm).
TEST(Reconcile, ManySharesJudgedAtOnceAreCorrectedForMultipleTesting) {
  HybridProfile h(10000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 10000, 0);
  for (int k = 0; k < 20; ++k) {
    uint64_t samples = k < 10 ? 661 : 339;
    h.exact(main, "m.f" + std::to_string(k), 1, 50, 50, samples, samples);
    EXPECT_LT(share_gap_p_value(static_cast<double>(samples) / 10000, 10000, 0.05, kMarginShare),
              0.05);
  }
  ReconcileResult r = h.run();
  EXPECT_EQ(r.judged, 41u);
  EXPECT_TRUE(r.findings.empty()) << h.notes();
}

// ---- one profile per stated cause ----

// Two halves of every millisecond in step with the timer: no cause the run knows fits.
TEST(ReconcileCause, NothingTheRunKnowsIsUnexplained) {
  HybridProfile h(1000);
  h.p.profiler.span_cost_ns = 50;
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 1000, 0);
  h.exact(main, "m.first", 1500, 500, 500, 950, 950);
  h.exact(main, "m.second", 1500, 500, 500, 50, 50);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.first");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::Unexplained);
  EXPECT_NE(d->explanation.find("try --jitter"), std::string::npos) << d->explanation;
  EXPECT_EQ(h.notes_containing("disagreement at m.first"), 1u);
}

// Two million calls at 60 ns a span: 120 ms of span cost against a 70 ms gap.
TEST(ReconcileCause, ManyShortCallsAreSpanCost) {
  HybridProfile h(1000);
  h.p.profiler.span_cost_ns = 60;
  uint32_t main = h.exact(0, "m.main", 1, 1000, 600, 1000, 670);
  h.exact(main, "m.tiny", 2000000, 400, 400, 330, 330);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.tiny");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::SpanCost) << d->explanation;
  EXPECT_NE(d->explanation.find("2000000 spans at 60ns"), std::string::npos) << d->explanation;
  EXPECT_NE(d->explanation.find("try --compensate"), std::string::npos) << d->explanation;
}

// The sampler counts CPU time, the spans wall time, and the thread waited 400 ms in `wait`.
TEST(ReconcileCause, OffCpuTimeUnderACpuSamplerIsTheClock) {
  HybridProfile h(600);
  h.p.sampling->clock = "cpu";
  h.p.sampling->per_thread[0].wall_ns = 1000 * kMs;
  h.p.sampling->per_thread[0].cpu_ns = 600 * kMs;
  uint32_t main = h.exact(0, "m.main", 1, 1000, 600, 600, 600);
  h.exact(main, "m.wait", 1, 400, 400, 0, 0);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.wait");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::Clock) << d->explanation;
  EXPECT_NE(d->explanation.find("400ms off the CPU"), std::string::npos) << d->explanation;
  // The same gap with both sides on one clock is not the clock's.
  HybridProfile same(600);
  same.p.sampling->per_thread[0] = h.p.sampling->per_thread[0];
  uint32_t m2 = same.exact(0, "m.main", 1, 1000, 600, 600, 600);
  same.exact(m2, "m.wait", 1, 400, 400, 0, 0);
  ReconcileResult r2 = same.run();
  const Disagreement* d2 = finding_for(same, r2, "m.wait");
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->cause, DisagreementCause::Unexplained) << d2->explanation;
}

// min_duration dropped the short calls of work: the spans miss them, the samples do not.
TEST(ReconcileCause, SpansDroppedByMinDurationAreTimeTheExactSideCannotSee) {
  HybridProfile h(1000);
  h.p.profiler.filtered_spans = 2000;
  h.p.profiler.min_duration_ns = kMs;
  uint32_t main = h.exact(0, "m.main", 1, 1000, 500, 1000, 100);
  h.exact(main, "m.work", 20, 500, 500, 900, 900);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.work");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::FilteredSpans) << d->explanation;
  EXPECT_NE(d->explanation.find("2000 spans shorter than min_duration (1ms)"), std::string::npos)
      << d->explanation;
}

// The demo's quicksort: 1.9 million calls of a one-comparison callback. The callback reads low in
// the spans and its caller high, by as much: the work of making each call moved across it.
TEST(ReconcileCause, ManyShortCallsMovingTimeAcrossTheCallAreACallBoundary) {
  HybridProfile h(2000);
  h.p.profiler.span_cost_ns = 10;
  uint32_t main = h.exact(0, "m.main", 1, 1000, 400, 2000, 800);
  uint32_t sort = h.exact(main, "m.quicksort", 1, 600, 480, 1200, 840);
  h.exact(sort, "m.quicksort.<anonymous>", 1900000, 120, 120, 360, 360);
  ReconcileResult r = h.run();
  const Disagreement* callback = finding_for(h, r, "m.quicksort.<anonymous>");
  ASSERT_NE(callback, nullptr) << h.notes();
  EXPECT_EQ(callback->cause, DisagreementCause::CallBoundary) << callback->explanation;
  EXPECT_NE(callback->explanation.find("its caller m.quicksort (1900000 calls)"), std::string::npos)
      << callback->explanation;
  const Disagreement* sort_finding = finding_for(h, r, "m.quicksort");
  ASSERT_NE(sort_finding, nullptr) << h.notes();
  EXPECT_EQ(sort_finding->cause, DisagreementCause::CallBoundary) << sort_finding->explanation;
}

// The sampling thread was descheduled: 600 periods went by without a sample and their weight
// went to whatever stack came next (here: m.two's, 10 points more than its exact share).
TEST(ReconcileCause, WeightOfMissedPeriodsIsSamplerStalls) {
  HybridProfile h(1400);  // samples drawn; the weights below add up to 2000
  uint32_t main = h.exact(0, "m.main", 1, 1000, 0, 2000, 0);
  h.exact(main, "m.five", 10, 500, 500, 900, 900);
  h.exact(main, "m.three", 10, 300, 300, 500, 500);
  h.exact(main, "m.two", 10, 200, 200, 600, 600);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "m.two");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::SamplerStalls) << d->explanation;
  EXPECT_NE(d->explanation.find("missed 600 periods"), std::string::npos) << d->explanation;
}

// A collector frame both sides record, bracketed differently.
TEST(ReconcileCause, ACollectorFrameBothSidesRecordIsNamedAsSuch) {
  HybridProfile h(1000);
  uint32_t main = h.exact(0, "m.main", 1, 1000, 700, 1000, 900);
  h.exact(main, "<gc>", 10, 300, 300, 100, 100, FrameKind::GC);
  ReconcileResult r = h.run();
  const Disagreement* d = finding_for(h, r, "<gc>");
  ASSERT_NE(d, nullptr) << h.notes();
  EXPECT_EQ(d->cause, DisagreementCause::CollectorOrBuiltin) << d->explanation;
}

// Without samples, or without exact figures, nothing is judged and nothing is said.
TEST(Reconcile, AProfileWithoutBothSidesIsLeftAlone) {
  HybridProfile h(0);
  h.p.sampling.reset();
  h.exact(0, "m.main", 1, 1000, 1000, 0, 0);
  EXPECT_TRUE(h.run().findings.empty());
  EXPECT_TRUE(h.p.profiler.notes.empty());
}

}  // namespace
}  // namespace aiprof::report
