// merge_profiles and diff_profiles on hand-built profiles: sums by frame path, offsets of
// threads and timelines, the combined sampling rate; the significance rules of diff.hpp for
// exact and for sampled profiles; the differential folded file and the JSON list.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "aiprof/report/diff.hpp"
#include "aiprof/report/merge.hpp"
#include "rich_profile.hpp"

namespace aiprof::report {
namespace {

using rich_profile::add;

// main -> f, main -> g, main -> h, exact self times in ms (calls: 10 each).
Profile exact_profile(double f_ms, double g_ms, double h_ms, const std::string& file = "a.ai") {
  Profile p;
  p.mode = "exact";
  auto ns = [](double ms) { return static_cast<uint64_t>(ms * 1e6); };
  uint64_t total = ns(1 + f_ms + g_ms + h_ms);
  p.duration_ns = total;
  p.profiler.span_cost_ns = 20;
  uint32_t main = add(p, 0, Frame{"m.main", file, 1, FrameKind::Function}, 1, total, ns(1), 0, 0);
  add(p, main, Frame{"m.f", file, 2, FrameKind::Function}, 10, ns(f_ms), ns(f_ms), 0, 0);
  add(p, main, Frame{"m.g", file, 3, FrameKind::Function}, 10, ns(g_ms), ns(g_ms), 0, 0);
  add(p, main, Frame{"m.h", file, 4, FrameKind::Function}, 10, ns(h_ms), ns(h_ms), 0, 0);
  return p;
}

// The same shape, sampled only: self samples per function at `rate_hz`.
Profile sampled_profile(uint64_t f, uint64_t g, double rate_hz = 1000) {
  Profile p;
  p.mode = "sampling";
  uint32_t main = p.child(0, p.intern_frame(Frame{"m.main", "a.ai", 1, FrameKind::Function}));
  uint32_t fn = p.child(main, p.intern_frame(Frame{"m.f", "a.ai", 2, FrameKind::Function}));
  uint32_t gn = p.child(main, p.intern_frame(Frame{"m.g", "a.ai", 3, FrameKind::Function}));
  p.nodes[fn].samples_inclusive = p.nodes[fn].samples_self = f;
  p.nodes[gn].samples_inclusive = p.nodes[gn].samples_self = g;
  p.nodes[main].samples_inclusive = p.nodes[0].samples_inclusive = f + g;
  SamplingInfo s;
  s.rate_requested_hz = rate_hz;
  s.rate_delivered_hz = rate_hz;
  s.samples = f + g;
  p.sampling = s;
  p.duration_ns = static_cast<uint64_t>(static_cast<double>(f + g) / rate_hz * 1e9);
  return p;
}

const FunctionDiff& row(const ProfileDiff& d, const std::string& name) {
  for (const FunctionDiff& f : d.functions)
    if (f.name == name) return f;
  throw std::runtime_error("no row " + name);
}

std::vector<std::string> significant(const ProfileDiff& d) {
  std::vector<std::string> names;
  for (const FunctionDiff& f : d.functions)
    if (f.significant) names.push_back(f.name);
  return names;
}

// --- merge -------------------------------------------------------------------------------

TEST(MergeTest, TreesAreSummedByFramePath) {
  Profile a = exact_profile(100, 50, 1);
  Profile b = exact_profile(30, 0, 1);
  b.frames[2].column = 9;  // same function, reformatted: still matched
  uint32_t other = b.child(1, b.intern_frame(Frame{"m.f", "a.ai", 20, FrameKind::Function}));
  b.nodes[other].calls = 1;  // another line: another function
  Profile m = merge_profiles({a, b}, {"a.json", "b.json"});
  ASSERT_EQ(m.nodes[0].children.size(), 1u);
  uint32_t main = m.nodes[0].children[0];
  EXPECT_EQ(m.nodes[main].calls, 2u);
  ASSERT_EQ(m.nodes[main].children.size(), 4u);
  const CallNode& f = m.nodes[m.nodes[main].children[0]];
  EXPECT_EQ(m.frames[f.frame].name, "m.f");
  EXPECT_EQ(f.calls, 20u);
  EXPECT_EQ(f.self_ns, 130000000u);
  EXPECT_EQ(m.frames[m.nodes[m.nodes[main].children[3]].frame].line, 20u);
  EXPECT_EQ(m.duration_ns, a.duration_ns + b.duration_ns);
  EXPECT_EQ(m.profiler.notes.at(0), "merged 2 profiles: a.json, b.json");
}

TEST(MergeTest, ThreadsTimelinesAndSeriesAreLaidEndToEnd) {
  Profile a = rich_profile::make(), b = rich_profile::make();
  Profile m = merge_profiles({a, b}, {"a.json", "b.json"});
  ASSERT_EQ(m.threads.size(), 4u);
  EXPECT_EQ(m.threads[3].id, 3u);
  EXPECT_EQ(m.threads[3].name, "worker [b.json]");
  ASSERT_EQ(m.timeline.size(), 6u);
  EXPECT_EQ(m.timeline[5].thread, 3u);
  EXPECT_EQ(m.timeline[5].start_ns, a.duration_ns + 500);
  EXPECT_EQ(m.frames[m.timeline[5].frame].name, "m.other");
  EXPECT_EQ(m.memory.heap_bytes.size(), 6u);
  EXPECT_EQ(m.memory.heap_bytes[4].t_ns, a.duration_ns + 600000001);
  EXPECT_EQ(m.memory.gc_runs[3].start_ns, a.duration_ns + 1500000000);
  EXPECT_EQ(m.memory.total_allocations, 2048u);
  EXPECT_EQ(m.memory.peak_memory_bytes, 786432u);  // the larger peak, not the sum
  EXPECT_FALSE(m.memory.deallocations_measured);
  EXPECT_EQ(m.memory.objects_by_type["string"], 1400u);
  EXPECT_EQ(m.memory.allocations_by_type["string"], 2000u);
  EXPECT_EQ(m.memory.allocation_bytes_by_type["array"], 2u * 24288u);
  EXPECT_EQ(m.memory.peak_rss_bytes, 9437184u);  // the larger process's, not the sum
  ASSERT_EQ(m.memory.rss_bytes.size(), 4u);
  EXPECT_EQ(m.memory.rss_bytes[3].t_ns, a.duration_ns + 1000000007);
  EXPECT_EQ(m.operations.calls_by_function["m.work"], 80u);
  ASSERT_TRUE(m.sampling);
  EXPECT_EQ(m.sampling->samples, 4000u);
  EXPECT_EQ(m.sampling->per_thread[2].thread, 2u);
  EXPECT_EQ(std::get<int64_t>(m.metrics["count"]), 14);
  EXPECT_EQ(std::get<double>(m.metrics["batches"]), 7.0);
  EXPECT_EQ(std::get<std::string>(m.metrics["who"]), "me");
  EXPECT_EQ(m.profiler.spans, 100u);
  // A note both inputs have is kept once.
  EXPECT_EQ(m.profiler.notes,
            (std::vector<std::string>{"merged 2 profiles: a.json, b.json", "a note"}));
}

TEST(MergeTest, DeliveredRateIsTotalSamplesOverTotalSampledTime) {
  Profile a = sampled_profile(600, 400, 100);  // 1000 samples in 10 s
  Profile b = sampled_profile(500, 500, 50);   // 1000 samples in 20 s
  Profile m = merge_profiles({a, b}, {"a", "b"});
  ASSERT_TRUE(m.sampling);
  EXPECT_NEAR(m.sampling->rate_delivered_hz, 2000.0 / 30.0, 1e-9);
  EXPECT_EQ(m.sampling->samples, 2000u);
}

TEST(MergeTest, DisagreeingSessionsSaySo) {
  Profile a = exact_profile(1, 1, 1), b = sampled_profile(1, 1);
  a.exit_status = 0;
  b.exit_status = 1;
  Profile m = merge_profiles({a, b}, {"a", "b"});
  EXPECT_EQ(m.mode, "mixed");
  EXPECT_FALSE(m.exit_status);
  EXPECT_THROW(merge_profiles({}, {}), std::invalid_argument);
}

// --- diff, exact ---------------------------------------------------------------------------

// The issue's acceptance on exact profiles: f does twice the work; g moves by a few percent,
// h (a tiny function) triples but stays below 1% of the session. Only f is significant, and
// main, whose callee got slower, is not (self time is compared).
TEST(DiffTest, ExactOnlyTheFunctionThatDoubledIsSignificant) {
  ProfileDiff d = diff_profiles(exact_profile(100, 100, 0.5), exact_profile(200, 104, 1.5, "b.ai"));
  EXPECT_EQ(d.method, DiffMethod::Exact);
  EXPECT_EQ(significant(d), std::vector<std::string>{"m.f"});
  EXPECT_NEAR(*row(d, "m.f").change_pct, 100, 1e-6);
  EXPECT_NEAR(row(d, "m.f").base_ms, 100, 1e-6);
  EXPECT_EQ(d.functions[0].name, "m.f");  // significant first
}

TEST(DiffTest, ExactChangesWithinTheSpanCostAreNotSignificant) {
  Profile base = exact_profile(100, 100, 1), next = exact_profile(130, 100, 1);
  EXPECT_EQ(significant(diff_profiles(base, next)), std::vector<std::string>{"m.f"});
  // With a million calls each side, 3 x 20 ns x 2e6 calls = 120 ms of possible span cost.
  for (Profile* p : {&base, &next}) p->nodes[2].calls = 1000000;
  EXPECT_TRUE(significant(diff_profiles(base, next)).empty());
}

TEST(DiffTest, ExactChangesBelowTwentyPercentAreNotSignificant) {
  EXPECT_TRUE(
      significant(diff_profiles(exact_profile(100, 100, 1), exact_profile(119, 100, 1))).empty());
  EXPECT_EQ(significant(diff_profiles(exact_profile(100, 100, 1), exact_profile(79, 100, 1))),
            std::vector<std::string>{"m.f"});
}

TEST(DiffTest, FunctionsOnlyInOneProfileHaveNoChangePercent) {
  Profile next = exact_profile(100, 100, 1);
  uint32_t n = next.child(1, next.intern_frame(Frame{"m.new", "a.ai", 9, FrameKind::Function}));
  next.nodes[n].has_exact = true;
  next.nodes[n].calls = 1;
  next.nodes[n].self_ns = next.nodes[n].inclusive_ns = 50000000;
  ProfileDiff d = diff_profiles(exact_profile(100, 100, 1), next);
  EXPECT_FALSE(row(d, "m.new").change_pct);
  EXPECT_TRUE(row(d, "m.new").significant);
}

// --- diff, sampled -------------------------------------------------------------------------

// f doubles (1000 -> 2000 samples, z = 1000 / sqrt(3000) = 18); g is unchanged in time but
// its share of the samples falls from 50% to 34%: a share test would flag it, ours does not.
TEST(DiffTest, SampledOnlyTheFunctionThatDoubledIsSignificant) {
  ProfileDiff d = diff_profiles(sampled_profile(1000, 1000), sampled_profile(2000, 1040));
  EXPECT_EQ(d.method, DiffMethod::Samples);
  EXPECT_EQ(significant(d), std::vector<std::string>{"m.f"});
  EXPECT_NEAR(*row(d, "m.f").z, 1000 / std::sqrt(3000.0), 1e-9);
  EXPECT_NEAR(row(d, "m.f").base_ms, 1000, 1e-9);  // 1000 samples at 1000 Hz
  EXPECT_NEAR(*row(d, "m.g").z, 40 / std::sqrt(2040.0), 1e-9);
}

TEST(DiffTest, FewSamplesAreNotEnough) {
  // +100%, but 5 -> 10 samples: z = 5 / sqrt(15) = 1.3.
  EXPECT_TRUE(
      significant(diff_profiles(sampled_profile(5, 1000), sampled_profile(10, 1000))).empty());
  // 20 -> 60: z = 40 / sqrt(80) = 4.5.
  EXPECT_EQ(significant(diff_profiles(sampled_profile(20, 1000), sampled_profile(60, 1000))),
            std::vector<std::string>{"m.f"});
}

TEST(DiffTest, TinyChangesOfHotFunctionsAreNotSignificant) {
  // 100000 -> 103000 samples: z = 6.7 but only +3%.
  ProfileDiff d = diff_profiles(sampled_profile(100000, 10), sampled_profile(103000, 10));
  EXPECT_GT(*row(d, "m.f").z, kDiffZThreshold);
  EXPECT_FALSE(row(d, "m.f").significant);
}

// Sample counts are in periods of the rate asked for (the sampler weighs its samples so).
TEST(DiffTest, SampleCountsAreScaledByTheRate) {
  // The same second of f at 1000 Hz and at 500 Hz: no change.
  ProfileDiff d = diff_profiles(sampled_profile(1000, 10, 1000), sampled_profile(500, 5, 500));
  EXPECT_NEAR(row(d, "m.f").new_ms, 1000, 1e-9);
  EXPECT_NEAR(*row(d, "m.f").z, 0, 1e-9);
  EXPECT_TRUE(significant(d).empty());
  // Without a rate, by duration: the new run's samples stand for twice the time.
  Profile next = sampled_profile(1000, 10);
  next.sampling->rate_requested_hz = next.sampling->rate_delivered_hz = 0;
  next.duration_ns *= 2;
  EXPECT_NEAR(row(diff_profiles(sampled_profile(1000, 10), next), "m.f").new_ms, 2000, 1e-6);
}

// --- outputs -------------------------------------------------------------------------------

TEST(DiffOutputTest, FoldedHasBothColumnsPerPath) {
  Profile base = exact_profile(100, 50, 1), next = exact_profile(200, 50, 2);
  next.frames[4].name = "m.h;odd";  // ';' separates frames: replaced
  EXPECT_EQ(diff_folded(base, next),
            "m.main 1000 1000\n"
            "m.main;m.f 100000 200000\n"
            "m.main;m.g 50000 50000\n"
            "m.main;m.h 1000 0\n"
            "m.main;m.h:odd 0 2000\n");
  EXPECT_EQ(diff_folded(sampled_profile(3, 4), sampled_profile(5, 0)),
            "m.main;m.f 3 5\n"
            "m.main;m.g 4 0\n");
}

TEST(DiffOutputTest, JsonListHasTheIssuesKeys) {
  Profile next = exact_profile(200, 100, 1);
  next.nodes[4].self_ns = 0;
  auto rows = nlohmann::json::parse(diff_json(diff_profiles(exact_profile(0, 100, 1), next)));
  ASSERT_TRUE(rows.is_array());
  for (const auto& r : rows) {
    std::vector<std::string> keys;
    for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys,
              (std::vector<std::string>{"base_ms", "change_pct", "name", "new_ms", "significant"}));
  }
  EXPECT_EQ(rows[0]["name"], "m.f");
  EXPECT_TRUE(rows[0]["change_pct"].is_null());  // base 0
  EXPECT_EQ(rows[0]["significant"], true);
}

TEST(DiffOutputTest, TextMarksOnlySignificantRows) {
  std::string text =
      diff_text(diff_profiles(exact_profile(100, 100, 1), exact_profile(200, 100, 1)));
  EXPECT_NE(text.find("m.f"), std::string::npos);
  EXPECT_NE(text.find("+100.0%  yes (slower)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("yes", text.find("yes (slower)") + 1), std::string::npos) << text;
}

}  // namespace
}  // namespace aiprof::report
