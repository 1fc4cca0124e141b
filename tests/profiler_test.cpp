// Unit tests for the Profiler API (profiler.hpp): sessions, SpanGuard, metrics, reports, the
// profile macros, and the hook mask ExactObserver asks for.
#include "aiprof/instrumentation/profiler.hpp"

#include <gtest/gtest.h>

#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/instrumentation/macros.hpp"

namespace aiprof::instrumentation {
namespace {

// The calls of the first node named `name` (0 if none).
uint64_t calls_of(const ProfilingSession& s, const std::string& name) {
  for (const SessionNode& n : s.nodes)
    if (s.describe(n.key).name == name) return n.calls;
  return 0;
}

const SessionNode* node_named(const ProfilingSession& s, const std::string& name) {
  for (const SessionNode& n : s.nodes)
    if (s.describe(n.key).name == name) return &n;
  return nullptr;
}

TEST(ProfilerTest, SessionLifecycleAndMisuse) {
  Profiler profiler;
  EXPECT_THROW(profiler.end_session(), ProfilerError);
  EXPECT_THROW(profiler.record_metric("x", int64_t{1}), ProfilerError);
  profiler.start_session("main");
  EXPECT_THROW(profiler.start_session("again"), ProfilerError);
  EXPECT_THROW(profiler.end_span(), ProfilerError);
  ProfilingSession s = profiler.end_session();
  EXPECT_EQ(s.name, "main");
  EXPECT_NE(s.id.find("main-"), std::string::npos);
  EXPECT_EQ(s.nodes.size(), 1u);  // the root only
  EXPECT_GT(s.cost.span_cost_ns, 0.0);
}

TEST(ProfilerTest, GuardsNestAndEndTheirOwnSpan) {
  Profiler profiler;
  profiler.start_session("s");
  {
    SpanGuard outer = profiler.start_span("outer", SpanType::Custom);
    for (int i = 0; i < 3; ++i) {
      SpanGuard inner =
          profiler.start_span("inner", SpanType::Custom, SourceLocation{"x.cpp", 7, 1});
      EXPECT_TRUE(inner.active());
    }
  }
  ProfilingSession s = profiler.end_session();
  ASSERT_EQ(s.nodes.size(), 3u);
  const SessionNode* outer = node_named(s, "outer");
  const SessionNode* inner = node_named(s, "inner");
  ASSERT_TRUE(outer && inner);
  EXPECT_EQ(outer->calls, 1u);
  EXPECT_EQ(inner->calls, 3u);
  EXPECT_EQ(&s.nodes[inner->parent], outer);
  EXPECT_EQ(s.describe(inner->key).location.line, 7u);
  EXPECT_GE(outer->inclusive_ns, inner->inclusive_ns);
}

TEST(ProfilerTest, EndSpanBeforeTheGuardDoesNotEndTheParent) {
  Profiler profiler;
  profiler.start_session("s");
  {
    SpanGuard outer = profiler.start_span("outer", SpanType::Custom);
    {
      SpanGuard inner = profiler.start_span("inner", SpanType::Custom);
      profiler.end_span();  // ends inner; its guard then has nothing to end
    }
    SpanGuard sibling = profiler.start_span("sibling", SpanType::Custom);
  }
  ProfilingSession s = profiler.end_session();
  const SessionNode* sibling = node_named(s, "sibling");
  ASSERT_NE(sibling, nullptr);
  EXPECT_EQ(s.describe(s.nodes[sibling->parent].key).name, "outer");
  EXPECT_EQ(calls_of(s, "inner"), 1u);
  EXPECT_EQ(calls_of(s, "outer"), 1u);
}

TEST(ProfilerTest, DisabledOrSessionlessSpansAreInactive) {
  Profiler profiler;
  EXPECT_FALSE(profiler.start_span("x", SpanType::Custom).active());
  profiler.set_enabled(false);
  profiler.start_session("s");
  EXPECT_FALSE(profiler.start_span("x", SpanType::Custom).active());
  EXPECT_EQ(profiler.end_session().nodes.size(), 1u);
}

TEST(ProfilerTest, MetricsAddUpOnNodesAndSession) {
  Profiler profiler;
  profiler.start_session("s");
  for (int i = 0; i < 4; ++i) {
    SpanGuard span = profiler.start_span("work", SpanType::Custom);
    span.record_metric("items", int64_t{10});
    span.record_metric("label", std::string("last"));
  }
  profiler.record_metric("rows", 1.5);
  profiler.record_metric("rows", 2.0);
  ProfilingSession s = profiler.end_session();
  const SessionNode* work = node_named(s, "work");
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(std::get<int64_t>(work->metrics.at("items")), 40);
  EXPECT_EQ(std::get<std::string>(work->metrics.at("label")), "last");
  EXPECT_DOUBLE_EQ(std::get<double>(s.global_metrics.at("rows")), 3.5);
}

class NodeCountReport final : public ReportGenerator {
 public:
  std::string generate_report(const ProfilingSession& s) const override {
    return s.name + ":" + std::to_string(s.nodes.size());
  }
};

TEST(ProfilerTest, GenerateReportOfRunningAndOfEndedSession) {
  Profiler profiler;
  EXPECT_THROW(profiler.generate_report(NodeCountReport{}), ProfilerError);
  profiler.start_session("s");
  {
    SpanGuard open = profiler.start_span("open", SpanType::Custom);
    EXPECT_EQ(profiler.generate_report(NodeCountReport{}),
              "s:2");  // a snapshot: the span stays open
  }
  profiler.end_session();
  EXPECT_EQ(profiler.generate_report(NodeCountReport{}), "s:2");
  profiler.reset();
  EXPECT_THROW(profiler.generate_report(NodeCountReport{}), ProfilerError);
}

void traced_function(Profiler& profiler) {
  AIPROF_PROFILE_FN(profiler);
  profile_block(profiler, "inner block", SpanType::Block);
}

TEST(ProfilerTest, MacrosMakeNamedSpansWithSourceLocations) {
  Profiler profiler;
  profiler.start_session("s");
  traced_function(profiler);
  traced_function(profiler);
  ProfilingSession s = profiler.end_session();
  const SessionNode* fn = node_named(s, "traced_function");
  const SessionNode* block = node_named(s, "inner block");
  ASSERT_TRUE(fn && block);
  EXPECT_EQ(fn->calls, 2u);
  EXPECT_EQ(block->calls, 2u);
  EXPECT_EQ(s.describe(block->key).type, SpanType::Block);
  EXPECT_NE(s.describe(fn->key).location.file.find("profiler_test.cpp"), std::string::npos);
}

TEST(HookMaskTest, FollowsTheConfiguration) {
  ProfilerConfig config;
  uint32_t function = hook_mask_for(config);
  EXPECT_TRUE(function & kHookCall);
  EXPECT_FALSE(function & kHookNode);
  EXPECT_FALSE(function & kHookRefcount);  // the histogram comes from the heap at the end
  config.granularity = Granularity::Expression;
  EXPECT_TRUE(hook_mask_for(config) & kHookNode);
  config.granularity = Granularity::Module;
  config.operation_profiling.tracked_operations.remove(TrackedOperation::FunctionCall);
  EXPECT_FALSE(hook_mask_for(config) & kHookCall);
  EXPECT_TRUE(hook_mask_for(config) & kHookModule);
  config.operation_profiling.enabled = false;
  config.memory_profiling.enabled = false;
  EXPECT_EQ(hook_mask_for(config) & (kHookVariable | kHookAllocate | kHookOperation), 0u);
  config.enabled = false;
  EXPECT_EQ(hook_mask_for(config), 0u);
}

}  // namespace
}  // namespace aiprof::instrumentation
