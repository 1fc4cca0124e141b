// Unit tests for the call tree exact spans aggregate into (call_tree.hpp) and the span-cost
// compensation of finished sessions (session.hpp).
#include "aiprof/instrumentation/call_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "aiprof/instrumentation/callback_cost.hpp"
#include "aiprof/instrumentation/session.hpp"

namespace aiprof::instrumentation {
namespace {

constexpr SpanKey kA = span_key(SpanType::Function, 1);
constexpr SpanKey kB = span_key(SpanType::Function, 2);

// The child of `parent` with `key`, or kNoTreeNode.
uint32_t child(const CallTree& tree, uint32_t parent, SpanKey key) {
  for (uint32_t c = tree.nodes()[parent].first_child; c != kNoTreeNode;
       c = tree.nodes()[c].next_sibling)
    if (tree.nodes()[c].key == key) return c;
  return kNoTreeNode;
}

TEST(CallTreeTest, RepeatedCallsAggregateIntoOneNode) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  for (int i = 0; i < 1000; ++i) {
    tree.enter(kA);
    tree.exit();
  }
  tree.finish();
  ASSERT_EQ(tree.nodes().size(), 2u);  // root + a: memory does not grow with calls
  EXPECT_EQ(tree.nodes()[1].calls, 1000u);
}

TEST(CallTreeTest, RecursionMakesOneNodePerDepthAndSelfSumsToInclusive) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  for (int depth = 0; depth < 5; ++depth) tree.enter(kA);
  for (int depth = 0; depth < 5; ++depth) tree.exit();
  tree.finish();
  ASSERT_EQ(tree.nodes().size(), 6u);
  uint64_t self_sum = 0;
  for (size_t i = 1; i < tree.nodes().size(); ++i) {
    EXPECT_EQ(tree.nodes()[i].calls, 1u);
    self_sum += tree.nodes()[i].self_ticks;
  }
  // The outermost activation's inclusive time is the sum of the self times below it.
  EXPECT_EQ(self_sum, tree.nodes()[1].inclusive_ticks);
}

TEST(CallTreeTest, SameFunctionUnderDifferentCallersIsTwoPaths) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  tree.enter(kA);
  tree.enter(kB);
  tree.exit();
  tree.exit();
  tree.enter(kB);
  tree.exit();
  tree.finish();
  uint32_t a = child(tree, CallTree::kRoot, kA);
  ASSERT_NE(a, kNoTreeNode);
  EXPECT_NE(child(tree, a, kB), kNoTreeNode);
  EXPECT_NE(child(tree, CallTree::kRoot, kB), kNoTreeNode);
  EXPECT_EQ(tree.nodes().size(), 4u);
}

TEST(CallTreeTest, ManyChildrenAreFoundThroughTheIndex) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  for (int round = 0; round < 3; ++round)
    for (uint64_t f = 0; f < 100; ++f) {
      tree.enter(span_key(SpanType::Function, f));
      tree.exit();
    }
  tree.finish();
  ASSERT_EQ(tree.nodes().size(), 101u);
  for (size_t i = 1; i < tree.nodes().size(); ++i) EXPECT_EQ(tree.nodes()[i].calls, 3u);
}

TEST(CallTreeTest, SpansShorterThanMinDurationAreCountedNotRecorded) {
  CallTree tree(SpanClock::monotonic(), 1000000000);  // 1 s: every span here is shorter
  tree.start();
  tree.enter(kA);
  tree.exit();
  tree.enter(kA);
  tree.exit();
  tree.finish();
  EXPECT_EQ(tree.filtered_spans(), 2u);
  EXPECT_EQ(tree.nodes()[1].calls, 0u);
  EXPECT_EQ(tree.nodes()[CallTree::kRoot].self_ticks,
            tree.nodes()[CallTree::kRoot].inclusive_ticks);
}

TEST(CallTreeTest, UnbalancedExitNeverClosesTheRoot) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  tree.exit();
  tree.enter(kA);
  tree.finish();  // closes the open span
  EXPECT_EQ(tree.unbalanced_exits(), 1u);
  EXPECT_EQ(tree.nodes()[1].calls, 1u);
  EXPECT_EQ(tree.nodes()[CallTree::kRoot].calls, 1u);
}

TEST(CallTreeTest, AllocationsAreChargedToTheInnermostSpan) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  tree.attribute_allocation(8);
  tree.enter(kA);
  tree.attribute_allocation(16);
  tree.attribute_allocation(32);
  tree.exit();
  tree.finish();
  EXPECT_EQ(tree.nodes()[CallTree::kRoot].alloc_count, 1u);
  EXPECT_EQ(tree.nodes()[1].alloc_count, 2u);
  EXPECT_EQ(tree.nodes()[1].alloc_bytes, 48u);
}

TEST(CallTreeTest, SpanCostIsPositiveAndSmall) {
  SpanClock clock = SpanClock::calibrate();
  double ns = measure_span_cost_ticks(clock) * clock.ns_per_tick();
  EXPECT_GT(ns, 0.0);
  EXPECT_LT(ns, 100000.0);  // a sanity bound, not a benchmark (sanitizer builds are slow)
}

constexpr SpanKey kSiteX = expression_key(SpanType::Expression, 3, 10, 5);
constexpr SpanKey kSiteY = expression_key(SpanType::Expression, 4, 11, 7);

// a() { X: (Y, a()) } recursing `depth` times: the shape of an expression-granularity run.
void recurse_through_sites(CallTree& tree, int depth) {
  tree.enter(kA);
  tree.enter_site(kSiteX);
  tree.enter_site(kSiteY);
  tree.exit();
  if (depth > 1) recurse_through_sites(tree, depth - 1);
  tree.exit();
  tree.exit();
}

size_t stored_entries(int depth) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  recurse_through_sites(tree, depth);
  tree.finish();
  return tree.nodes().size() + tree.sites().size();
}

TEST(CallTreeSitesTest, SitesAreOnePerFunctionAndSiteWhateverTheRecursion) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  recurse_through_sites(tree, 5);
  tree.finish();
  ASSERT_EQ(tree.sites().size(), 2u);  // X and Y of a, not one per depth or per path
  EXPECT_EQ(tree.sites()[0].site, kSiteX);
  EXPECT_EQ(tree.sites()[0].owner, kA);
  EXPECT_EQ(tree.sites()[0].calls, 5u);
  EXPECT_EQ(tree.sites()[1].calls, 5u);
  EXPECT_EQ(tree.nodes().size(), 6u);  // root + a per depth: the function-granularity tree
  // Counted once, X's inclusive time is its outermost activation, which holds a's depth-2
  // activation, so it is a's outermost inclusive less a's own bookkeeping around X.
  uint32_t a1 = child(tree, CallTree::kRoot, kA);
  EXPECT_LE(tree.sites()[0].inclusive_ticks, tree.nodes()[a1].inclusive_ticks);
  EXPECT_GE(tree.sites()[0].inclusive_ticks, tree.nodes()[child(tree, a1, kA)].inclusive_ticks);
  // Self times add up to the root's time: the tree's (which include sites) stand alone, and
  // sites' self times add up to what the functions spent inside them.
  uint64_t tree_self = 0, site_self = 0;
  for (const TreeNode& n : tree.nodes()) tree_self += n.self_ticks;
  for (const SiteFigures& f : tree.sites()) site_self += f.self_ticks;
  EXPECT_EQ(tree_self, tree.nodes()[CallTree::kRoot].inclusive_ticks);
  EXPECT_LE(site_self, tree.nodes()[a1].inclusive_ticks);
  EXPECT_EQ(tree.sites()[0].active, 0u);
}

TEST(CallTreeSitesTest, StoredEntriesDoNotGrowWithIterations) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  size_t after_ten = 0;
  for (int i = 0; i < 100; ++i) {
    recurse_through_sites(tree, 3);
    if (i == 9) after_ten = tree.nodes().size() + tree.sites().size();
  }
  tree.finish();
  EXPECT_EQ(tree.nodes().size() + tree.sites().size(), after_ten);
  EXPECT_EQ(tree.sites()[0].calls, 300u);
}

TEST(CallTreeSitesTest, SitesDoNotGrowWithRecursionDepth) {
  // The tree grows by one function node per depth (as at function granularity); sites do not.
  EXPECT_EQ(stored_entries(40) - stored_entries(4), 36u);
}

TEST(CallTreeSitesTest, ACallInsideASiteIsTheSitesChildAndTheFunctionsChild) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  tree.enter(kA);
  tree.enter_site(kSiteX);
  tree.enter(kB);
  tree.exit();
  tree.exit();
  tree.exit();
  tree.finish();
  uint32_t a = child(tree, CallTree::kRoot, kA), b = child(tree, a, kB);
  ASSERT_NE(b, kNoTreeNode);  // b hangs under a in the tree, not under the site
  const SiteFigures& x = tree.sites()[0];
  EXPECT_EQ(x.owner, kA);
  EXPECT_EQ(x.self_ticks + tree.nodes()[b].inclusive_ticks, x.inclusive_ticks);
  EXPECT_EQ(tree.nodes()[a].self_ticks + tree.nodes()[b].inclusive_ticks,
            tree.nodes()[a].inclusive_ticks);
}

TEST(CallTreeSitesTest, FinishClosesOpenSites) {
  CallTree tree(SpanClock::monotonic(), 0);
  tree.start();
  tree.enter(kA);
  tree.enter_site(kSiteX);
  tree.finish();
  EXPECT_EQ(tree.sites()[0].calls, 1u);
  EXPECT_EQ(tree.sites()[0].active, 0u);
  EXPECT_EQ(tree.nodes()[1].calls, 1u);
}

TEST(CallTreeTest, BookkeepingIsTimedInTheRunAndScaledToEverySpan) {
  // The thread's CPU clock, and 1000 probes: on the monotonic clock one probe preempted on a
  // loaded machine (ctest -j2 beside other builds) weighed more than the whole 0.1 ms session.
  CallTree tree(SpanClock::thread_cpu(), 0);
  tree.start();
  EXPECT_EQ(tree.bookkeeping_ticks(), 0.0);
  for (int i = 0; i < 1000 * static_cast<int>(CallTree::kProbeInterval); ++i) {
    tree.enter(kA);
    tree.enter_site(kSiteX);
    tree.exit();
    tree.exit();
  }
  tree.finish();
  EXPECT_EQ(tree.enters(), 2000u * CallTree::kProbeInterval);
  double ticks = tree.bookkeeping_ticks();
  EXPECT_GT(ticks, 0.0);
  // Here spans are nearly all the session does, so the estimate is about the session's time.
  // A probe also times one clock read of its own and a preempted probe weighs 1/20 of the
  // mean: the bound allows for that, and still catches a wrong scale (x61 or /61).
  EXPECT_LE(ticks, 3.0 * static_cast<double>(tree.nodes()[CallTree::kRoot].inclusive_ticks));
  EXPECT_GE(ticks, 0.1 * static_cast<double>(tree.nodes()[CallTree::kRoot].inclusive_ticks));
}

// A counter callback's probe reads the clock twice; the callback itself never does. Empty
// callbacks must cost about nothing, not a clock read each (on the CPU clock a read is a
// system call: runs with --clock cpu reported overheads above 100%). The CPU clock also keeps
// preemption out; the bound is half a read, where counting the probe's read gives one or more.
TEST(CallbackCostTest, AProbesOwnClockReadIsNotCountedAsCallbackTime) {
  SpanClock clock = SpanClock::thread_cpu();
  uint64_t read = UINT64_MAX;
  for (int i = 0; i < 64; ++i) {
    uint64_t first = clock.now();
    read = std::min(read, clock.now() - first);
  }
  CallbackCost cost;
  cost.begin(&clock);
  const uint64_t callbacks = 1000 * uint64_t{CallbackCost::kProbeInterval};
  for (uint64_t i = 0; i < callbacks; ++i) CallbackCost::Scope probe(cost);
  ASSERT_EQ(cost.callbacks(), callbacks);
  double per_callback = cost.total_ticks() / static_cast<double>(callbacks);
  EXPECT_LT(per_callback, 0.5 * static_cast<double>(read)) << "a clock read: " << read << " ticks";
}

// root -> a (2 calls) -> b (3 calls): a has 3 spans below it, the root 5.
TEST(CompensationTest, SubtractsSpanCostPerDescendantAndPerChild) {
  std::vector<SessionNode> nodes(3);
  nodes[0] = SessionNode{span_key(SpanType::Root, 0), UINT32_MAX, {1}, 1, 10000, 1000, 0, 0, {}};
  nodes[1] = SessionNode{kA, 0, {2}, 2, 9000, 4000, 0, 0, {}};
  nodes[2] = SessionNode{kB, 1, {}, 3, 5000, 5000, 0, 0, {}};
  compensate_span_cost(nodes, 100);
  EXPECT_EQ(nodes[0].inclusive_ns, 10000u - 500);
  EXPECT_EQ(nodes[0].self_ns, 1000u - 200);
  EXPECT_EQ(nodes[1].inclusive_ns, 9000u - 300);
  EXPECT_EQ(nodes[1].self_ns, 4000u - 300);
  EXPECT_EQ(nodes[2].inclusive_ns, 5000u);
  EXPECT_EQ(nodes[2].self_ns, 5000u);
}

TEST(CompensationTest, NeverGoesBelowZero) {
  std::vector<SessionNode> nodes(2);
  nodes[0] = SessionNode{span_key(SpanType::Root, 0), UINT32_MAX, {1}, 1, 50, 10, 0, 0, {}};
  nodes[1] = SessionNode{kA, 0, {}, 10, 40, 40, 0, 0, {}};
  compensate_span_cost(nodes, 100);
  EXPECT_EQ(nodes[0].inclusive_ns, 0u);
  EXPECT_EQ(nodes[0].self_ns, 0u);
}

}  // namespace
}  // namespace aiprof::instrumentation
