// Built-in calls and collector runs as frames of their own (issue 19, item 5), seen through the
// real `anarchy` binary: sampled time lands in `String.split` or `<gc>` rather than in the guest
// function that called them, exact mode spans built-ins under the same names (so hybrid mode
// reconciles them), GC runs are reported in sampling mode, and guest tracebacks stay guest-only.
//
// The sampled claims hold with wide margins: each program spends well over half (sort) or a
// fifth (collector) of its CPU time where the test looks, and samples count CPU time, so a
// loaded machine changes how long the run takes, not where its samples fall.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test_support::read_file;
using test_support::Result;

// Sorts 4000 strings again and again: nearly all the time is Array.sort (which also frees what
// it replaces; a split's result would be freed by its caller, a large share of the time).
constexpr const char* kSortHeavy =
    "m{\n"
    "  main(){\n"
    "    parts = [];\n"
    "    for (i = 0; i < 4000; i++) { parts.push(\"field\" + str((i * 7919) % 4000)); }\n"
    "    for (r = 0; r < 150; r++) { parts.reverse(); parts.sort(); }\n"
    "    print(parts[0], len(parts));\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

// Builds a line of 4000 fields, then splits it 300 times.
constexpr const char* kSplitHeavy =
    "m{\n"
    "  main(){\n"
    "    parts = [];\n"
    "    for (i = 0; i < 4000; i++) { parts.push(\"field\" + str(i)); }\n"
    "    line = parts.join(\",\");\n"
    "    total = 0;\n"
    "    for (r = 0; r < 300; r++) { total = total + len(line.split(\",\")); }\n"
    "    print(total);\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

// Makes two-object cycles that only the cycle collector can free (about a third of the run
// is collection).
constexpr const char* kCyclicGarbage =
    "m{\n"
    "  main(){\n"
    "    kept = 0;\n"
    "    for (i = 0; i < 300000; i++) {\n"
    "      a = {id: i};\n"
    "      b = {other: a};\n"
    "      a.other = b;\n"
    "      kept = kept + a.id % 3;\n"
    "    }\n"
    "    print(kept);\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

class FramesCliTest : public test_support::AnarchyFolderTest {
 protected:
  Json json_report(const std::string& flags, const std::string& program) {
    Result r = anarchy("profile " + flags + " -o report.json " + program);
    EXPECT_EQ(r.status, 0) << r.err;
    return Json::parse(read_file(dir_ / "report.json"));
  }

};

const Json* function_named(const Json& report, const std::string& name) {
  for (const Json& f : report["time_metrics"]["functions"])
    if (f["name"] == name) return &f;
  return nullptr;
}

// The function row with the most self samples.
const Json* most_self_samples(const Json& report) {
  const Json* best = nullptr;
  for (const Json& f : report["time_metrics"]["functions"])
    if (!best || f["samples_self"].get<uint64_t>() > (*best)["samples_self"].get<uint64_t>())
      best = &f;
  return best;
}

TEST_F(FramesCliTest, ABuiltinTakesTheSamplesOfTheTimeSpentInIt) {
  write("sort.ai", kSortHeavy);
  Json report = json_report("--mode sampling", "sort.ai");
  ASSERT_GT(report["sampling"]["samples"].get<uint64_t>(), 20u) << report["sampling"].dump();
  const Json* top = most_self_samples(report);
  ASSERT_NE(top, nullptr);
  EXPECT_EQ((*top)["name"], "Array.sort") << report["time_metrics"].dump();
  EXPECT_EQ((*top)["kind"], "builtin");
  // Its caller keeps the time as inclusive, not as self.
  const Json* main = function_named(report, "m.main");
  ASSERT_NE(main, nullptr);
  EXPECT_GE((*main)["samples_inclusive"].get<uint64_t>(), (*top)["samples_inclusive"].get<uint64_t>());
  EXPECT_LT((*main)["samples_self"].get<uint64_t>(), (*top)["samples_self"].get<uint64_t>());
  ASSERT_EQ(anarchy("profile -o sort.folded sort.ai").status, 0);
  EXPECT_NE(read_file(dir_ / "sort.folded").find("m.main;Array.sort "), std::string::npos)
      << read_file(dir_ / "sort.folded");
}

TEST_F(FramesCliTest, SamplingModeShowsTheCollectorAndItsRuns) {
  write("cycles.ai", kCyclicGarbage);
  Json report = json_report("--mode sampling", "cycles.ai");
  const Json* gc = function_named(report, "<gc>");
  ASSERT_NE(gc, nullptr) << report["time_metrics"].dump();
  EXPECT_EQ((*gc)["kind"], "gc");
  EXPECT_GT((*gc)["samples_self"].get<uint64_t>(), 0u);
  const Json& memory = report["memory_metrics"];
  uint64_t collections = memory["gc_collections"].get<uint64_t>();
  ASSERT_GT(collections, 0u);
  ASSERT_EQ(memory["gc_runs"].size(), collections) << memory.dump();
  uint64_t reclaimed = 0;
  double run_ms = report["session"]["duration_ms"].get<double>();
  for (const Json& run : memory["gc_runs"]) {
    reclaimed += run["reclaimed_bytes"].get<uint64_t>();
    EXPECT_LE(run["start_ns"].get<double>() / 1e6, run_ms) << run.dump();
  }
  EXPECT_EQ(reclaimed, memory["gc_reclaimed_bytes"].get<uint64_t>());
  // The timeline and the HTML report mark them.
  ASSERT_EQ(anarchy("profile -o c.trace.json -o c.html cycles.ai").status, 0);
  Json trace = Json::parse(read_file(dir_ / "c.trace.json"));
  size_t gc_slices = 0;
  for (const Json& e : trace["traceEvents"]) gc_slices += e.value("name", "") == "GC";  // the GC track
  EXPECT_EQ(gc_slices, collections);
  EXPECT_NE(read_file(dir_ / "c.html").find("\"gc_runs\":[["), std::string::npos);
}

// Exact mode spans built-ins under the names the samples use, so in hybrid mode one node holds
// both and the caller's self time is split alike on both sides.
TEST_F(FramesCliTest, ExactAndHybridModesSpanBuiltinsUnderTheSameNames) {
  write("split.ai", kSplitHeavy);
  Json exact = json_report("--mode exact", "split.ai");
  const Json* push = function_named(exact, "Array.push");
  ASSERT_NE(push, nullptr) << exact["time_metrics"].dump();
  EXPECT_EQ((*push)["calls"], 4000);
  EXPECT_EQ((*push)["kind"], "builtin");
  const Json* split = function_named(exact, "String.split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ((*split)["calls"], 300);
  Json hybrid = json_report("--mode hybrid", "split.ai");
  size_t split_rows = 0;
  for (const Json& f : hybrid["time_metrics"]["functions"]) split_rows += f["name"] == "String.split";
  EXPECT_EQ(split_rows, 1u);
  split = function_named(hybrid, "String.split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ((*split)["calls"], 300);
  EXPECT_GT((*split)["samples_self"].get<uint64_t>(), 0u);
}

// A guest traceback names the guest code, at the call of the built-in, as before built-ins
// had frames (with them pushed, in sampling mode, as without, in a plain run).
TEST_F(FramesCliTest, TracebacksLeaveBuiltinFramesOut) {
  write("boom.ai",
        "m{\n  main(){ return [1, 2].map(x => boom(x)); }\n  boom(x){ return x.nope.deeper; }\n}\n");
  for (const char* command : {"run boom.ai", "profile --mode sampling -o p.json boom.ai"}) {
    Result r = anarchy(command);
    EXPECT_EQ(r.status, 70) << command;
    EXPECT_NE(r.err.find("boom.ai:2:25: in m.main\n  boom.ai:2:34: in m.main.<anonymous:2>\n"
                         "  boom.ai:3:26: in m.boom"),
              std::string::npos)
        << command << "\n" << r.err;
    EXPECT_EQ(r.err.find("Array.map"), std::string::npos) << command << "\n" << r.err;
  }
}

}  // namespace
