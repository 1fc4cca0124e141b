// `anarchy report` driven as a user drives it: the real binary on real profiles. Every format
// made from the JSON equals the one `anarchy profile` wrote in the same run (the JSON is
// lossless); diff prints its headline, rule and rows, and refuses profiles that measured
// differently; bad inputs are one line, exit 2, and no file written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

class ReportCliTest : public test_support::AnarchyFolderTest {
 protected:
  void SetUp() override {
    AnarchyFolderTest::SetUp();
    write("fib.ai",
          "m{\n  fib(n){ if (n < 2) return n; return fib(n - 1) + fib(n - 2); }\n"
          "  main(){ print(fib(12)); return 0; }\n}\n");
  }

  void profile_fib() const {
    Result r = anarchy("profile --mode exact -o fib.json fib.ai");
    ASSERT_EQ(r.status, 0) << r.err;
  }

  // A usage error (exit 2, one line on stderr saying `says`) with nothing on stdout, and
  // `must_not_exist` not written.
  void expect_refused(const std::string& args, const std::string& says,
                      const std::string& must_not_exist = "") const {
    Result r = expect_usage_error(args, says);
    EXPECT_EQ(r.out, "") << args;
    if (!must_not_exist.empty()) {
      EXPECT_FALSE(exists(must_not_exist)) << args;
    }
  }
};

// The same run written directly and through the JSON: byte for byte the same in every format.
TEST_F(ReportCliTest, EveryFormatFromTheJsonEqualsTheDirectOne) {
  const std::vector<std::string> extensions = {"txt",        "json", "folded", "speedscope.json",
                                               "trace.json", "html", "pb.gz"};
  std::string outputs;
  for (const std::string& e : extensions) outputs += " -o direct." + e;
  ASSERT_EQ(anarchy("profile --mode exact" + outputs + " fib.ai").status, 0);
  for (const std::string& e : extensions) {
    Result r = anarchy("report direct.json -o again." + e);
    ASSERT_EQ(r.status, 0) << e << ": " << r.err;
    EXPECT_EQ(r.out + r.err, "");
    EXPECT_EQ(file("again." + e), file("direct." + e)) << e;
  }
}

TEST_F(ReportCliTest, TextOnStdoutWithoutOutputAndFormatOverridesTheExtension) {
  profile_fib();
  Result text = anarchy("report fib.json");
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("=== Anarchy Inference Profiling Report ==="), std::string::npos);
  Result json = anarchy("report --format json fib.json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_EQ(json.out, file("fib.json"));
  ASSERT_EQ(anarchy("report -o fib.out --format json fib.json").status, 0);  // option first
  EXPECT_EQ(file("fib.out"), file("fib.json"));
}

// What diff prints on real profiles; whether it flags the right rows on real runs is
// diff_accuracy_test's (labelled accuracy: it can fail by machine load).
TEST_F(ReportCliTest, DiffPrintsTheHeadlineTheRuleAndEveryFunction) {
  profile_fib();
  Result table = anarchy("report diff fib.json fib.json");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("Base: 1 run (exact, function granularity, wall clock)\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("\nTotal time "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("\nWall time "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("3x or more"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("\nm.fib "), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("yes ("), std::string::npos) << table.out;  // the same file
  Result json = anarchy("report diff fib.json fib.json fib.json --new fib.json fib.json --json");
  ASSERT_EQ(json.status, 0) << json.err;
  Json diff = Json::parse(json.out);
  EXPECT_EQ(diff["method"], "runs");
  EXPECT_EQ(diff["base"]["runs"], 3);
  EXPECT_EQ(diff["new"]["runs"], 2);
  ASSERT_FALSE(diff["functions"].empty());
  EXPECT_EQ(diff["functions"][0]["base_runs_ms"].size(), 3u);
}

// Profiles that measured differently are refused, in one line; --force compares them, loudly.
TEST_F(ReportCliTest, DiffRefusesProfilesThatDoNotCompare) {
  profile_fib();
  ASSERT_EQ(anarchy("profile --mode sampling -o fib_sampled.json fib.ai").status, 0);
  expect_refused("report diff fib.json fib_sampled.json -o d.folded",
                 "'fib.json' is exact, function granularity, wall clock but 'fib_sampled.json' is "
                 "sampling, cpu clock: their times do not compare (--force to diff them anyway)",
                 "d.folded");
  expect_refused("report diff fib.json fib.json --new fib_sampled.json", "--force");
  Result forced = anarchy("report diff --force fib.json fib_sampled.json");
  EXPECT_EQ(forced.status, 0) << forced.err;
  EXPECT_NE(forced.err.find("warning: compared anyway (--force): 'fib.json' is exact"),
            std::string::npos)
      << forced.err;
  EXPECT_NE(forced.out.find("WARNING: compared anyway (--force)"), std::string::npos) << forced.out;
  EXPECT_NE(forced.out.find("exact against sampled times"), std::string::npos) << forced.out;
}

TEST_F(ReportCliTest, MergeSumsRunsIntoOneReadableReport) {
  profile_fib();
  Result r = anarchy("report merge fib.json fib.json -o all.json -o all.txt");
  ASSERT_EQ(r.status, 0) << r.err;
  Json all = Json::parse(file("all.json"));
  Json one = Json::parse(file("fib.json"));
  EXPECT_EQ(all["session"]["duration_ns"], 2 * one["session"]["duration_ns"].get<uint64_t>());
  EXPECT_EQ(all["profiler"]["notes"][0], "merged 2 profiles: fib.json, fib.json");
  EXPECT_NE(file("all.txt").find("merged 2 profiles"), std::string::npos);
  Result again = anarchy("report all.json");
  EXPECT_EQ(again.status, 0) << again.err;
}

TEST_F(ReportCliTest, BadInputsAreOneLineAndWriteNothing) {
  profile_fib();
  std::string good = file("fib.json");
  write("cut.json", good.substr(0, good.size() / 2));
  write("corrupt.json", "{\"schema_version\": 2,, }");
  Json old = Json::parse(good);
  old["schema_version"] = 1;
  write("old.json", old.dump());
  expect_refused("report none.json -o out.txt", "cannot read 'none.json': No such file", "out.txt");
  expect_refused("report cut.json -o out.txt",
                 "'cut.json' is not valid JSON (truncated or corrupt?) at byte", "out.txt");
  expect_refused("report corrupt.json -o out.txt", "'corrupt.json' is not valid JSON", "out.txt");
  expect_refused("report old.json -o out.txt",
                 "'old.json': schema_version is 1, but this anarchy reads 2", "out.txt");
  expect_refused("report fib.json --bogus", "--bogus");
  expect_refused("report fib.json -o out.yaml", "cannot tell the report format of 'out.yaml'",
                 "out.yaml");
  expect_refused("report fib.json -o out.txt --format yaml", "--format must be one of", "out.txt");
  expect_refused("report fib.json -o missing/out.txt", "folder 'missing' does not exist");
  expect_refused("report", "give a JSON report to convert");
  expect_refused("report merge fib.json cut.json -o all.json", "'cut.json' is not valid JSON",
                 "all.json");
  expect_refused("report diff fib.json old.json -o d.folded", "'old.json': schema_version is 1",
                 "d.folded");
  expect_refused("report diff fib.json", "give BASE.json NEW.json, or several runs a side");
  expect_refused("report diff fib.json fib.json fib.json", "(3 files given)");
  expect_refused("report diff --new fib.json", "give the base runs before --new");
}

TEST_F(ReportCliTest, ProgramArgumentSplittingLeavesReportAlone) {
  profile_fib();
  // `profile` hands what follows its FILE to the program; `report` must not.
  Result r = anarchy("report fib.json -o out.txt");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(exists("out.txt"));
  Result d = anarchy("report diff fib.json fib.json");
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.out.find("m.fib"), std::string::npos);
}

}  // namespace
