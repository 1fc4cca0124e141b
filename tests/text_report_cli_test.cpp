// The text report of real runs (issue 19, sections 3-4): every line of it fits 100 columns in
// each mode, --top and --verbose reach it from `anarchy profile` and `anarchy report`, and what
// ran outside every guest frame is named in every format instead of `<root>`.
#include <gtest/gtest.h>
#include <unistd.h>

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

// A log-parsing program (demo-like): a long function name, direct recursion 40+ deep, a
// built-in, tree recursion; about 0.2-0.5 s per mode in a debug build.
constexpr const char* kLogs =
    "m{\n"
    "  insertKeyIntoTheUnbalancedBinarySearchTreeOfRequestPathsKeepingCountsPerPath(node, key){\n"
    "    if (node == null) return {key: key, n: 1, left: null, right: null};\n"
    "    if (key == node.key) { node.n = node.n + 1; }\n"
    "    else if (key < node.key) { node.left = "
    "insertKeyIntoTheUnbalancedBinarySearchTreeOfRequestPathsKeepingCountsPerPath(node.left, key); }\n"
    "    else { node.right = "
    "insertKeyIntoTheUnbalancedBinarySearchTreeOfRequestPathsKeepingCountsPerPath(node.right, key); }\n"
    "    return node;\n"
    "  }\n"
    "  parseLine(i){\n"
    "    line = \"host\" + (i % 13) + \" GET /p/\" + ((i * 7919) % 997) + \" \" + (200 + i % 3);\n"
    "    return line.split(\" \");\n"
    "  }\n"
    "  fib(n){ if (n < 2) return n; return fib(n - 1) + fib(n - 2); }\n"
    "  main(){\n"
    "    root = null;\n"
    "    for (i = 0; i < 4000; i++) {\n"
    "      root = insertKeyIntoTheUnbalancedBinarySearchTreeOfRequestPathsKeepingCountsPerPath("
    "root, parseLine(i)[2]);\n"
    "    }\n"
    "    print(fib(17));\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

class TextReportCliTest : public test_support::AnarchyFolderTest {
 protected:
  void SetUp() override {
    AnarchyFolderTest::SetUp();
    write("logs.ai", kLogs);
  }
};

// Lines over 100 columns (code points; the report's box-drawing characters are one each).
std::string wide_lines(const std::string& text) {
  std::istringstream lines(text);
  std::string line, wide;
  while (std::getline(lines, line)) {
    size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (columns > 100) wide += line + "\n";
  }
  return wide;
}

TEST_F(TextReportCliTest, EveryLineOfARealRunsReportFitsOneHundredColumns) {
  for (const char* mode : {"sampling", "exact", "hybrid"}) {
    for (const char* verbose : {"", "--verbose "}) {
      std::string args = std::string("profile --quiet --clock wall -o r.txt --mode ") + mode +
                         " " + verbose + "logs.ai";
      Result r = anarchy(args);
      ASSERT_EQ(r.status, 0) << args << "\n" << r.err;
      std::string text = read_file(dir_ / "r.txt");
      ASSERT_NE(text.find("Top Functions"), std::string::npos) << args << "\n" << text;
      EXPECT_EQ(wide_lines(text), "") << args << "\n" << text;
      if (std::string(mode) != "sampling") {  // the recursion, 40+ deep, is one line
        EXPECT_NE(text.find("PerPath x"), std::string::npos) << args << "\n" << text;
      }
    }
  }
}

TEST_F(TextReportCliTest, TopAndVerboseReachTheTextReport) {
  Result r = anarchy("profile --mode exact --top 2 --verbose -o t.txt -o t.json logs.ai");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string text = read_file(dir_ / "t.txt");
  EXPECT_NE(text.find("Top Functions (by self time; 2 of "), std::string::npos) << text;
  EXPECT_NE(text.find("- Span cost: "), std::string::npos) << text;
  Result plain = anarchy("report t.json");
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_NE(plain.out.find("Top Functions (by self time; "), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("; 2 of "), std::string::npos) << plain.out;  // the default: 20
  EXPECT_EQ(plain.out.find("- Span cost: "), std::string::npos) << plain.out;
  Result one = anarchy("report --top 1 --verbose t.json");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find("Top Functions (by self time; 1 of "), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("- Span cost: "), std::string::npos) << one.out;
  Result merged = anarchy("report merge t.json t.json --top 3 --format text");
  ASSERT_EQ(merged.status, 0) << merged.err;
  EXPECT_NE(merged.out.find("; 3 of "), std::string::npos) << merged.out;
}

// What ran outside every guest frame (reading and resolving the program, freeing what main
// held after it returns) is a frame of its own with a name that says so, in every format;
// `<root>` keeps no time of its own. The program leaves 20000 objects alive in main.
TEST_F(TextReportCliTest, TimeOutsideGuestCodeIsNamedInEveryFormat) {
  std::ofstream(dir_ / "hold.ai")
      << "m{\n  main(){ xs = []; for (i = 0; i < 20000; i++) { xs.push({a: i, b: [i]}); } "
         "return 0; }\n}\n";
  for (const char* mode : {"exact", "hybrid"}) {
    Result r = anarchy(std::string("profile --quiet --mode ") + mode +
                       " -o h.json -o h.folded -o h.txt hold.ai");
    ASSERT_EQ(r.status, 0) << r.err;
    Json report = Json::parse(read_file(dir_ / "h.json"));
    const Json& root = report["call_graph"];
    EXPECT_EQ(root["self_ns"], 0) << mode;
    bool named = false;
    for (const Json& child : root["children"])
      named |= child["name"] == "<interpreter: start-up and teardown>" && child["self_ns"] > 0;
    EXPECT_TRUE(named) << mode << "\n" << root.dump(1).substr(0, 2000);
    EXPECT_NE(read_file(dir_ / "h.folded").find("<interpreter:_start-up_and_teardown> "),
              std::string::npos)
        << mode;
    EXPECT_NE(read_file(dir_ / "h.txt").find("<interpreter:"),  // (the table may cut it)
              std::string::npos)
        << mode << "\n" << read_file(dir_ / "h.txt");
  }
}

}  // namespace
