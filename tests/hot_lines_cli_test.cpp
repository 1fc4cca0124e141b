// Hot lines end to end (issue 18, section 1): `anarchy profile` on a program with one obviously
// hot line. The sampled views (JSON, text, folded --lines, pprof read by `go tool pprof -lines`
// and `-list`) name that line, and exact mode at expression granularity agrees on it.
// The hot line holds about 80% of the work, so the claims hold by a wide margin whatever the
// machine's load (CPU-clock samples over 1.5 s of CPU; the line's share is checked at half).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test_support::read_file;
using test_support::Result;
using test_support::run_anarchy;

constexpr uint32_t kHotLine = 7;
constexpr const char* kHotText = "acc = (acc * 31 + i % 17) % 1000003; acc = (acc * 7";

// Line 7 runs five statements of arithmetic per iteration; line 8 one cheap statement (and the
// loop's own condition and step, which the samples give to the last statement run).
std::string program(int iterations) {
  return "m{\n"                                                              // 1
         "  main(){\n"                                                       // 2
         "    n = " + std::to_string(iterations) + ";\n"                     // 3
         "    acc = 0;\n"                                                    // 4
         "    s = 0;\n"                                                      // 5
         "    for (i = 0; i < n; i++) {\n"                                   // 6
         "      acc = (acc * 31 + i % 17) % 1000003; acc = (acc * 7 + i % 13) % 1000003; "
         "acc = (acc * 5 + i % 11) % 1000003; acc = (acc * 3 + i % 7) % 1000003; "
         "acc = (acc * 17 + i % 5) % 1000003;\n"                             // 7
         "      s = s + 1;\n"                                                // 8
         "    }\n"                                                           // 9
         "    print(acc, s);\n"                                              // 10
         "    return 0;\n"                                                   // 11
         "  }\n"                                                             // 12
         "}\n";
}

class HotLinesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aiprof_hot_lines_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  Result anarchy(const std::string& args) const { return run_anarchy(dir_, dir_, args); }
  // Runs a shell command in the test folder; returns its output (stdout and stderr).
  std::string shell(const std::string& command, int* status) const {
    std::string out = (dir_ / "shell.txt").string();
    int raw = std::system(("cd '" + dir_.string() + "' && " + command + " >'" + out + "' 2>&1").c_str());
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return read_file(out);
  }

  fs::path dir_;
};

// Sampled: every view names the hot line first.
TEST_F(HotLinesCliTest, SampledViewsNameTheHotLine) {
  write("hot.ai", program(1500000));
  Result r = anarchy("profile --rate 1000 --lines -o hot.json -o hot.txt -o hot.folded "
                     "-o hot.pb.gz hot.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json json = Json::parse(read_file(dir_ / "hot.json"));
  uint64_t samples = json["nodes"][0]["samples_inclusive"];
  ASSERT_GE(samples, 50u) << "too few samples to judge";
  ASSERT_FALSE(json["hot_lines"].empty());
  const Json& top = json["hot_lines"][0];
  EXPECT_EQ(top["function"], "m.main");
  EXPECT_EQ(top["line"], kHotLine);
  EXPECT_GE(top["samples_self"].get<uint64_t>() * 2, samples) << json["hot_lines"].dump();

  std::string text = read_file(dir_ / "hot.txt");
  size_t table = text.find("Hot Lines");
  ASSERT_NE(table, std::string::npos) << text;
  size_t row = text.find("hot.ai:7 m.main", table);
  ASSERT_NE(row, std::string::npos) << text;
  EXPECT_NE(text.find(std::string(kHotText).substr(0, 30), row), std::string::npos) << text;

  std::string folded = read_file(dir_ / "hot.folded");
  EXPECT_NE(folded.find("m.main:7 "), std::string::npos) << folded;

  // The JSON report is lossless for lines: folded --lines from it is the same.
  ASSERT_EQ(anarchy("report hot.json --lines -o again.folded").status, 0);
  EXPECT_EQ(read_file(dir_ / "again.folded"), folded);
}

// pprof's own reader: -lines puts the hot line first, -list shows its source with samples.
TEST_F(HotLinesCliTest, GoToolPprofShowsTheHotLine) {
  write("hot.ai", program(1500000));
  ASSERT_EQ(anarchy("profile --rate 1000 -o hot.pb.gz hot.ai").status, 0);
  int status = 0;
  std::string go = shell("command -v go", &status);
  ASSERT_EQ(status, 0) << "go not found (install golang-go)";
  std::string top = shell("PPROF_TMPDIR=. go tool pprof -top -lines -sample_index=samples hot.pb.gz", &status);
  ASSERT_EQ(status, 0) << top;
  // The first row after the header names the hot line: "... m.main hot.ai:7".
  size_t header = top.find("flat%");
  ASSERT_NE(header, std::string::npos) << top;
  size_t first_row = top.find('\n', header) + 1;
  std::string row = top.substr(first_row, top.find('\n', first_row) - first_row);
  EXPECT_NE(row.find("m.main"), std::string::npos) << top;
  EXPECT_NE(row.find("hot.ai:7"), std::string::npos) << top;
  std::string list = shell("PPROF_TMPDIR=. go tool pprof -list 'm.main' -sample_index=samples hot.pb.gz", &status);
  ASSERT_EQ(status, 0) << list;
  // "   412    412      7:      acc = ...": figures, not dots, on the hot line.
  size_t at = list.find(std::string(kHotText).substr(0, 30));
  ASSERT_NE(at, std::string::npos) << list;
  std::string line = list.substr(list.rfind('\n', at) + 1, at - list.rfind('\n', at) - 1);
  EXPECT_NE(line.find(" 7:"), std::string::npos) << list;
  EXPECT_EQ(line.find(". "), std::string::npos) << "no samples on the hot line:\n" << list;
}

// Exact mode at expression granularity: the line whose expressions took most self time is the
// line the samples found hot.
TEST_F(HotLinesCliTest, ExactExpressionSitesAgreeWithTheSamples) {
  write("hot.ai", program(20000));
  Result r = anarchy("profile --mode exact --granularity expression -o exact.json hot.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  Json json = Json::parse(read_file(dir_ / "exact.json"));
  std::map<uint32_t, uint64_t> self_by_line;
  uint64_t all = 0;
  for (const Json& site : json["expression_sites"]) {
    if (site["function"] != "m.main") continue;
    self_by_line[site["line"].get<uint32_t>()] += site["self_ns"].get<uint64_t>();
    all += site["self_ns"].get<uint64_t>();
  }
  ASSERT_FALSE(self_by_line.empty()) << json["expression_sites"].dump();
  auto hottest = std::max_element(self_by_line.begin(), self_by_line.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_EQ(hottest->first, kHotLine);
  EXPECT_GE(hottest->second * 2, all);

  write("hot.ai", program(1500000));
  ASSERT_EQ(anarchy("profile --rate 1000 -o sampled.json hot.ai").status, 0);
  Json sampled = Json::parse(read_file(dir_ / "sampled.json"));
  ASSERT_FALSE(sampled["hot_lines"].empty());
  EXPECT_EQ(sampled["hot_lines"][0]["line"], hottest->first);
}

}  // namespace
