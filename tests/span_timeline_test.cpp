// The exact side's raw-span timeline: recorded only when ProfilerConfig::timeline asks for it,
// bounded with a drop count, nested like the spans were, and converted (with GC runs and the
// session's thread) into Profile::timeline, memory.gc_runs, threads and profiler.timeline_dropped.
#include <gtest/gtest.h>

#include <string>

#include "aiprof/instrumentation/call_tree.hpp"
#include "aiprof/instrumentation/profiler.hpp"
#include "aiprof/report/from_exact.hpp"

namespace aiprof {
namespace {

namespace inst = instrumentation;
namespace rep = report;

inst::ProfilerConfig with_timeline(uint32_t max_events) {
  inst::ProfilerConfig config;
  config.timeline.enabled = true;
  config.timeline.max_events = max_events;
  return config;
}

// outer { inner; inner { leaf } } : four spans, exits in the order inner, leaf, inner, outer.
inst::ProfilingSession run_spans(inst::ProfilerConfig config) {
  inst::Profiler profiler(config);
  profiler.start_session("t");
  {
    inst::SpanGuard outer = profiler.start_span("outer", inst::SpanType::Custom);
    { inst::SpanGuard inner = profiler.start_span("inner", inst::SpanType::Custom); }
    {
      inst::SpanGuard inner = profiler.start_span("inner", inst::SpanType::Custom);
      inst::SpanGuard leaf = profiler.start_span("leaf", inst::SpanType::Custom);
    }
  }
  return profiler.end_session();
}

std::string name_of(const inst::ProfilingSession& s, const inst::TimelineSpan& span) {
  return s.describe(s.nodes[span.node].key).name;
}

TEST(SpanTimeline, IsOffByDefault) {
  inst::ProfilingSession s = run_spans({});
  EXPECT_TRUE(s.timeline.empty());
  EXPECT_FALSE(s.cost.timeline_recorded);
  rep::Profile p = rep::profile_from_session(s, {});
  EXPECT_TRUE(p.timeline.empty());
  EXPECT_EQ(p.profiler.timeline_dropped, 0u);
}

TEST(SpanTimeline, RecordsEverySpanAtItsExitWithDepthAndNode) {
  inst::ProfilingSession s = run_spans(with_timeline(100));
  ASSERT_TRUE(s.cost.timeline_recorded);
  ASSERT_EQ(s.timeline.size(), 4u);
  EXPECT_EQ(name_of(s, s.timeline[0]), "inner");
  EXPECT_EQ(name_of(s, s.timeline[1]), "leaf");
  EXPECT_EQ(name_of(s, s.timeline[2]), "inner");
  EXPECT_EQ(name_of(s, s.timeline[3]), "outer");
  EXPECT_EQ(s.timeline[0].depth, 1u);
  EXPECT_EQ(s.timeline[1].depth, 2u);
  EXPECT_EQ(s.timeline[3].depth, 0u);
  const inst::TimelineSpan& outer = s.timeline[3];
  for (const inst::TimelineSpan& span : s.timeline) {
    EXPECT_GE(span.start_ns, outer.start_ns);
    EXPECT_LE(span.start_ns + span.duration_ns, outer.start_ns + outer.duration_ns);
  }
  // leaf lies within the second inner, which starts after the first one ends
  EXPECT_GE(s.timeline[2].start_ns, s.timeline[0].start_ns + s.timeline[0].duration_ns);
  EXPECT_GE(s.timeline[1].start_ns, s.timeline[2].start_ns);
  EXPECT_LE(s.timeline[1].start_ns + s.timeline[1].duration_ns,
            s.timeline[2].start_ns + s.timeline[2].duration_ns);
  EXPECT_EQ(s.cost.timeline_dropped, 0u);
}

TEST(SpanTimeline, KeepsAtMostMaxEventsAndCountsTheRest) {
  inst::ProfilingSession s = run_spans(with_timeline(3));
  EXPECT_EQ(s.timeline.size(), 3u);
  EXPECT_EQ(s.cost.timeline_dropped, 1u);
  rep::Profile p = rep::profile_from_session(s, {});
  EXPECT_EQ(p.profiler.timeline_dropped, 1u);
  bool noted = false;
  for (const std::string& note : p.profiler.notes)
    noted = noted || note.find("timeline spans were dropped") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(SpanTimeline, BecomesTheProfilesTimelineOrderedByStart) {
  inst::ProfilerConfig config = with_timeline(100);
  config.time_profiling.precision = inst::TimePrecision::Nanoseconds;
  rep::Profile p = rep::profile_from_session(run_spans(config), {});
  ASSERT_EQ(p.timeline.size(), 4u);
  EXPECT_EQ(p.frames[p.timeline[0].frame].name, "outer");  // a parent before its children
  EXPECT_EQ(p.frames[p.timeline[1].frame].name, "inner");
  EXPECT_EQ(p.frames[p.timeline[2].frame].name, "inner");
  EXPECT_EQ(p.frames[p.timeline[3].frame].name, "leaf");
  for (size_t i = 1; i < p.timeline.size(); ++i)
    EXPECT_GE(p.timeline[i].start_ns, p.timeline[i - 1].start_ns);
  ASSERT_EQ(p.threads.size(), 1u);
  EXPECT_EQ(p.threads[0].name, "main");
  EXPECT_GT(p.threads[0].tid, 0);
  for (const rep::TimelineEvent& e : p.timeline) EXPECT_EQ(e.thread, 0u);
}

TEST(SpanTimeline, RoundingKeepsNestedSpansNested) {
  inst::ProfilerConfig config = with_timeline(100);
  config.time_profiling.precision = inst::TimePrecision::Milliseconds;  // everything rounds
  rep::Profile p = rep::profile_from_session(run_spans(config), {});
  ASSERT_EQ(p.timeline.size(), 4u);
  const rep::TimelineEvent& outer = p.timeline[0];
  for (const rep::TimelineEvent& e : p.timeline) {
    EXPECT_EQ(e.start_ns % 1000000, 0u);
    EXPECT_LE(e.start_ns + e.duration_ns, outer.start_ns + outer.duration_ns);
  }
}

TEST(SpanTimeline, GcRunsAreRecordedWithStartDurationAndReclaimed) {
  inst::ProfilerConfig config;
  config.time_profiling.precision = inst::TimePrecision::Nanoseconds;
  inst::Profiler profiler(config);
  profiler.start_session("gc");
  inst::CallTree& tree = profiler.tree();
  uint64_t begin = tree.clock().now();
  profiler.memory().on_collect_begin(begin);
  profiler.memory().on_collect_end(begin + tree.clock().to_ticks(5000), 3, 300);
  profiler.memory().on_collect_begin(begin + tree.clock().to_ticks(9000));
  profiler.memory().on_collect_end(begin + tree.clock().to_ticks(10000), 1, 40);
  inst::ProfilingSession s = profiler.end_session();
  ASSERT_EQ(s.memory.gc_runs.size(), 2u);
  EXPECT_EQ(s.memory.gc_runs[0].reclaimed_bytes, 300u);
  EXPECT_EQ(s.memory.gc_runs[0].reclaimed_objects, 3u);
  EXPECT_NEAR(static_cast<double>(s.memory.gc_runs[0].duration_ns), 5000, 2);
  EXPECT_NEAR(static_cast<double>(s.memory.gc_runs[1].start_ns - s.memory.gc_runs[0].start_ns),
              9000, 2);
  rep::Profile p = rep::profile_from_session(s, {});
  ASSERT_EQ(p.memory.gc_runs.size(), 2u);
  EXPECT_EQ(p.memory.gc_runs[1].reclaimed_bytes, 40u);
  EXPECT_EQ(p.memory.gc_runs[1].start_ns, s.memory.gc_runs[1].start_ns);
  EXPECT_EQ(p.memory.gc_collections, 2u);
}

TEST(SpanTimeline, CallTreeRecordsOnlyWhenEnabled) {
  inst::SpanClock clock = inst::SpanClock::calibrate();
  inst::CallTree off(clock, 0);
  off.start();
  off.enter(inst::span_key(inst::SpanType::Function, 1));
  off.exit();
  off.finish();
  EXPECT_EQ(off.timeline(), nullptr);
  inst::CallTree on(clock, 0);
  on.enable_timeline(10);
  on.start();
  on.enter(inst::span_key(inst::SpanType::Function, 1));
  on.exit();
  on.finish();
  ASSERT_NE(on.timeline(), nullptr);
  ASSERT_EQ(on.timeline()->spans().size(), 1u);
  EXPECT_EQ(on.timeline()->spans()[0].node, 1u);
  EXPECT_EQ(on.timeline()->spans()[0].depth, 0u);
}

}  // namespace
}  // namespace aiprof
