// Shared sampler runs (sample_mark.hpp): what arrived after a mark, computed from cumulative
// results (session_delta, by hand), and two windows overlapping on one running sampler, each
// getting its own samples. No check depends on timing: the sampled loops run until the samples
// they wait for have arrived (bounded by a generous limit, then a failure).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "session_delta.hpp"

namespace {

using aiprof::instrumentation::FrameStack;
using aiprof::sampler::SampledSession;
using aiprof::sampler::SampleMark;
using aiprof::sampler::Sampler;
using aiprof::sampler::SamplerConfig;
using aiprof::sampler::StackTrie;
using aiprof::sampler::ThreadFigures;

std::vector<uint64_t> counts_of(const StackTrie& trie) {
  std::vector<uint64_t> out;
  for (const StackTrie::Node& n : trie.nodes()) out.push_back(n.self_samples);
  return out;
}

// The samples whose stack ends at the guest path `path` (outermost first) in `trie`.
uint64_t samples_at(const StackTrie& trie, std::vector<uint32_t> path) {
  uint32_t node = StackTrie::kRoot;
  for (uint32_t id : path) {
    bool found = false;
    for (uint32_t i = 0; i < trie.nodes().size() && !found; ++i)
      if (trie.nodes()[i].parent == node && trie.nodes()[i].frame == id) node = i, found = true;
    if (!found) return 0;
  }
  return trie.nodes()[node].self_samples;
}

TEST(SessionDeltaTest, KeepsOnlyTheSamplesAfterTheMark) {
  StackTrie trie;
  uint32_t ab[] = {1, 2}, ac[] = {1, 3};
  uintptr_t native[] = {0x30, 0x20};  // innermost first
  trie.add(ab, 2, nullptr, 0, 4);
  trie.add(ac, 2, native, 2, 1);
  std::vector<uint64_t> mark = counts_of(trie);
  trie.add(ab, 2, nullptr, 0, 2);   // 2 more on a known stack
  trie.add(ab, 1, nullptr, 0, 5);   // 5 on a stack with no samples at the mark
  uint32_t ad[] = {1, 4};
  trie.add(ad, 2, native, 1, 3);    // 3 on a node made after the mark, with a native frame
  std::vector<uint32_t> node_of;
  StackTrie since = aiprof::sampler::detail::stacks_since(trie, mark, &node_of);
  EXPECT_EQ(since.total_samples(), 10u);
  EXPECT_EQ(samples_at(since, {1, 2}), 2u);
  EXPECT_EQ(samples_at(since, {1}), 5u);
  EXPECT_EQ(samples_at(since, {1, 3}), 0u);  // nothing new there (its native child neither)
  ASSERT_EQ(node_of.size(), trie.nodes().size());
  // The native frame below 1 -> 4 came along, mapped to the fresh trie's node.
  uint32_t native_node = UINT32_MAX;
  for (uint32_t i = 0; i < trie.nodes().size(); ++i)
    if (trie.nodes()[i].frame == (StackTrie::kNativeBit | 0x30) &&
        trie.nodes()[trie.nodes()[i].parent].frame == 4)
      native_node = i;
  ASSERT_NE(native_node, UINT32_MAX);
  ASSERT_NE(node_of[native_node], UINT32_MAX);
  EXPECT_EQ(since.nodes()[node_of[native_node]].self_samples, 3u);
  EXPECT_EQ(since.nodes()[node_of[native_node]].frame, StackTrie::kNativeBit | 0x30);
}

TEST(SessionDeltaTest, FiguresAreTheIntervalsOrAllForANewThread) {
  ThreadFigures then, now;
  then.samples = 10, then.cpu_ns = 1000, then.wall_ns = 5000, then.dropped = 1;
  now.samples = 25, now.cpu_ns = 4000, now.wall_ns = 9000, now.dropped = 1, now.source = "x";
  ThreadFigures f = aiprof::sampler::detail::figures_since(now, &then);
  EXPECT_EQ(f.samples, 15u);
  EXPECT_EQ(f.cpu_ns, 3000u);
  EXPECT_EQ(f.wall_ns, 4000u);
  EXPECT_EQ(f.dropped, 0u);
  EXPECT_EQ(f.source, "x");
  EXPECT_EQ(aiprof::sampler::detail::figures_since(now, nullptr).samples, 25u);
}

SamplerConfig wall_config(double rate_hz) {
  SamplerConfig config;
  config.rate_hz = rate_hz;
  config.clock = aiprof::sampler::SampleClock::Wall;  // samples come on a loaded machine too
  return config;
}

// Runs (busy) until `since(mark)` has at least `want` samples whose stack ends at `path`.
SampledSession sample_until(Sampler& sampler, const SampleMark& mark, std::vector<uint32_t> path,
                            uint64_t want) {
  auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    SampledSession s = sampler.since(mark);
    if (samples_at(s.stacks, path) >= want || std::chrono::steady_clock::now() > limit) return s;
    volatile uint64_t sink = 0;
    for (int i = 0; i < 200000; ++i) sink = sink + static_cast<uint64_t>(i);
  }
}

TEST(SampleMarkTest, OverlappingWindowsShareOneRunAndGetTheirOwnSamples) {
  Sampler sampler(wall_config(200));
  FrameStack frames(64);
  frames.push(1, 1, 1);
  auto reg = sampler.register_current_thread("main", &frames);
  sampler.start();
  SampleMark a = sampler.mark();
  SampledSession a_so_far = sample_until(sampler, a, {1}, 3);
  ASSERT_GE(samples_at(a_so_far.stacks, {1}), 3u) << "no samples in 120 s";
  frames.push(2, 1, 1);  // the stack changes, then window B opens: B never sees stack 1 alone
  SampleMark b = sampler.mark();
  SampledSession of_b = sample_until(sampler, b, {1, 2}, 3);
  SampledSession of_a = sampler.since(a);  // A ends after B's samples, B still open
  EXPECT_TRUE(sampler.running()) << "since() must not stop the run";
  EXPECT_EQ(samples_at(of_b.stacks, {1}), 0u);
  EXPECT_GE(samples_at(of_b.stacks, {1, 2}), 3u);
  EXPECT_GE(samples_at(of_a.stacks, {1}), 3u);
  EXPECT_GE(samples_at(of_a.stacks, {1, 2}), samples_at(of_b.stacks, {1, 2}));
  // Each window's figures are its own: A's samples are its stacks', and more than B's.
  ASSERT_EQ(of_a.threads.size(), 1u);
  // (A sample's weight in the trie counts the periods it stands for: never below 1.)
  EXPECT_GE(of_a.stacks.total_samples(), of_a.threads[0].samples);
  EXPECT_GT(of_a.threads[0].samples, of_b.threads[0].samples);
  EXPECT_GT(of_a.threads[0].wall_ns, of_b.threads[0].wall_ns);
  EXPECT_GE(of_a.duration_ns, of_b.duration_ns);
  EXPECT_EQ(of_a.config.rate_hz, 200);
  frames.pop();
  frames.pop();
  sampler.stop();
  sampler.take_results();
  EXPECT_THROW(sampler.since(a), std::logic_error) << "a mark from before take_results()";
}

TEST(SampleMarkTest, SetRateAppliesToTheNextRunOnlyWhileStopped) {
  Sampler sampler(wall_config(100));
  FrameStack frames(8);
  frames.push(1, 1, 1);
  auto reg = sampler.register_current_thread("main", &frames);
  EXPECT_THROW(sampler.set_rate(0), std::invalid_argument);
  sampler.set_rate(250);
  EXPECT_EQ(sampler.config().rate_hz, 250);
  sampler.start();
  EXPECT_THROW(sampler.set_rate(100), std::logic_error);
  SampleMark m = sampler.mark();
  SampledSession s = sample_until(sampler, m, {1}, 5);
  EXPECT_EQ(s.config.rate_hz, 250);
  EXPECT_GE(samples_at(s.stacks, {1}), 5u);
  sampler.stop();
  frames.pop();
}

}  // namespace
