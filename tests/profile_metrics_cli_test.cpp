// What `anarchy profile` reports about memory, operations and sampled times, driven as a user
// drives it (the real binary, real files): figures that were not measured read as not
// measured, figures that were are checked against what the program did (issue 13, sections 3
// and 5.2).
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

// Keeps 100 objects (each holding one array) of the 1000 it makes when KEEP is true.
constexpr const char* kKeepProgram =
    "m{\n"
    "  keep = [];\n"
    "  main(){\n"
    "    for (i = 0; i < 1000; i++) {\n"
    "      t = [i, i + 1];\n"
    "      o = {v: t};\n"
    "      if (i % 10 == 0 && KEEP) keep.push(o);\n"
    "    }\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

// About 0.2 s or more of work (debug build) that allocates strings (no containers, so no
// cycle collection).
constexpr const char* kBusyProgram =
    "m{\n"
    "  work(n){ s = 0; for (i = 0; i < n; i++) { t = \"v\" + i; s = s + t.length % 7; } return s; }\n"
    "  main(){ t = 0; for (k = 0; k < 20; k++) { t = t + work(20000); } print(t); return 0; }\n"
    "}\n";

class ProfileMetricsCliTest : public test_support::AnarchyFolderTest {
 protected:
  void SetUp() override {
    AnarchyFolderTest::SetUp();
    std::string keep = kKeepProgram;
    write("kept.ai", keep.replace(keep.find("KEEP"), 4, "true"));
    keep = kKeepProgram;
    write("dropped.ai", keep.replace(keep.find("KEEP"), 4, "false"));
    write("busy.ai", kBusyProgram);
  }
  // Profiles `program` with ARGS into a fresh JSON file and returns the report.
  Json profile(const std::string& args, const std::string& program) {
    fs::remove(dir_ / "out.json");
    Result r = anarchy("profile " + args + " -o out.json " + program);
    EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
    return Json::parse(read_file(dir_ / "out.json"));
  }
};

// The CLI's heap snapshot (live bytes and objects at the end) against the hooks' count of
// allocations and frees, and against what the program kept: 100 objects and their arrays.
TEST_F(ProfileMetricsCliTest, LiveMemoryAtTheEndIsWhatTheHooksCountedAndTheProgramKept) {
  Json kept = profile("--mode exact", "kept.ai")["memory_metrics"];
  Json dropped = profile("--mode exact", "dropped.ai")["memory_metrics"];
  for (const Json& m : {kept, dropped}) {
    // heap_bytes[0] is the heap when the session started; the hooks counted the rest.
    uint64_t at_start = static_cast<uint64_t>(m["heap_bytes"][0][1].get<double>());
    EXPECT_EQ(m["live_bytes_at_end"].get<uint64_t>(),
              at_start + m["total_allocation_bytes"].get<uint64_t>() -
                  m["total_deallocation_bytes"].get<uint64_t>());
  }
  EXPECT_EQ(kept["live_objects_at_end"].get<int64_t>() - dropped["live_objects_at_end"].get<int64_t>(),
            200);
  EXPECT_EQ(kept["live_objects_by_type"]["object"].get<int64_t>() -
                dropped["live_objects_by_type"]["object"].get<int64_t>(),
            100);
}

// Sampling mode: a function with samples never shows a time of 0; its time is the sampled
// estimate (samples x period), marked as such, with an interval around it.
TEST_F(ProfileMetricsCliTest, SampledTimesAreEstimatesNeverZeros) {
  Json report = profile("--rate 1000", "busy.ai");
  ASSERT_GT(report["sampling"]["samples"].get<int>(), 10);
  double period_ms = 1000.0 / report["sampling"]["rate_delivered_hz"].get<double>();
  bool saw_work = false;
  for (const Json& f : report["time_metrics"]["functions"]) {
    if (f["samples_inclusive"].get<uint64_t>() == 0) continue;
    EXPECT_EQ(f["estimated"], true) << f.dump();
    EXPECT_TRUE(f["calls"].is_null()) << f.dump();
    EXPECT_NEAR(f["duration_ms"].get<double>(), f["samples_inclusive"].get<double>() * period_ms,
                1e-6)
        << f.dump();
    EXPECT_GT(f["percentage"].get<double>(), 0.0) << f.dump();
    ASSERT_TRUE(f.contains("duration_ms_ci95")) << f.dump();
    // (1e-9: a function in every sample has the interval's top at its estimate, rounded.)
    EXPECT_LE(f["duration_ms_ci95"][0].get<double>(), f["duration_ms"].get<double>() + 1e-9);
    EXPECT_GE(f["duration_ms_ci95"][1].get<double>() + 1e-9, f["duration_ms"].get<double>());
    saw_work = saw_work || f["name"] == "m.work";
  }
  EXPECT_TRUE(saw_work);
  const Json& graph = report["call_graph"];
  EXPECT_EQ(graph["estimated"], true);
  EXPECT_GT(graph["duration_ms"].get<double>(), 0.0);
}

// `enabled = false` leaves the program running with no sampler; memory_profiling's switches
// decide what sampling mode reports about memory.
TEST_F(ProfileMetricsCliTest, SamplingModeFollowsTheConfig) {
  write("off.toml", "enabled = false\n");
  Json off = profile("--config off.toml", "busy.ai");
  EXPECT_TRUE(off["sampling"].is_null());
  EXPECT_EQ(off["memory_metrics"]["measured"], false);
  EXPECT_TRUE(off["memory_metrics"]["total_allocations"].is_null());
  write("nomem.toml", "[memory_profiling]\nenabled = false\n");
  Json no_memory = profile("--config nomem.toml", "busy.ai");
  EXPECT_GT(no_memory["sampling"]["samples"].get<int>(), 0);
  EXPECT_EQ(no_memory["memory_metrics"]["measured"], false);
  EXPECT_TRUE(no_memory["memory_metrics"]["refcount_histogram"].is_null());
  EXPECT_TRUE(no_memory["memory_metrics"]["heap_bytes"].empty());
  write("noalloc.toml", "[memory_profiling]\ntrack_allocations = false\ntrack_peak_memory = false\n");
  Json no_alloc = profile("--config noalloc.toml", "busy.ai")["memory_metrics"];
  EXPECT_EQ(no_alloc["measured"], true);
  EXPECT_TRUE(no_alloc["total_allocations"].is_null());
  EXPECT_TRUE(no_alloc["allocations_by_type"].is_null());
  EXPECT_TRUE(no_alloc["peak_memory_bytes"].is_null());
  EXPECT_FALSE(no_alloc["total_deallocations"].is_null());
  // With memory on, sampling mode has the reference counts too (a walk of the heap at the end).
  Json on = profile("", "kept.ai")["memory_metrics"];
  EXPECT_FALSE(on["refcount_histogram"].is_null());
  EXPECT_FALSE(on["refcount_histogram"].empty());
}

// Operation categories not tracked are null in JSON and "not measured" in text, not 0.
TEST_F(ProfileMetricsCliTest, UntrackedOperationsReadAsNotMeasured) {
  write("props.toml", "[operation_profiling]\ntracked_operations = [\"property_accesses\"]\n");
  Json ops = profile("--mode exact --config props.toml", "busy.ai")["operation_metrics"];
  EXPECT_TRUE(ops["object"].is_null());
  EXPECT_TRUE(ops["arithmetic"].is_null());
  EXPECT_TRUE(ops["calls_by_function"].is_null());
  EXPECT_GT(ops["property_accesses"].get<int>(), 0);
  Result text = anarchy("profile --mode exact --config props.toml busy.ai");
  EXPECT_NE(text.err.find("- Object: not measured"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("- Property Accesses: "), std::string::npos);
}

// Exact mode's memory graph has points on a clock, not only at the start, GCs and the end;
// the process's RSS is beside it, each point no more than the peak.
TEST_F(ProfileMetricsCliTest, MemoryIsPolledOnAClockWithTheProcessRss) {
  Json m = profile("--mode exact", "busy.ai")["memory_metrics"];
  // The collector's own points are the start, each collection and the end.
  EXPECT_GE(m["heap_bytes"].size(), m["gc_collections"].get<size_t>() + 2 + 10);
  ASSERT_GE(m["rss_bytes"].size(), 2u);
  uint64_t peak = m["peak_rss_bytes"].get<uint64_t>();
  EXPECT_GT(peak, 1u << 20);
  for (const Json& point : m["rss_bytes"]) {
    EXPECT_GT(point[1].get<double>(), 1u << 20);
    EXPECT_LE(point[1].get<double>(), peak);
  }
  Result text = anarchy("profile --mode exact busy.ai");
  EXPECT_NE(text.err.find("- Process Memory (RSS): peak "), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("- Allocations by Type: "), std::string::npos) << text.err;
}

}  // namespace
