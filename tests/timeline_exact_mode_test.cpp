// The timeline end to end in one process: a guest program runs under the exact profiler with
// ProfilerConfig::timeline on, and the Profile's raw spans must be one per call, nested as
// the calls were, with a GC run per collection; the chrome-trace writer then draws them.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/report/from_exact.hpp"
#include "aiprof/report/report_writer.hpp"
#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy {
namespace {

namespace inst = aiprof::instrumentation;
namespace rep = aiprof::report;

// heap_stats, when given, receives the heap's own counters at the end of the run: figures the
// heap keeps itself, not through the profiler's hooks.
rep::Profile profile_source(const std::string& source, uint32_t max_events = 1'000'000,
                            HeapStats* heap_stats = nullptr) {
  inst::ProfilerConfig config;
  config.timeline.enabled = true;
  config.timeline.max_events = max_events;
  config.time_profiling.precision = inst::TimePrecision::Nanoseconds;
  RunOptions options;
  options.out = std::fopen("/dev/null", "w");
  rep::Profile profile;
  {
    Interpreter interp(options);
    inst::Profiler profiler(config);
    inst::ExactObserver observer(profiler,
                                 {&interp.functions(), &interp.variable_names(), node_kind_name});
    profiler.start_session("timeline");
    observer.attach();
    int status = interp.run_source(source, "test.ai");
    observer.detach();
    if (heap_stats) *heap_stats = interp.heap().stats();
    profile = rep::profile_from_session(profiler.end_session(), {"test.ai", status, {}});
  }
  std::fclose(options.out);
  return profile;
}

const char* kFib = R"(m{
  fib(n){
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
  }
  main(){ return fib(12) % 256; }
})";

size_t spans_named(const rep::Profile& p, const std::string& name) {
  size_t n = 0;
  for (const rep::TimelineEvent& e : p.timeline) n += p.frames[e.frame].name == name;
  return n;
}

TEST(TimelineExactMode, OneSpanPerCallNestedAsTheCallsWere) {
  rep::Profile p = profile_source(kFib);
  EXPECT_EQ(spans_named(p, "m.fib"), 2 * 233u - 1);  // 2 fib(13) - 1 calls
  EXPECT_EQ(spans_named(p, "m.main"), 1u);
  EXPECT_EQ(p.profiler.timeline_dropped, 0u);
  // Ordered by start, a parent first; each span lies within the open span one level up.
  std::vector<const rep::TimelineEvent*> open;
  for (const rep::TimelineEvent& e : p.timeline) {
    while (!open.empty() && open.back()->depth >= e.depth) open.pop_back();
    if (!open.empty()) {
      EXPECT_EQ(open.back()->depth + 1, e.depth);
      EXPECT_GE(e.start_ns, open.back()->start_ns);
      EXPECT_LE(e.start_ns + e.duration_ns, open.back()->start_ns + open.back()->duration_ns);
    } else {
      EXPECT_EQ(e.depth, 0u);
    }
    open.push_back(&e);
  }
  uint64_t fib_depth = 0;
  for (const rep::TimelineEvent& e : p.timeline)
    if (p.frames[e.frame].name == "m.fib") fib_depth = std::max<uint64_t>(fib_depth, e.depth);
  EXPECT_GE(fib_depth, 12u);  // module init > main > fib(12) > ... > fib(1)
}

TEST(TimelineExactMode, BoundedBufferCountsWhatItDrops) {
  rep::Profile p = profile_source(kFib, 100);
  EXPECT_EQ(p.timeline.size(), 100u);
  EXPECT_EQ(p.timeline.size() + p.profiler.timeline_dropped, 2 * 233u - 1 + 2);  // + main, <init>
}

TEST(TimelineExactMode, GcRunsComeWithTheCollections) {
  HeapStats heap;
  rep::Profile p = profile_source(R"(m{ main(){
    for (i = 0; i < 50000; i++) { a = {}; b = {p: a}; a.q = b; }
    return 0;
  } })", 1'000'000, &heap);
  // The profiler's figures come through the collect hooks; the heap counts its collections
  // and what they freed itself. Each cycle left behind is two objects the collector frees.
  ASSERT_GE(heap.collections, 1u);
  EXPECT_EQ(p.memory.gc_collections, heap.collections);
  ASSERT_EQ(p.memory.gc_runs.size(), heap.collections);
  EXPECT_GT(heap.collected_objects, 0u);
  uint64_t reclaimed_objects = 0, reclaimed_bytes = 0;
  for (const rep::GcEvent& gc : p.memory.gc_runs) {
    reclaimed_objects += gc.reclaimed_objects;
    reclaimed_bytes += gc.reclaimed_bytes;
    EXPECT_LE(gc.start_ns + gc.duration_ns, p.duration_ns);
  }
  EXPECT_EQ(reclaimed_objects, heap.collected_objects);
  EXPECT_EQ(reclaimed_bytes, heap.collected_bytes);
  EXPECT_EQ(p.memory.gc_reclaimed_objects, heap.collected_objects);
  EXPECT_EQ(p.memory.gc_reclaimed_bytes, heap.collected_bytes);
  EXPECT_EQ(spans_named(p, "<gc>"), p.memory.gc_collections);  // GC spans on the timeline too
  nlohmann::json trace =
      nlohmann::json::parse(rep::writer_for_format("chrome-trace")->render(p, {}));
  EXPECT_EQ(trace["otherData"]["timeline"], "recorded spans");
  size_t gc_track_events = 0;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "X" && e["name"] == "GC") ++gc_track_events;
  EXPECT_EQ(gc_track_events, p.memory.gc_collections);
}

}  // namespace
}  // namespace anarchy
