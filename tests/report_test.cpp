// Tests of the report library: a golden file per format (from a Profile built by hand, so
// every figure is fixed), the format table, and all-or-nothing report files.
//
// To accept a deliberate change of a format: AIPROF_UPDATE_GOLDEN=1 ./report_test (it rewrites
// the files and fails), review the diff of tests/golden/, then run it again without it.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aiprof/report/output_file.hpp"
#include "aiprof/report/profile.hpp"
#include "aiprof/report/report_writer.hpp"

#include "format_fixtures.hpp"
#include "golden_file.hpp"

namespace aiprof::report {
namespace {

namespace fs = std::filesystem;

using format_fixtures::add_node;
using Json = nlohmann::json;

// A small program's profile: main calls fib (recursing twice) and load; one import, one GC.
Profile sample_profile() {
  Profile p;
  p.session_name = "fib";
  p.mode = "exact";
  p.granularity = "function";
  p.program = "fib.ai";
  p.start_time = "2025-04-26T22:15:00.000Z";
  p.end_time = "2025-04-26T22:15:01.234Z";
  p.duration_ns = 1234000000;
  p.exit_status = 0;
  p.time_precision = "microseconds";
  p.nodes[0].calls = 1;
  p.nodes[0].inclusive_ns = p.duration_ns;
  p.nodes[0].self_ns = 4000000;
  add_node(p, 0, Frame{"import fib.ai", "fib.ai", 0, FrameKind::Import}, 1, 30, 30);
  uint32_t main = add_node(p, 0, Frame{"m.main", "fib.ai", 6, FrameKind::Function}, 1, 1200, 100);
  p.nodes[main].alloc_count = 12;
  p.nodes[main].alloc_bytes = 960;
  uint32_t fib = add_node(p, main, Frame{"m.fib", "fib.ai", 2, FrameKind::Function}, 1, 900, 300);
  uint32_t fib2 = add_node(p, fib, Frame{"m.fib", "fib.ai", 2, FrameKind::Function}, 2, 600, 400);
  add_node(p, fib2, Frame{"m.fib", "fib.ai", 2, FrameKind::Function}, 4, 200, 200);
  uint32_t load =
      add_node(p, main, Frame{"m.load", "fib.ai", 12, FrameKind::Function}, 3, 195, 190);
  p.nodes[load].metrics["rows"] = int64_t{42};
  add_node(p, load, Frame{"<gc>", "", 0, FrameKind::GC}, 1, 5, 5);
  MemoryMetrics& m = p.memory;
  m.total_allocations = 1024;
  m.total_allocation_bytes = 524288;
  m.total_deallocations = 1000;
  m.total_deallocation_bytes = 500000;
  m.peak_memory_bytes = 786432;
  m.live_bytes_at_end = 24288;
  m.live_objects_at_end = 20;
  m.objects_by_type = {{"array", 10}, {"object", 300}, {"string", 700}};
  m.live_objects_by_type = {{"array", 2}, {"string", 18}};
  m.refcount_histogram = {{"1", 15}, {"2", 3}, {"3-4", 2}};
  m.gc_collections = 1;
  m.gc_time_ns = 5000000;
  m.gc_reclaimed_bytes = 262144;
  m.gc_reclaimed_objects = 640;
  m.heap_bytes = {{0, 1000}, {600000000, 786432}, {1234000000, 24288}};
  m.allocations_by_type = {{"array", 24}, {"object", 300}, {"string", 700}};
  m.allocation_bytes_by_type = {{"array", 24576}, {"object", 288000}, {"string", 211712}};
  m.peak_rss_bytes = 9437184;
  m.rss_bytes = {{0, 8388608}, {600000000, 9437184}, {1234000000, 9175040}};
  OperationMetrics& o = p.operations;
  o.tracked = {"arithmetic", "comparison", "logical",           "string",
               "array",      "object",     "function_calls",    "variable_accesses",
               "property_accesses", "string_dictionary"};
  o.arithmetic = 5432;
  o.comparison = 2000;
  o.string = 789;
  o.array = 123;
  o.object = 456;
  o.function_calls = 11;
  o.variable_accesses = 9000;
  o.property_accesses = 456;
  o.string_dictionary = 2;
  o.calls_by_function = {{"m.fib", 7}, {"m.load", 3}, {"m.main", 1}};
  o.accesses_by_variable = {{"m.fib.n", 8000}, {"m.main.x", 1000}};
  o.property_accesses_by_type = {{"object", 456}};
  o.dictionary_by_operation = {{"get", 2}};
  ProfilerCost& c = p.profiler;
  c.clock = "rdtsc (invariant TSC, 2.000 GHz, calibrated against steady_clock)";
  c.span_cost_ns = 14.5;
  c.spans = 13;
  c.filtered_spans = 2;
  c.min_duration_ns = 1000;
  c.overhead_percent = 0.1;
  c.notes = {"span cost is included in callers' times (not compensated; see --compensate)"};
  p.metrics["batches"] = 3.5;
  return p;
}

std::string golden_path(const std::string& name) {
  return std::string(AIPROF_SOURCE_DIR) + "/tests/golden/" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares with the golden file (or rewrites it and fails: golden_file.hpp).
void expect_golden(const std::string& name, const std::string& actual) {
  golden_file::expect_matches(golden_path(name), actual);
}

TEST(ReportGoldenTest, Text) {
  expect_golden("report.txt", make_text_writer()->render(sample_profile(), RenderOptions{}));
}

TEST(ReportGoldenTest, Json) {
  expect_golden("report.json", make_json_writer()->render(sample_profile(), RenderOptions{}));
}

TEST(ReportTest, DeepCallGraphsAreCutAtMaxDepthAndSayHowMuch) {
  RenderOptions shallow;
  shallow.max_call_stack_depth = 2;
  std::string text = make_text_writer()->render(sample_profile(), shallow);
  // m.fib's recursion is one line now; what lies below depth 2 is m.load's <gc>.
  EXPECT_NE(text.find("1 beyond max_call_stack_depth 2"), std::string::npos) << text;
  std::string json = make_json_writer()->render(sample_profile(), shallow);
  EXPECT_NE(json.find("\"omitted_descendants\": 2"), std::string::npos);
}

// Native frames are interned per source line, so one native function is several frames; its
// totals are one function's: self samples added up, inclusive samples counted once where one
// line's frame calls another's (recursion through the interpreter's eval functions).
TEST(ReportTest, ANativeFunctionsLinesAddUpToOneFunctionTotal) {
  Profile p;
  uint32_t guest = p.intern_frame(Frame{"m.fib", "fib.ai", 3, FrameKind::Function});
  uint32_t eval_10 = p.intern_frame(Frame{"eval", "eval.cpp", 10, FrameKind::Native});
  uint32_t eval_20 = p.intern_frame(Frame{"eval", "eval.cpp", 20, FrameKind::Native});
  uint32_t leaf = p.intern_frame(Frame{"leaf", "eval.cpp", 30, FrameKind::Native});
  // fib -> eval:10 (self 5) -> eval:20 (self 3) -> leaf (self 2); fib -> eval:20 (self 4)
  uint32_t fib = p.child(0, guest);
  uint32_t outer = p.child(fib, eval_10);
  uint32_t inner = p.child(outer, eval_20);
  uint32_t bottom = p.child(inner, leaf);
  uint32_t direct = p.child(fib, eval_20);
  auto set = [&](uint32_t n, uint64_t self, uint64_t inclusive) {
    p.nodes[n].samples_self = self;
    p.nodes[n].samples_inclusive = inclusive;
  };
  set(0, 0, 14), set(fib, 0, 14), set(outer, 5, 10), set(inner, 3, 5), set(bottom, 2, 2),
      set(direct, 4, 4);
  std::vector<FunctionTotal> totals = function_totals(p);
  auto total = [&](const std::string& name) {
    FunctionTotal found;
    int matches = 0;
    for (const FunctionTotal& t : totals)
      if (p.frames[t.frame].name == name) found = t, ++matches;
    EXPECT_EQ(matches, 1) << name;
    return found;
  };
  FunctionTotal eval = total("eval");
  EXPECT_EQ(eval.samples_self, 12u);
  EXPECT_EQ(eval.samples_inclusive, 14u);  // 10 under eval:10 (eval:20 inside it) + 4 direct
  EXPECT_TRUE(eval.several_lines);
  EXPECT_EQ(total("leaf").samples_inclusive, 2u);
  EXPECT_FALSE(total("leaf").several_lines);
  EXPECT_EQ(total("m.fib").samples_inclusive, 14u);
}

TEST(ReportTest, UnmeasuredMemoryIsNullInJsonAndSaidInText) {
  Profile p = sample_profile();
  p.memory.measured = p.memory.allocations_measured = p.memory.deallocations_measured =
      p.memory.peak_measured = false;
  EXPECT_NE(make_json_writer()->render(p, {}).find("\"total_allocations\": null"),
            std::string::npos);
  EXPECT_NE(make_text_writer()->render(p, {}).find("Memory Usage:\n- not measured"),
            std::string::npos);
}

// Figures switched off read as not measured: null in JSON, "not measured" in text.
TEST(ReportTest, UntrackedOperationsAndUntakenRefcountsAreNotMeasured) {
  Profile p = sample_profile();
  p.operations.tracked = {"property_accesses"};
  p.memory.refcount_measured = false;
  Json json = Json::parse(make_json_writer()->render(p, {}));
  const Json& o = json["operation_metrics"];
  for (const char* key : {"arithmetic", "object", "array", "function_calls", "calls_by_function"})
    EXPECT_TRUE(o[key].is_null()) << key;
  EXPECT_EQ(o["property_accesses"], 456);
  EXPECT_TRUE(json["memory_metrics"]["refcount_histogram"].is_null());
  std::string text = make_text_writer()->render(p, {});
  EXPECT_NE(text.find("- Object: not measured\n"), std::string::npos) << text;
  EXPECT_NE(text.find("- Property Accesses: 456 (object: 456)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("- Reference Counts (live containers): not measured\n"), std::string::npos);
}

// A sampled profile has no exact times: every time in the JSON is the estimate (samples x
// the period delivered), marked as such, with its 95% interval; never a false 0.
TEST(ReportTest, SampledTimesAreEstimatesWithIntervals) {
  Profile p;
  p.mode = "sampling";
  p.time_measured = false;
  p.duration_ns = 100000000;
  SamplingInfo s;
  s.rate_requested_hz = 1000;
  s.rate_delivered_hz = 500;  // a sample stands for 2 ms
  s.samples = 100;
  p.sampling = s;
  p.nodes[0].samples_inclusive = 100;
  uint32_t a = add_node(p, 0, Frame{"m.a", "a.ai", 1, FrameKind::Function}, 0, 0, 0);
  p.nodes[a].has_exact = false;
  p.nodes[a].samples_inclusive = 60;
  p.nodes[a].samples_self = 40;
  Json json = Json::parse(make_json_writer()->render(p, {}));
  EXPECT_EQ(json["time_metrics"]["estimated_from_samples"], true);
  const Json& row = json["time_metrics"]["functions"][0];
  EXPECT_EQ(row["name"], "m.a");
  EXPECT_EQ(row["estimated"], true);
  EXPECT_TRUE(row["calls"].is_null());
  EXPECT_TRUE(row["inclusive_ns"].is_null());
  EXPECT_DOUBLE_EQ(row["duration_ms"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(row["self_ms"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(row["percentage"].get<double>(), 60.0);
  // Wilson's 95% interval for 60 of 100: 50.2% to 69.1%.
  ASSERT_TRUE(row.contains("percentage_ci95") && row.contains("duration_ms_ci95")) << row.dump();
  EXPECT_NEAR(row["percentage_ci95"][0].get<double>(), 50.2, 0.1);
  EXPECT_NEAR(row["percentage_ci95"][1].get<double>(), 69.1, 0.1);
  EXPECT_NEAR(row["duration_ms_ci95"][0].get<double>(), 100.4, 0.2);
  const Json& graph = json["call_graph"];
  EXPECT_EQ(graph["estimated"], true);
  EXPECT_DOUBLE_EQ(graph["duration_ms"].get<double>(), 200.0);
  EXPECT_DOUBLE_EQ(graph["children"][0]["duration_ms"].get<double>(), 120.0);
}

TEST(ReportTest, FormatsFollowTheExtension) {
  EXPECT_EQ(format_for_path("out/prof.json"), "json");
  EXPECT_EQ(format_for_path("prof.txt"), "text");
  EXPECT_EQ(format_for_path("prof.folded"), "folded");
  EXPECT_EQ(format_for_path("prof.speedscope.json"), "speedscope");  // not plain json
  EXPECT_EQ(format_for_path("prof.trace.json"), "chrome-trace");
  EXPECT_EQ(format_for_path("prof.pb.gz"), "pprof");
  EXPECT_EQ(format_for_path("prof.html"), "html");
  EXPECT_FALSE(format_for_path("prof.gz"));
  EXPECT_FALSE(format_for_path("prof.yaml"));
  EXPECT_FALSE(format_for_path("json"));
  EXPECT_EQ(writer_for_format("json")->format_name(), "json");
  EXPECT_EQ(writer_for_format("yaml"), nullptr);
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aiprof_report_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t files_in_dir() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(OutputFileTest, WritesAndReplacesWholeFiles) {
  std::string path = (dir_ / "out.json").string();
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  EXPECT_EQ(read_file(path), "second");
  EXPECT_EQ(files_in_dir(), 1u);  // no temporary file left behind
}

TEST_F(OutputFileTest, MissingFolderFailsNamingTheFile) {
  std::string path = (dir_ / "missing" / "out.json").string();
  try {
    write_file_atomically(path, "x");
    FAIL() << "no error";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

// What a child process's attempt to replace `path` ended in (its exit status).
enum ReplaceOutcome { kThrewFileTooLarge = 0, kDidNotThrow = 1, kThrewSomethingElse = 2 };

// In a child process (the limit must not touch the test runner): files may grow to 4 bytes, and
// SIGXFSZ is ignored so that exceeding the limit fails the write with EFBIG instead of killing.
int replace_under_a_file_size_limit(const std::string& path, const std::string& content) {
  pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit {4, 4};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(kThrewSomethingElse);
    try {
      write_file_atomically(path, content);
    } catch (const OutputError& e) {
      bool named = std::string(e.what()).find(path) != std::string::npos &&
                   std::string(e.what()).find(std::strerror(EFBIG)) != std::string::npos;
      ::_exit(named ? kThrewFileTooLarge : kThrewSomethingElse);
    } catch (...) {
      ::_exit(kThrewSomethingElse);
    }
    ::_exit(kDidNotThrow);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST_F(OutputFileTest, FailureLeavesTheOldFileAndNoTemporary) {
  std::string path = (dir_ / "out.txt").string();
  write_file_atomically(path, "old");
  // The write of the new content to this very path fails part way (the file-size limit is
  // reached after 4 bytes): the old content must survive whole, and no temporary remain.
  EXPECT_EQ(replace_under_a_file_size_limit(path, "new content, longer than 4 bytes"),
            kThrewFileTooLarge);
  EXPECT_EQ(read_file(path), "old");
  EXPECT_EQ(files_in_dir(), 1u);  // out.txt, nothing else
}

}  // namespace
}  // namespace aiprof::report
