// The folded-stacks writer: one line per distinct call path, weighted by self samples when
// sampled or else by exact self microseconds, with names made safe for the format.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "aiprof/report/report_writer.hpp"
#include "format_fixtures.hpp"

namespace aiprof::report {
namespace {

using format_fixtures::add;

std::string render(const Profile& p) { return writer_for_format("folded")->render(p, {}); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(FoldedWriter, ExactProfileIsWeightedBySelfMicroseconds) {
  std::vector<std::string> expected{
      "<root> 2",
      "m.main 2",
      "m.main;m.parse 3",
      "m.main;m.parse;m.lex 3",
      "m.main;m.parse;m.lex;memcpy 1",  // 0.5 us rounds up; the native frame stays beneath lex
      "m.main;odd:name_x_ 3",
  };
  EXPECT_EQ(lines_of(render(format_fixtures::exact_profile())), expected);
}

TEST(FoldedWriter, SampledProfileIsWeightedBySelfSamples) {
  std::vector<std::string> expected{
      "m.main 4",  // the root has no samples of its own: no line
      "m.main;m.parse 2",
      "m.main;m.parse;m.lex 6",
      "m.main;m.parse;m.lex;memcpy 1",
      "m.main;odd:name_x_ 2",
  };
  EXPECT_EQ(lines_of(render(format_fixtures::sampled_profile())), expected);
}

// --lines: each guest frame named with the line it stood at (native frames keep their name);
// without it the same profile folds as before.
TEST(FoldedWriter, LinesNameEachFramesLine) {
  Profile p = format_fixtures::sampled_profile_with_lines();
  RenderOptions by_line;
  by_line.folded_lines = true;
  std::vector<std::string> expected{
      "m.main:5 3",
      "m.main:6 1",
      "m.main:5;m.parse:12 2",
      "m.main:5;m.parse:13;m.lex:21 6",
      "m.main:5;m.parse:13;m.lex:21;memcpy 1",
      "m.main:6;odd:name_x_:31 2",
  };
  EXPECT_EQ(lines_of(writer_for_format("folded")->render(p, by_line)), expected);
  EXPECT_EQ(render(p), render(format_fixtures::sampled_profile()));
}

TEST(FoldedWriter, EveryLineParsesAsFramesThenOneWeight) {
  for (const std::string& line : lines_of(render(format_fixtures::exact_profile()))) {
    size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_EQ(line.find_first_of(" \t\r\n"), space) << "whitespace inside a stack: " << line;
    EXPECT_GT(std::stoull(line.substr(space + 1)), 0u) << line;
    std::string stack = line.substr(0, space);
    EXPECT_EQ(stack.find(";;"), std::string::npos) << line;
  }
}

TEST(FoldedWriter, SkipsZeroWeightAndRoundsToNearestMicrosecond) {
  Profile p;
  uint32_t f = add(p, 0, {"f", "a.ai", 1, FrameKind::Function}, 5000, 1499);
  add(p, f, {"tiny", "a.ai", 2, FrameKind::Function}, 499, 499);
  add(p, f, {"half", "a.ai", 3, FrameKind::Function}, 1500, 1500);
  std::vector<std::string> expected{"f 1", "f;half 2"};
  EXPECT_EQ(lines_of(render(p)), expected);
}

TEST(FoldedWriter, PathsThatFoldAlikeBecomeOneLine) {
  Profile p;
  uint32_t f = add(p, 0, {"f", "a.ai", 1, FrameKind::Function}, 9000, 1000);
  add(p, f, {"g", "a.ai", 5, FrameKind::Function}, 2000, 2000);
  add(p, f, {"g", "b.ai", 5, FrameKind::Function}, 3000, 3000);  // another g, same name
  std::vector<std::string> expected{"f 1", "f;g 5"};
  EXPECT_EQ(lines_of(render(p)), expected);
}

TEST(FoldedWriter, IsFoundByNameAndExtension) {
  EXPECT_EQ(format_for_path("out.folded"), "folded");
  ASSERT_NE(writer_for_format("folded"), nullptr);
  EXPECT_EQ(writer_for_format("folded")->format_name(), "folded");
}

}  // namespace
}  // namespace aiprof::report
