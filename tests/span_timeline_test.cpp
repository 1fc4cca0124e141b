// The exact side's raw-span timeline: recorded only when ProfilerConfig::timeline asks for it,
// bounded (decimating the shortest spans, never one enclosing a kept span) with a drop count, nested like the spans were, and converted (with GC runs and the
// session's thread) into Profile::timeline, memory.gc_runs, threads and profiler.timeline_dropped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiprof/instrumentation/call_tree.hpp"
#include "aiprof/instrumentation/profiler.hpp"
#include "aiprof/instrumentation/span_timeline.hpp"
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
  EXPECT_LE(s.timeline.size(), 3u);
  EXPECT_EQ(s.timeline.size() + s.cost.timeline_dropped, 4u);
  ASSERT_GE(s.cost.timeline_dropped, 1u);
  // outer lasts longer than anything nested in it: the last to finish, it is still kept.
  ASSERT_FALSE(s.timeline.empty());
  EXPECT_EQ(name_of(s, s.timeline.back()), "outer");
  rep::Profile p = rep::profile_from_session(s, {});
  EXPECT_EQ(p.profiler.timeline_dropped, s.cost.timeline_dropped);
  EXPECT_GT(p.profiler.timeline_floor_ns, 0u);
  bool noted = false;
  for (const std::string& note : p.profiler.notes)
    noted = noted || note.find("timeline spans were dropped") != std::string::npos;
  EXPECT_TRUE(noted);
}

// A synthetic run, in ticks: main holds `calls` calls one after the other, of pseudo-random
// lengths from 20 to 10,026 ticks; each call holds a leaf of 1 to 7 ticks. Spans reach the
// timeline in exit order (leaf, call, ..., main).
struct SyntheticRun {
  struct Span {
    uint64_t start, duration;
    uint32_t node, depth;
  };
  std::vector<Span> spans;
  uint64_t end = 0;
};

SyntheticRun synthetic_run(uint32_t calls) {
  SyntheticRun run;
  uint64_t cursor = 1;
  for (uint32_t k = 0; k < calls; ++k) {
    uint64_t length = 20 + (uint64_t{k} * 7919) % 10007;
    run.spans.push_back({cursor + 1, 1 + k % 7u, 3, 2});
    run.spans.push_back({cursor, length, 2, 1});
    cursor += length;
  }
  run.end = cursor + 1;
  run.spans.push_back({0, run.end, 1, 0});
  return run;
}

TEST(SpanTimeline, FullTimelineDropsShortLeavesAndKeepsEveryEnclosingSpan) {
  SyntheticRun run = synthetic_run(10000);  // 20,001 spans into 1,000 places
  inst::SpanTimeline timeline(1000);
  for (const SyntheticRun::Span& span : run.spans)
    timeline.record(span.start, span.duration, span.node, span.depth);
  ASSERT_LE(timeline.spans().size(), 1000u);
  EXPECT_EQ(timeline.spans().size() + timeline.dropped(), run.spans.size());
  // main, the last to finish, is kept, and the timeline ends where the run ends.
  ASSERT_FALSE(timeline.spans().empty());
  const inst::RawSpan& last = timeline.spans().back();
  EXPECT_EQ(last.node, 1u);
  EXPECT_EQ(last.start_tick + last.duration_ticks, run.end);
  // The rule: exactly the spans at least floor_ticks() long are kept, so leaves go first
  // (they are shorter than the call holding them) and a kept span's enclosing spans stay.
  uint64_t floor = timeline.floor_ticks();
  EXPECT_GT(floor, 1u);
  size_t long_enough = 0;
  for (const SyntheticRun::Span& span : run.spans) long_enough += span.duration >= floor;
  EXPECT_EQ(timeline.spans().size(), long_enough);
  size_t calls_kept = 0;
  for (const inst::RawSpan& span : timeline.spans()) {
    EXPECT_GE(span.duration_ticks, floor);
    calls_kept += span.node == 2;
  }
  EXPECT_GT(calls_kept, 0u) << "with room for a thousand spans, mid-level calls survive";
}

TEST(SpanTimeline, DecimationIsAmortisedOverHalfTheBuffer) {
  inst::SpanTimeline timeline(4);
  for (uint64_t d = 1; d <= 4; ++d) timeline.record(0, d, 0, 0);
  EXPECT_EQ(timeline.dropped(), 0u);
  timeline.record(0, 100, 0, 0);  // full: keeps the 2 longest (3, 4) and admits 100
  EXPECT_EQ(timeline.dropped(), 2u);
  EXPECT_EQ(timeline.floor_ticks(), 3u);
  ASSERT_EQ(timeline.spans().size(), 3u);
  EXPECT_EQ(timeline.spans()[2].duration_ticks, 100u);
  timeline.record(0, 2, 0, 0);  // below the floor: dropped at once
  EXPECT_EQ(timeline.dropped(), 3u);
  EXPECT_EQ(timeline.spans().size(), 3u);
}

TEST(SpanTimeline, ZeroMaxEventsKeepsNothing) {
  inst::SpanTimeline timeline(0);
  timeline.record(0, 5, 0, 0);
  timeline.record(0, 7, 0, 0);
  EXPECT_TRUE(timeline.spans().empty());
  EXPECT_EQ(timeline.dropped(), 2u);
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
