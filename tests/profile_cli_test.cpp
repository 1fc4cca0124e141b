// `anarchy profile` driven as a user drives it: the real binary, real files, exit statuses.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

using test_support::read_file;
using test_support::Result;

class ProfileCliTest : public test_support::AnarchyFolderTest {
 protected:
  void SetUp() override {
    AnarchyFolderTest::SetUp();
    write("fib.ai",
          "m{\n  fib(n){ if (n < 2) return n; return fib(n - 1) + fib(n - 2); }\n"
          "  main(){ print(fib(15)); return 0; }\n}\n");
  }
};

// The text report wraps long lines at 100 columns under a hanging indent: joined again, so a
// phrase is found wherever the line broke.
std::string unwrapped(std::string text) {
  for (const char* indent : {"\n    ", "\n  "})
    for (size_t at; (at = text.find(indent)) != std::string::npos;)
      text.replace(at, std::string(indent).size(), " ");
  return text;
}

const Json* function_named(const Json& report, const std::string& name) {
  for (const Json& f : report["time_metrics"]["functions"])
    if (f["name"] == name) return &f;
  return nullptr;
}

TEST_F(ProfileCliTest, JsonReportHasEveryKeyAndExactCounts) {
  Result r = anarchy("profile --mode exact --quiet -o out.json fib.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "610\n");  // the program's output only
  EXPECT_EQ(r.err, "");  // --quiet: not even the line saying out.json was written
  Json report = Json::parse(read_file(dir_ / "out.json"));
  EXPECT_EQ(report["schema_version"], 2);
  for (const char* key :
       {"session", "time_metrics", "memory_metrics", "operation_metrics", "call_graph", "profiler"})
    EXPECT_TRUE(report.contains(key)) << key;
  const Json* fib = function_named(report, "m.fib");
  ASSERT_NE(fib, nullptr);
  EXPECT_EQ((*fib)["calls"], 1973);  // 2 * fib(16) - 1
  EXPECT_EQ((*fib)["file"], "fib.ai");
  EXPECT_EQ((*fib)["line"], 2);
  for (const char* key : {"duration_ms", "self_ms", "percentage"})
    EXPECT_TRUE(fib->contains(key)) << key;
  const Json& memory = report["memory_metrics"];
  for (const char* key :
       {"total_allocations", "total_allocation_bytes", "total_deallocations",
        "total_deallocation_bytes", "peak_memory_bytes", "objects_by_type", "refcount_histogram",
        "gc_collections", "gc_time_ms", "gc_reclaimed_bytes"})
    EXPECT_TRUE(memory.contains(key)) << key;
  EXPECT_GT(memory["live_objects_at_end"].get<int>(), 0);
  EXPECT_FALSE(memory["refcount_histogram"].empty());
  EXPECT_EQ(report["operation_metrics"]["calls_by_function"]["m.fib"], 1973);
  // The import, main, and what ran outside every guest frame (start-up and teardown).
  ASSERT_EQ(report["call_graph"]["children"].size(), 3u);
  EXPECT_EQ(report["call_graph"]["self_ns"], 0);
  bool outside = false;
  for (const Json& child : report["call_graph"]["children"])
    outside |= child["name"] == "<interpreter: start-up and teardown>";
  EXPECT_TRUE(outside) << report["call_graph"].dump().substr(0, 1000);
  EXPECT_GT(report["profiler"]["span_cost_ns"].get<double>(), 0.0);
  EXPECT_EQ(report["session"]["exit_status"], 0);
}

TEST_F(ProfileCliTest, WithoutOutputTheTextReportGoesToStderr) {
  Result r = anarchy("profile --mode exact fib.ai");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "610\n");
  EXPECT_EQ(r.err.rfind("=== Anarchy Inference Profiling Report ===", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("Call Graph:"), std::string::npos);
  EXPECT_NE(r.err.find("m.fib"), std::string::npos);
}

TEST_F(ProfileCliTest, EveryOutputIsWrittenInItsFormat) {
  Result r = anarchy("profile --mode exact -o a.json --output b.txt fib.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NO_THROW(Json::parse(read_file(dir_ / "a.json")));
  EXPECT_EQ(read_file(dir_ / "b.txt").rfind("=== Anarchy", 0), 0u);
}

TEST_F(ProfileCliTest, AFailingProgramKeepsItsStatusAndStillGetsAReport) {
  write("fail.ai",
        "m{\n  boom(){ return 1 / 0; }\n  main(){ print(\"before\"); boom(); return 0; }\n}\n");
  Result r = anarchy("profile --mode exact -o out.json fail.ai");
  EXPECT_EQ(r.status, 70);
  EXPECT_EQ(r.out, "before\n");
  EXPECT_NE(r.err.find("division by zero"), std::string::npos);
  Json report = Json::parse(read_file(dir_ / "out.json"));
  EXPECT_EQ(report["session"]["exit_status"], 70);
  EXPECT_EQ((*function_named(report, "m.boom"))["calls"], 1);
}

TEST_F(ProfileCliTest, ArgumentsAfterTheFileGoToTheProgram) {
  write("args.ai", "m{ main(args){ return Number(args[0]) + args.length; } }\n");
  EXPECT_EQ(anarchy("profile --mode exact -o out.json args.ai 40 -o x").status,
            43);  // 40 + three arguments
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(ProfileCliTest, ConfigFileSetsOptionsAndFlagsWin) {
  write("module.toml", "granularity = \"module\"\n[time_profiling]\nprecision = \"nanoseconds\"\n");
  Json by_config = (anarchy("profile --mode exact --config module.toml -o c.json fib.ai"),
                    Json::parse(read_file(dir_ / "c.json")));
  EXPECT_EQ(by_config["session"]["granularity"], "module");
  EXPECT_EQ(by_config["session"]["time_precision"], "nanoseconds");
  EXPECT_EQ(function_named(by_config, "m.fib"), nullptr);
  Json by_flag =
      (anarchy("profile --mode exact --config module.toml --granularity function -o f.json fib.ai"),
       Json::parse(read_file(dir_ / "f.json")));
  EXPECT_EQ(by_flag["session"]["granularity"], "function");
  EXPECT_NE(function_named(by_flag, "m.fib"), nullptr);
}

TEST_F(ProfileCliTest, JsonConfigWorksToo) {
  write(
      "cfg.json",
      R"({"mode": "exact", "output": {"max_call_stack_depth": 1}, "operation_profiling": {"enabled": false}})");
  ASSERT_EQ(anarchy("profile --config cfg.json -o out.json fib.ai").status, 0);
  Json report = Json::parse(read_file(dir_ / "out.json"));
  EXPECT_EQ(report["operation_metrics"]["measured"], false);
  EXPECT_EQ(report["profiler"]["max_call_stack_depth"], 1);
}

// --seed seeds Math.random as `anarchy run --seed` does: a seed repeats its numbers, another
// seed gives others, and the default is a fixed seed too (runs repeat).
TEST_F(ProfileCliTest, SeedSeedsMathRandomAsRunDoes) {
  write("random.ai", "m{ main(){ for (i = 0; i < 3; i++) { print(Math.random()); } return 0; } }\n");
  auto numbers = [&](const std::string& command) {
    Result r = anarchy(command);
    EXPECT_EQ(r.status, 0) << command << "\n" << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << command << "\n" << r.out;
    return r.out;
  };
  std::string seven = numbers("run --seed 7 random.ai");
  EXPECT_EQ(numbers("profile --seed 7 -o s.json random.ai"), seven);
  EXPECT_EQ(numbers("profile --mode exact --seed 7 -o s.json random.ai"), seven);
  EXPECT_NE(numbers("profile --mode exact --seed 8 -o s.json random.ai"), seven);
  EXPECT_EQ(numbers("profile --mode exact -o s.json random.ai"), numbers("run random.ai"));
  expect_usage_error("profile --seed soon random.ai", "--seed");
}

// Every --label reaches every report that has a place for it: JSON session.labels, the text
// report's header, the HTML page. A value may hold '='; a repeated key keeps its last value.
TEST_F(ProfileCliTest, LabelsReachEveryReport) {
  for (const char* mode : {"exact", "sampling"}) {
    SCOPED_TRACE(mode);
    for (const char* file : {"l.json", "l.txt", "l.html"}) fs::remove(dir_ / file);
    Result r = anarchy(std::string("profile --mode ") + mode +
                       " --label env=prod --label query=a=b --label env=test"
                       " -o l.json -o l.txt -o l.html fib.ai");
    ASSERT_EQ(r.status, 0) << r.err;
    Json labels = Json::parse(read_file(dir_ / "l.json"))["session"]["labels"];
    EXPECT_EQ(labels, Json({{"env", "test"}, {"query", "a=b"}})) << labels.dump();
    std::string text = unwrapped(read_file(dir_ / "l.txt"));
    EXPECT_NE(text.find("Label: env=test\n"), std::string::npos) << text;
    EXPECT_NE(text.find("Label: query=a=b\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("env=prod"), std::string::npos) << text;
    EXPECT_NE(read_file(dir_ / "l.html").find("env=test"), std::string::npos);
  }
  Result none = anarchy("profile --mode exact -o n.json fib.ai");
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(Json::parse(read_file(dir_ / "n.json"))["session"]["labels"], Json::object());
  expect_usage_error("profile --label =v fib.ai", "--label must be key=value");
}

TEST_F(ProfileCliTest, CompensateAndMinDurationShowInTheReport) {
  ASSERT_EQ(
      anarchy("profile --mode exact --compensate --min-duration 1s -o out.json fib.ai").status, 0);
  Json report = Json::parse(read_file(dir_ / "out.json"));
  EXPECT_EQ(report["profiler"]["compensated"], true);
  EXPECT_GT(report["profiler"]["filtered_spans"].get<int>(), 1973);
  EXPECT_EQ(report["profiler"]["min_duration_ms"], 1000.0);
}

TEST_F(ProfileCliTest, BadInputIsAOneLineUsageError) {
  expect_usage_error("profile --mode exact -o out.xyz fib.ai", "out.xyz");
  expect_usage_error("profile --mode exact --bogus fib.ai", "bogus");
  expect_usage_error("profile --rate 0 fib.ai", "sampling rate");
  expect_usage_error("profile --rate fast fib.ai", "--rate");
  expect_usage_error("profile --clock sundial fib.ai", "--clock");
  expect_usage_error("profile --label nokey fib.ai", "--label");
  expect_usage_error("profile --max-stack 0 fib.ai", "max_stack");
  expect_usage_error("profile --mode fast fib.ai", "--mode");
  expect_usage_error("profile --mode exact --granularity line fib.ai", "--granularity");
  expect_usage_error("profile --mode exact --min-duration soon fib.ai", "--min-duration");
  expect_usage_error("profile --mode exact -o missing/out.json fib.ai", "missing/out.json");
  write("unknown.toml", "[time_profiling]\nspeed = 3\n");
  expect_usage_error("profile --mode exact --config unknown.toml fib.ai",
                     "'time_profiling.speed' is not an option");
  write("type.toml", "[memory_profiling]\nenabled = \"yes\"\n");
  expect_usage_error("profile --mode exact --config type.toml fib.ai",
                     "'memory_profiling.enabled' must be true or false");
  write("broken.toml", "[time_profiling\nenabled = true\n");
  expect_usage_error("profile --mode exact --config broken.toml fib.ai", "not valid TOML");
  write("broken.json", "{\"mode\": ");
  expect_usage_error("profile --mode exact --config broken.json fib.ai", "not valid JSON");
  expect_usage_error("profile --mode exact --config absent.toml fib.ai", "cannot read");
  expect_usage_error("profile --mode exact absent.ai", "cannot read 'absent.ai'");
  EXPECT_FALSE(fs::exists(dir_ / "out.xyz"));
  EXPECT_FALSE(fs::exists(dir_ / "out.json"));
}

}  // namespace

// ---- sampling and hybrid modes (issue 4, the hybrid check of issue 5) ----

// Functions doing 1 and 3 shares of identical work; main's own work is negligible.
constexpr const char* kKnownShares =
    "m{\n"
    "  work(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }\n"
    "  quarter(){ return work(20000); }\n"
    "  threequarters(){ return work(60000); }\n"
    "  main(){ t = 0; for (k = 0; k < 25; k++) { t = t + quarter() + threequarters(); }\n"
    "    print(t); return 0; }\n"
    "}\n";

TEST_F(ProfileCliTest, SamplingIsTheDefaultModeAndReportsWhatItDelivered) {
  write("shares.ai", kKnownShares);
  Result r = anarchy("profile -o s.json shares.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json report = Json::parse(read_file(dir_ / "s.json"));
  EXPECT_EQ(report["session"]["mode"], "sampling");
  const Json& s = report["sampling"];
  ASSERT_TRUE(s.is_object()) << report.dump();
  EXPECT_EQ(s["rate_requested_hz"], 1000.0);
  EXPECT_EQ(s["clock"], "cpu");
  // Breakage, not noise: the program runs ~100-250 ms of CPU here, so a working sampler takes
  // 100-250 samples; with the machine loaded by other processes the sampling thread was seen
  // starved to 87 samples (482 Hz). A sampler that does not run takes none. How close samples
  // come to the rate under load is a benchmark's question, not a unit test's (issue 13, 1).
  EXPECT_GT(s["samples"].get<int>(), 20);
  EXPECT_GT(s["rate_delivered_hz"].get<double>(), 50.0);
  EXPECT_EQ(s["dropped_samples"], 0);
  EXPECT_EQ(s["truncated_stacks"], 0);
}

// How samples are taken is chosen (a sampling thread where there is a core to spare and no
// native frames are wanted), can be asked for, and is reported.
TEST_F(ProfileCliTest, TheDeliveryIsChosenAskedForAndReported) {
  write("shares.ai", kKnownShares);
  cpu_set_t cpus;
  ASSERT_EQ(sched_getaffinity(0, sizeof cpus, &cpus), 0);
  const char* automatic = CPU_COUNT(&cpus) >= 2 ? "thread" : "signal";
  auto delivery_of = [&](const std::string& flags) -> std::string {
    fs::remove(dir_ / "d.json");  // each run must write its own report, not find the last one
    Result r = anarchy("profile " + flags + " -o d.json shares.ai");
    EXPECT_EQ(r.status, 0) << r.err;
    if (!fs::exists(dir_ / "d.json")) return "(no report written)";
    return Json::parse(read_file(dir_ / "d.json"))["sampling"]["delivery"].get<std::string>();
  };
  EXPECT_EQ(delivery_of(""), automatic);
  EXPECT_EQ(delivery_of("--delivery signal"), "signal");
  EXPECT_EQ(delivery_of("--native"), "signal");
  EXPECT_EQ(delivery_of("--delivery thread"), "thread");
  write("signal.toml", "[sampling]\ndelivery = \"signal\"\n");
  EXPECT_EQ(delivery_of("--config signal.toml"), "signal");
  Result text = anarchy("profile --verbose --delivery thread shares.ai");  // internals: --verbose
  EXPECT_NE(unwrapped(text.err).find(", thread delivery"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("samples taken by a sampling thread"), std::string::npos) << text.err;
  expect_usage_error("profile --delivery thread --native shares.ai", "native frames need signal");
  expect_usage_error("profile --delivery timer shares.ai", "--delivery must be auto, signal or thread");
}

// Native PCs are named by a helper process (`anarchy __aiprof-namer`, the same binary), which
// answers module + offset look-ups; the report says so, and the names are the interpreter's.
TEST_F(ProfileCliTest, NativeFramesAreNamedByAHelperProcess) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "no native unwinding under ThreadSanitizer (see signal_handler.cpp)";
#endif
  write("shares.ai", kKnownShares);
  Result r = anarchy("profile --native --clock wall --rate 2000 -o n.json -o n.folded shares.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json report = Json::parse(read_file(dir_ / "n.json"));
  bool named_by_helper = false;
  for (const Json& note : report["profiler"]["notes"])
    named_by_helper |= note.get<std::string>().find("named by a helper process") != std::string::npos;
  EXPECT_TRUE(named_by_helper) << report["profiler"]["notes"].dump();
  EXPECT_NE(read_file(dir_ / "n.folded").find("m.work;anarchy::"), std::string::npos)
      << read_file(dir_ / "n.folded");
  // The helper itself answers "0" to what it cannot name, and stops at the end of its input.
  write("requests.txt", "not a request\n12 /no/such/module.so\n");
  Result helper = anarchy("__aiprof-namer < requests.txt");
  EXPECT_EQ(helper.status, 0) << helper.err;
  EXPECT_EQ(helper.out, "0\n0\n");
}

TEST_F(ProfileCliTest, TheSamplingTextReportRanksFunctionsBySamples) {
  write("shares.ai", kKnownShares);
  Result r = anarchy("profile --mode sampling --rate 2000 --clock wall shares.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("\nSampler: 2000 Hz asked, "), std::string::npos) << r.err;
  size_t table = r.err.find("Top Functions (by self samples");
  ASSERT_NE(table, std::string::npos) << r.err;
  size_t first_row = r.err.find('\n', r.err.find('\n', table) + 1) + 1;  // after the headings
  std::string row = r.err.substr(first_row, r.err.find('\n', first_row) - first_row);
  EXPECT_NE(row.find("  m.work  "), std::string::npos) << r.err;
  // The Sampler line wraps at 100 columns when it says more (a short rate, merged periods).
  std::string text = unwrapped(r.err);
  EXPECT_NE(text.find(" dropped, "), std::string::npos) << r.err;
  EXPECT_NE(text.find("; cost "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Sampler cost:"), std::string::npos);  // an internal: --verbose
}

TEST_F(ProfileCliTest, DeepRecursionIsTruncatedAndCounted) {
  write("deep.ai",
        "m{\n  down(n){ if (n == 0) { s = 0; for (i = 0; i < 300000; i++) { s = s + i; } return s; }\n"
        "    return down(n - 1); }\n  main(){ print(down(100)); return 0; }\n}\n");
  Result r = anarchy("profile --clock wall --max-stack 16 -o d.json deep.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json s = Json::parse(read_file(dir_ / "d.json"))["sampling"];
  EXPECT_GT(s["truncated_stacks"].get<int>(), 0);
}

// The shares of a call path under main: exact (of the exact total) and sampled (of the samples
// beneath the root), from the lossless nodes of a JSON report.
namespace {
struct Shares {
  double exact = -1, sampled = -1;
};
Shares shares_of(const Json& report, const std::string& function) {
  const Json& nodes = report["nodes"];
  double exact_total = 0, sampled_total = 0;
  for (const Json& c : nodes[0]["children"]) {
    exact_total += nodes[c.get<size_t>()]["inclusive_ns"].get<double>();
    sampled_total += nodes[c.get<size_t>()]["samples_inclusive"].get<double>();
  }
  for (const Json& n : nodes)
    if (report["frames"][n["frame"].get<size_t>()]["name"] == function)
      return {n["inclusive_ns"].get<double>() / exact_total,
              n["samples_inclusive"].get<double>() / sampled_total};
  return {};
}
}  // namespace

// 1:3 shares, measured both ways. The bounds catch breakage (a share lost, doubled, swapped),
// not noise: the machine running the tests is loaded. Whether the merger flags nothing is a
// statistical claim (each run may flag by chance, and a loaded machine stalls the sampler):
// bench/hybrid_agreement.py counts flags over many runs; here only that the shares were judged,
// with the correction named, either way.
TEST_F(ProfileCliTest, HybridOnKnownSharesMeasuresBothWays) {
  write("shares.ai", kKnownShares);
  Result r = anarchy("profile --mode hybrid -o h.txt -o h.json shares.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string text = unwrapped(read_file(dir_ / "h.txt"));
  EXPECT_NE(text.find("Top Functions (by exact self time; ~: sampled 95% intervals"),
            std::string::npos);
  EXPECT_TRUE(text.find("exact and sampled shares agree on every node judged") != std::string::npos ||
              text.find("DISAGREE") != std::string::npos)
      << text;
  EXPECT_NE(text.find("Holm-Bonferroni"), std::string::npos) << text;
  Json report = Json::parse(read_file(dir_ / "h.json"));
  Shares quarter = shares_of(report, "m.quarter"), rest = shares_of(report, "m.threequarters");
  EXPECT_NEAR(quarter.exact, 0.25, 0.10);
  EXPECT_NEAR(quarter.sampled, 0.25, 0.10);
  EXPECT_NEAR(rest.exact, 0.75, 0.10);
  EXPECT_NEAR(rest.sampled, 0.75, 0.10);
}

// Two halves of every millisecond, in step with a 1000 Hz timer: the samples land in one half.
// Nothing the run knows explains it: the stated cause says so and suggests --jitter. (On a
// loaded machine the sampling thread may miss as many periods as the gap; then "sampler stalls"
// is as good an explanation as the data allows, and is accepted too.) The premise needs the
// timer to keep step: under a load of 20 the sampler delivered 210 of 1000 Hz and the program,
// running late, spent 91% in m.first, so both sides agreed there. A run whose delivered rate is
// under 90% of the asked one is retried, and after three such runs the test is skipped, saying
// why: it cannot judge that run, which is not a failure of the code under test.
TEST_F(ProfileCliTest, HybridFlagsAProgramInLockStepWithTheTimer) {
  write("lockstep.ai",
        "m{\n  busy(until){ while (clock() < until) {} return 0; }\n"
        "  first(until){ return busy(until); }\n  second(until){ return busy(until); }\n"
        "  main(){ p = 0.001; t = clock(); for (i = 0; i < 1500; i++) {\n"
        "    first(t + p / 2); second(t + p); t = t + p; } return 0; }\n}\n");
  double delivered = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result r = anarchy("profile --mode hybrid --rate 1000 -o l.txt -o l.json lockstep.ai");
    ASSERT_EQ(r.status, 0) << r.err;
    delivered = Json::parse(read_file(dir_ / "l.json"))["sampling"]["rate_delivered_hz"];
    if (delivered >= 900) break;
  }
  if (delivered < 900)
    GTEST_SKIP() << "the sampler delivered " << delivered
                 << " of 1000 Hz in three runs (a loaded machine): the lockstep premise does not hold";
  std::string text = unwrapped(read_file(dir_ / "l.txt"));
  EXPECT_NE(text.find("DISAGREE"), std::string::npos) << text;
  size_t note = text.find("disagreement at m.first");
  ASSERT_NE(note, std::string::npos) << text;
  std::string cause = text.substr(note, text.find('\n', note) - note);
  EXPECT_TRUE(cause.find("likely cause: unexplained") != std::string::npos ||
              cause.find("likely cause: sampler stalls") != std::string::npos)
      << cause;
}

// Time the exact side cannot see: --min-duration drops the short calls of work (the long ones
// stay), so its exact share is its long calls' while the samples count every call. On the CPU
// clock, so a short call preempted on the loaded machine does not outlast the limit.
TEST_F(ProfileCliTest, HybridNamesSpansDroppedByMinDurationAsTheCause) {
  write("filtered.ai",
        "m{\n  work(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }\n"
        "  main(){ t = 0; for (k = 0; k < 10; k++) {\n"
        "    for (j = 0; j < 10000; j++) { t = t + work(30); }\n"
        "    t = t + work(100000); } print(t); return 0; }\n}\n");
  Result r =
      anarchy("profile --mode hybrid --clock cpu --min-duration 1ms -o f.txt -o f.json filtered.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string text = unwrapped(read_file(dir_ / "f.txt"));
  size_t note = text.find("disagreement at m.work");
  ASSERT_NE(note, std::string::npos) << text;
  EXPECT_NE(text.find("likely cause: spans filtered by min_duration", note), std::string::npos) << text;
  Json report = Json::parse(read_file(dir_ / "f.json"));
  EXPECT_GT(report["profiler"]["filtered_spans"].get<int>(), 0);
  Shares work = shares_of(report, "m.work");
  EXPECT_GT(work.sampled, work.exact + 0.2) << text;
}

// Ctrl-C stops the program; the reports are complete and say so.
TEST_F(ProfileCliTest, SigintStillWritesCompleteReports) {
  write("forever.ai", "m{\n  spin(){ s = 0; for (i = 0; i < 1000; i++) { s = s + i; } return s; }\n"
                      "  main(){ while (true) { spin(); } return 0; }\n}\n");
  std::string command = "cd '" + dir_.string() + "' && ( '" + ANARCHY_BIN +
                        "' profile -o i.json -o i.txt forever.ai 2>err.txt & pid=$!; sleep 1; "
                        "kill -INT $pid; wait $pid )";
  int raw = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(raw), 130);
  Json report = Json::parse(read_file(dir_ / "i.json"));
  EXPECT_EQ(report["session"]["exit_status"], 130);
  EXPECT_GT(report["sampling"]["samples"].get<int>(), 10);
  EXPECT_NE(read_file(dir_ / "i.txt").find("interrupted (SIGINT)"), std::string::npos);
}

TEST_F(ProfileCliTest, TheConfigFileSetsTheSampler) {
  write("sampling.toml", "[sampling]\nrate = 2000\nclock = \"wall\"\nmax_stack = 64\n");
  Result r = anarchy("profile --config sampling.toml -o c.json fib.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json s = Json::parse(read_file(dir_ / "c.json"))["sampling"];
  EXPECT_EQ(s["rate_requested_hz"], 2000.0);
  EXPECT_EQ(s["clock"], "wall");
  EXPECT_EQ(s["max_stack"], 64);
  write("bad_rate.toml", "[sampling]\nrate = 0\n");
  expect_usage_error("profile --config bad_rate.toml fib.ai", "'sampling.rate' must be a rate");
  write("bad_key.toml", "[sampling]\nspeed = 3\n");
  expect_usage_error("profile --config bad_key.toml fib.ai", "'sampling.speed' is not an option");
}

// ---- the command line (issue 19, 1 and 2) ----

// main returns its first argument plus the number of arguments.
constexpr const char* kCountArgs = "m{ main(args){ return Number(args[0]) + args.length; } }\n";

TEST_F(ProfileCliTest, TheFirstDoubleDashAfterTheFileIsNotPassedOn) {
  write("count.ai", kCountArgs);
  for (const char* mode : {"exact", "sampling", "hybrid"}) {
    Result r = anarchy(std::string("profile -q --mode ") + mode + " -o out.json count.ai -- 40");
    EXPECT_EQ(r.status, 41) << mode << "\n" << r.err;  // ["40"], not ["--", "40"]
  }
}

TEST_F(ProfileCliTest, ProfileOptionsAfterTheFileAreNamedInAWarning) {
  Result r = anarchy("profile -o out.json fib.ai --mode exact");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("anarchy profile: warning: '--mode' after FILE is passed to the program, "
                       "not to anarchy profile"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Json::parse(read_file(dir_ / "out.json"))["session"]["mode"], "sampling");
  Result meant = anarchy("profile -o out.json fib.ai -- --mode exact");
  EXPECT_EQ(meant.err.find("warning"), std::string::npos) << meant.err;
}

TEST_F(ProfileCliTest, EachReportWrittenIsAnnouncedWithHowToOpenIt) {
  Result r = anarchy("profile --mode exact -o a.json -o a.html -o a.pb.gz fib.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "610\n");
  EXPECT_EQ(r.err,
            "anarchy profile: wrote a.json: JSON report (lossless); turn it into any format "
            "with: anarchy report a.json -o OUT\n"
            "anarchy profile: wrote a.html: HTML report; open it in a web browser (it works "
            "offline)\n"
            "anarchy profile: wrote a.pb.gz: pprof profile; explore it with: go tool pprof "
            "-http=localhost:8080 a.pb.gz\n");
  Result quiet = anarchy("profile --mode exact --quiet -o a.json fib.ai");
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
}

TEST_F(ProfileCliTest, AProgramThatNeverRanGetsItsErrorAndNoReport) {
  write("syntax.ai", "m{ main(){ return 1 +; } }\n");
  write("imports.ai", "import \"absent.ai\";\nm{ main(){ return 0; } }\n");
  for (const char* mode : {"exact", "sampling", "hybrid"}) {
    for (const char* file : {"syntax.ai", "imports.ai"}) {
      std::string args = std::string("profile --mode ") + mode + " -o out.json " + file;
      Result r = anarchy(args);
      EXPECT_EQ(r.status, std::string(file) == "syntax.ai" ? 65 : 70) << args << "\n" << r.err;
      EXPECT_NE(r.err.find(std::string(file) == "syntax.ai" ? "SyntaxError" : "ImportError"),
                std::string::npos)
          << args << "\n" << r.err;
      EXPECT_EQ(r.err.find("wrote"), std::string::npos) << args << "\n" << r.err;
      EXPECT_FALSE(fs::exists(dir_ / "out.json")) << args;
      Result text = anarchy(std::string("profile --mode ") + mode + " " + file);  // no -o
      EXPECT_EQ(text.err.find("==="), std::string::npos) << args << "\n" << text.err;
      EXPECT_EQ(text.err.find("no samples"), std::string::npos) << args << "\n" << text.err;
    }
  }
  fs::create_directories(dir_ / "src");
  expect_usage_error("profile -o out.json src", "cannot read 'src': it is a directory");
  EXPECT_FALSE(fs::exists(dir_ / "out.json"));
}

TEST_F(ProfileCliTest, ARunTooShortToSampleSuggestsExactModeOrARate) {
  write("tiny.ai", "m{ main(){ return 0; } }\n");  // well under 10 periods of 1 ms
  Result r = anarchy("profile -q -o out.json tiny.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("anarchy profile: no samples in a run of "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("use --mode exact to time every call, or raise --rate"), std::string::npos)
      << r.err;
  EXPECT_EQ(anarchy("profile -q --mode exact -o out.json tiny.ai").err, "");  // nothing to say
}
