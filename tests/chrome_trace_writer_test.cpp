// The Chrome Trace Event writer: complete ("X") events per thread that nest and never go
// back in time, GC runs on a named track of their own, heap bytes as a counter track, process
// and thread names, the timeline's source and drops in otherData, and a sampled run's samples
// as slices of time.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/report_writer.hpp"
#include "format_fixtures.hpp"

namespace aiprof::report {
namespace {

using Json = nlohmann::json;

Json render(const Profile& p) {
  return Json::parse(writer_for_format("chrome-trace")->render(p, {}));
}

std::vector<Json> events_with(const Json& trace, const std::string& ph) {
  std::vector<Json> out;
  for (const Json& e : trace["traceEvents"])
    if (e["ph"] == ph) out.push_back(e);
  return out;
}

// tid -> name, from the thread_name metadata.
std::map<int64_t, std::string> thread_names(const Json& trace) {
  std::map<int64_t, std::string> names;
  for (const Json& e : events_with(trace, "M"))
    if (e["name"] == "thread_name") names[e["tid"].get<int64_t>()] = e["args"]["name"];
  return names;
}

// Per tid: X events in file order start no earlier than the one before, and each lies within
// every still-open event before it (a stack of ends), so viewers draw them nested.
void check_nested_per_thread(const Json& trace) {
  std::map<int64_t, std::vector<double>> open_ends;
  std::map<int64_t, double> last_ts;
  for (const Json& e : events_with(trace, "X")) {
    int64_t tid = e["tid"].get<int64_t>();
    double ts = e["ts"].get<double>(), end = ts + e["dur"].get<double>();
    EXPECT_GE(e["dur"].get<double>(), 0);
    if (last_ts.count(tid)) {
      EXPECT_GE(ts, last_ts[tid]) << e.dump();
    }
    last_ts[tid] = ts;
    std::vector<double>& ends = open_ends[tid];
    while (!ends.empty() && ends.back() <= ts) ends.pop_back();
    if (!ends.empty()) {
      EXPECT_LE(end, ends.back()) << "overlaps its parent: " << e.dump();
    }
    ends.push_back(end);
  }
}

TEST(ChromeTraceWriter, IsATraceObjectWithMetadata) {
  Profile p = format_fixtures::exact_profile();
  Json trace = render(p);
  ASSERT_TRUE(trace["traceEvents"].is_array());
  EXPECT_EQ(trace["displayTimeUnit"], "ns");
  EXPECT_EQ(trace["otherData"]["timeline_dropped"], 17);
  EXPECT_NE(trace["otherData"]["timeline"].get<std::string>().find("synthesized"),
            std::string::npos);
  EXPECT_EQ(trace["otherData"]["label.host"], "ci");
  bool process_named = false;
  for (const Json& e : events_with(trace, "M"))
    if (e["name"] == "process_name") process_named = e["args"]["name"] == "anarchy demo.ai";
  EXPECT_TRUE(process_named);
  for (const Json& e : trace["traceEvents"]) {
    EXPECT_TRUE(e.contains("pid")) << e.dump();
    if (e["ph"] != "M") {
      EXPECT_TRUE(e["ts"].is_number()) << e.dump();
    }
  }
}

TEST(ChromeTraceWriter, SynthesizedSpansLieOnTheMainThreadInMicroseconds) {
  Profile p = format_fixtures::exact_profile();
  Json trace = render(p);
  std::map<int64_t, std::string> names = thread_names(trace);
  std::vector<Json> spans;
  for (const Json& e : events_with(trace, "X"))
    if (names[e["tid"].get<int64_t>()] == "main") spans.push_back(e);
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(spans[0]["name"], "m.main");
  EXPECT_DOUBLE_EQ(spans[0]["dur"].get<double>(), 12.0);
  EXPECT_EQ(spans[0]["cat"], "function");
  EXPECT_EQ(spans[0]["args"]["file"], "demo.ai");
  EXPECT_EQ(spans[3]["name"], "memcpy");
  EXPECT_EQ(spans[3]["cat"], "native");
  EXPECT_DOUBLE_EQ(spans[3]["dur"].get<double>(), 0.5);
  EXPECT_EQ(spans[4]["name"], "odd;name x\n");  // JSON keeps any name as it is
  EXPECT_DOUBLE_EQ(spans[4]["ts"].get<double>(), 7.0);
  check_nested_per_thread(trace);
}

TEST(ChromeTraceWriter, GcRunsHaveTheirOwnTrackAndHeapBytesACounter) {
  Profile p = format_fixtures::exact_profile();
  Json trace = render(p);
  std::map<int64_t, std::string> names = thread_names(trace);
  std::vector<Json> gc;
  for (const Json& e : events_with(trace, "X"))
    if (names[e["tid"].get<int64_t>()] == "GC") gc.push_back(e);
  ASSERT_EQ(gc.size(), 1u);
  EXPECT_DOUBLE_EQ(gc[0]["ts"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(gc[0]["dur"].get<double>(), 1.0);
  EXPECT_EQ(gc[0]["args"]["reclaimed_bytes"], 500);
  std::vector<Json> counters = events_with(trace, "C");
  ASSERT_EQ(counters.size(), 3u);
  EXPECT_EQ(counters[1]["name"], "heap bytes");
  EXPECT_DOUBLE_EQ(counters[1]["ts"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(counters[1]["args"]["live"].get<double>(), 900);
}

TEST(ChromeTraceWriter, RecordedTimelineKeepsThreadsApartAndNested) {
  Profile p = format_fixtures::exact_profile();
  p.threads.push_back(ThreadInfo{1, "worker", 4242});
  p.timeline = {{1, 3, 0, 2500, 1000},
                {0, 1, 0, 0, 9000},
                {0, 2, 1, 1000, 4000},
                {0, 3, 2, 1000, 2000},
                {0, 2, 1, 5000, 3000}};
  Json trace = render(p);
  EXPECT_EQ(trace["otherData"]["timeline"], "recorded spans");
  std::map<int64_t, std::string> names = thread_names(trace);
  ASSERT_EQ(names[4242], "worker");  // the OS tid when it is known
  std::map<std::string, int> per_thread;
  for (const Json& e : events_with(trace, "X")) ++per_thread[names[e["tid"].get<int64_t>()]];
  EXPECT_EQ(per_thread["main"], 4);
  EXPECT_EQ(per_thread["worker"], 1);
  EXPECT_EQ(per_thread["GC"], 1);
  check_nested_per_thread(trace);
  std::set<int64_t> tids;
  for (const auto& [tid, name] : names) tids.insert(tid);
  EXPECT_EQ(tids.size(), 3u) << "main, worker and GC tracks are distinct";
}

// A sampled run, by hand: one thread, 1 kHz, stacks main>a (3 samples), main>b (1),
// main>a (1). Its trace holds main as one slice over all five samples, a twice, b once.
TEST(ChromeTraceWriter, SamplingModeDrawsTheSamplesAsSlicesOfTime) {
  sampler::SampledSession session;
  session.config.rate_hz = 1000;
  sampler::ThreadFigures thread;
  thread.name = "main";
  thread.tid = 77;
  thread.samples = 5;
  session.threads.push_back(thread);
  const uint32_t main_a[] = {1, 2}, main_b[] = {1, 3};
  uint32_t a = session.stacks.add(main_a, 2, nullptr, 0, 4);
  uint32_t b = session.stacks.add(main_b, 2, nullptr, 0, 1);
  session.slices = {{77, a, 0, 2'000'000, 3}, {77, b, 3'000'000, 3'000'000, 1},
                    {77, a, 4'000'000, 4'000'000, 1}};
  Profile p;
  p.mode = "sampling";
  add_samples(p, session, SampleNaming{});
  Json trace = render(p);
  EXPECT_NE(trace["otherData"]["timeline"].get<std::string>().find("sampled stacks"),
            std::string::npos);
  std::vector<Json> slices = events_with(trace, "X");
  ASSERT_EQ(slices.size(), 4u);  // #1 once, #2 twice, #3 once
  EXPECT_EQ(slices[0]["name"], "#1");
  EXPECT_DOUBLE_EQ(slices[0]["ts"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(slices[0]["dur"].get<double>(), 5000.0);  // to the last sample + a period
  EXPECT_EQ(slices[1]["name"], "#2");
  EXPECT_DOUBLE_EQ(slices[1]["dur"].get<double>(), 3000.0);  // until b's first sample
  EXPECT_EQ(slices[2]["name"], "#3");
  EXPECT_DOUBLE_EQ(slices[2]["ts"].get<double>(), 3000.0);
  EXPECT_EQ(slices[3]["name"], "#2");
  EXPECT_DOUBLE_EQ(slices[3]["ts"].get<double>(), 4000.0);
  EXPECT_EQ(thread_names(trace)[77], "main");
  check_nested_per_thread(trace);
}

TEST(ChromeTraceWriter, IsFoundByNameAndExtension) {
  EXPECT_EQ(format_for_path("run.trace.json"), "chrome-trace");
  ASSERT_NE(writer_for_format("chrome-trace"), nullptr);
}

}  // namespace
}  // namespace aiprof::report
