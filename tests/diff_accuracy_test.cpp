// `anarchy report diff` on real runs (issue 19, item 6): 10 A/A pairs of one program flag
// nothing, in exact and in sampling mode, one run a side and several, while a variant whose
// `work` does 3x the work is flagged, alone. The A/A tolerance is the rule itself (diff.hpp):
// nothing here loosens it. Real runs vary with the machine's load, so this test is labelled
// `accuracy` and runs alone (tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test_support::read_file;
using test_support::Result;

// `work` does `factor` times the work of `other`; `build` makes cycles for the collector.
// `rounds` sets the length (sampling needs a few hundred samples per function).
std::string program(int factor, int rounds) {
  return "m{\n"
         "  work(n){ s = 0; for (i = 0; i < " +
         std::to_string(factor) +
         " * n; i++) { s = s + i % 7; } return s; }\n"
         "  other(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 5; } return s; }\n"
         "  build(n){ out = []; for (i = 0; i < n; i++) { a = {v: i}; b = {p: a}; a.q = b;\n"
         "    out.push(a); } return len(out); }\n"
         "  main(){ t = 0; for (k = 0; k < " +
         std::to_string(rounds) +
         "; k++) { t = t + work(8000) + other(8000) + build(1000); }\n"
         "    print(t); return 0; }\n"
         "}\n";
}

// Pins this process, and the programs it starts, to its first allowed CPU while alive: virtual
// CPUs can differ in speed (two here ran 1.75x apart).
class OnOneCpu {
 public:
  OnOneCpu() {
    sched_getaffinity(0, sizeof saved_, &saved_);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &saved_)) {
        CPU_SET(cpu, &one);
        break;
      }
    sched_setaffinity(0, sizeof one, &one);
  }
  ~OnOneCpu() { sched_setaffinity(0, sizeof saved_, &saved_); }
  OnOneCpu(const OnOneCpu&) = delete;
  OnOneCpu& operator=(const OnOneCpu&) = delete;

 private:
  cpu_set_t saved_;
};

class DiffAccuracyTest : public test_support::AnarchyFolderTest {
 protected:
  void SetUp() override {
    AnarchyFolderTest::SetUp();
    for (const char* sub : {"same", "slow"}) fs::create_directories(dir_ / sub);
  }

  // The program in same/ and its 3x-work variant in slow/, both named prog.ai so both
  // profiles name the program alike.
  void write_programs(int rounds) const {
    std::ofstream(dir_ / "same" / "prog.ai") << program(1, rounds);
    std::ofstream(dir_ / "slow" / "prog.ai") << program(3, rounds);
  }

  // Profiles the program of folder `in` into NAME.json (CPU clock: a busy machine's waits
  // would land in whatever function ran).
  void profile(const std::string& flags, const std::string& in, const std::string& name) const {
    Result r = anarchy("profile " + flags + " --clock cpu -o ../" + name + ".json prog.ai", in);
    ASSERT_EQ(r.status, 0) << r.err;
  }

  // The names of the significant rows of `report diff ARGS --json`.
  std::vector<std::string> flagged(const std::string& args, std::string* table = nullptr) const {
    Result r = anarchy("report diff " + args + " --json");
    EXPECT_EQ(r.status, 0) << r.err;
    std::vector<std::string> names;
    if (r.status != 0) return names;
    Json diff = Json::parse(r.out);
    for (const Json& row : diff["functions"])
      if (row["significant"].get<bool>()) names.push_back(row["name"].get<std::string>());
    if (table) *table = anarchy("report diff " + args).out;
    return names;
  }

  uint64_t samples_of(const std::string& name) const {
    return Json::parse(read_file(dir_ / (name + ".json")))["sampling"]["samples"].get<uint64_t>();
  }
};

const std::vector<std::string> kWork = {"m.work"};

TEST_F(DiffAccuracyTest, ExactAaPairsFlagNothingAndTheSlowedFunctionIsFlagged) {
  OnOneCpu same_cpu;
  write_programs(20);
  for (int pair = 0; pair < 10; ++pair) {
    std::string a = "a" + std::to_string(pair), b = "b" + std::to_string(pair);
    profile("--mode exact", "same", a);
    profile("--mode exact", "same", b);
    std::string table;
    EXPECT_TRUE(flagged(a + ".json " + b + ".json", &table).empty()) << table;
  }
  profile("--mode exact", "slow", "slow");
  std::string table;
  EXPECT_EQ(flagged("a0.json slow.json", &table), kWork) << table;
  ASSERT_EQ(anarchy("report diff a0.json slow.json -o diff.folded").status, 0);
  EXPECT_NE(read_file(dir_ / "diff.folded").find("m.main;m.work "), std::string::npos);
}

TEST_F(DiffAccuracyTest, SampledAaPairsFlagNothingAndTheSlowedFunctionIsFlagged) {
  OnOneCpu same_cpu;
  write_programs(150);
  // Signal delivery: the sampling thread needs a core of its own, which a pinned run has not.
  const std::string flags = "--mode sampling --delivery signal";
  for (int pair = 0; pair < 10; ++pair) {
    std::string a = "a" + std::to_string(pair), b = "b" + std::to_string(pair);
    profile(flags, "same", a);
    profile(flags, "same", b);
    ASSERT_GT(samples_of(a), 300u) << "too few samples for the test to mean anything";
    std::string table;
    EXPECT_TRUE(flagged(a + ".json " + b + ".json", &table).empty()) << table;
  }
  profile(flags, "slow", "slow");
  std::string table;
  EXPECT_EQ(flagged("a0.json slow.json", &table), kWork) << table;
}

// The case: exact mode on the default (wall) clock, not pinned. Time spent waiting for
// a CPU lands in whatever function ran, so one run a side needs 3x and 30 ms here.
TEST_F(DiffAccuracyTest, WallClockAaPairsFlagNothing) {
  write_programs(20);
  for (int pair = 0; pair < 10; ++pair) {
    std::string a = "a" + std::to_string(pair), b = "b" + std::to_string(pair);
    for (const std::string& name : {a, b}) {
      Result r = anarchy("profile --mode exact -o ../" + name + ".json prog.ai", "same");
      ASSERT_EQ(r.status, 0) << r.err;
    }
    std::string table;
    EXPECT_TRUE(flagged(a + ".json " + b + ".json", &table).empty()) << table;
  }
}

// Three runs a side, interleaved (so a change of the machine's speed lands on both sides).
TEST_F(DiffAccuracyTest, ExactRunsAaFlagNothingAndTheSlowedFunctionIsFlagged) {
  OnOneCpu same_cpu;
  write_programs(20);
  for (int i = 0; i < 3; ++i) {
    profile("--mode exact", "same", "a" + std::to_string(i));
    profile("--mode exact", "same", "b" + std::to_string(i));
    profile("--mode exact", "slow", "s" + std::to_string(i));
  }
  std::string table;
  EXPECT_TRUE(flagged("a0.json a1.json a2.json --new b0.json b1.json b2.json", &table).empty())
      << table;
  EXPECT_NE(table.find("Welch's t-test across runs"), std::string::npos) << table;
  EXPECT_EQ(flagged("a0.json a1.json a2.json --new s0.json s1.json s2.json", &table), kWork)
      << table;
}

}  // namespace
