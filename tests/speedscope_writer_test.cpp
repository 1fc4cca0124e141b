// The speedscope writer: shared frames, a sampled profile from the tree's samples, and an
// evented profile per thread whose open/close events nest, from the recorded timeline or laid
// out from the exact call tree. (tests/speedscope_schema.sh checks a real file against
// speedscope's own JSON schema.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiprof/report/report_writer.hpp"
#include "format_fixtures.hpp"

namespace aiprof::report {
namespace {

using Json = nlohmann::json;

Json render(const Profile& p) {
  return Json::parse(writer_for_format("speedscope")->render(p, {}));
}

const Json* profile_of_type(const Json& file, const std::string& type) {
  for (const Json& profile : file["profiles"])
    if (profile["type"] == type) return &profile;
  return nullptr;
}

// Checks that events open and close like a call stack, never go back in time, and stay
// within [startValue, endValue]; returns the (frame, open, close) spans.
struct Span {
  uint32_t frame;
  double open, close;
  size_t depth;
};
std::vector<Span> check_events(const Json& profile, size_t frames) {
  std::vector<Span> spans, stack;
  double last = profile["startValue"].get<double>();
  for (const Json& e : profile["events"]) {
    double at = e["at"].get<double>();
    uint32_t frame = e["frame"].get<uint32_t>();
    EXPECT_LT(frame, frames);
    EXPECT_GE(at, last) << e.dump();
    last = at;
    if (e["type"] == "O") {
      stack.push_back(Span{frame, at, 0, stack.size()});
    } else {
      EXPECT_EQ(e["type"], "C");
      if (stack.empty()) {
        ADD_FAILURE() << "close without open: " << e.dump();
        continue;
      }
      EXPECT_EQ(stack.back().frame, frame) << "closes a frame that is not innermost";
      stack.back().close = at;
      spans.push_back(stack.back());
      stack.pop_back();
    }
  }
  EXPECT_TRUE(stack.empty()) << stack.size() << " frames left open";
  EXPECT_LE(last, profile["endValue"].get<double>());
  return spans;
}

TEST(SpeedscopeWriter, FileHasSchemaAndSharedFrames) {
  Profile p = format_fixtures::exact_profile();
  Json file = render(p);
  EXPECT_EQ(file["$schema"], "https://www.speedscope.app/file-format-schema.json");
  ASSERT_EQ(file["shared"]["frames"].size(), p.frames.size());
  for (size_t i = 0; i < p.frames.size(); ++i)
    EXPECT_EQ(file["shared"]["frames"][i]["name"], p.frames[i].name);
  EXPECT_EQ(file["shared"]["frames"][1]["file"], "demo.ai");
  EXPECT_EQ(file["shared"]["frames"][1]["line"], 3);
  EXPECT_EQ(file["activeProfileIndex"], 0);
}

TEST(SpeedscopeWriter, SampledProfileHasOneStackPerPathWeightedInNanoseconds) {
  Profile p = format_fixtures::sampled_profile();
  Json file = render(p);
  ASSERT_EQ(file["profiles"][0]["type"], "sampled");  // shown first
  const Json& sampled = file["profiles"][0];
  EXPECT_EQ(sampled["unit"], "nanoseconds");
  ASSERT_EQ(sampled["samples"].size(), 5u);
  ASSERT_EQ(sampled["weights"].size(), 5u);
  // lex's path, 6 samples of 1 ms
  EXPECT_EQ(sampled["samples"][2], Json::array({1, 2, 3}));
  EXPECT_DOUBLE_EQ(sampled["weights"][2].get<double>(), 6e6);
  EXPECT_DOUBLE_EQ(sampled["endValue"].get<double>(), 15e6);
  for (const Json& stack : sampled["samples"])
    for (const Json& frame : stack) EXPECT_LT(frame.get<size_t>(), p.frames.size());
}

TEST(SpeedscopeWriter, WithoutTimelineTheEventedProfileIsLaidOutFromTheCallTree) {
  Profile p = format_fixtures::exact_profile();
  Json file = render(p);
  EXPECT_EQ(profile_of_type(file, "sampled"), nullptr);  // no samples, no sampled profile
  const Json* evented = profile_of_type(file, "evented");
  ASSERT_NE(evented, nullptr);
  EXPECT_NE((*evented)["name"].get<std::string>().find("synthesized"), std::string::npos);
  EXPECT_EQ((*evented)["unit"], "nanoseconds");
  std::vector<Span> spans = check_events(*evented, p.frames.size());
  ASSERT_EQ(spans.size(), 5u);  // main, parse, lex, memcpy, odd
  // Closed innermost first: memcpy [0, 500], lex [0, 3500], parse [0, 7000], odd after parse.
  EXPECT_EQ(spans[0].frame, 4u);
  EXPECT_EQ(spans[0].close, 500);
  EXPECT_EQ(spans[2].frame, 2u);
  EXPECT_EQ(spans[2].close, 7000);
  EXPECT_EQ(spans[3].frame, 5u);
  EXPECT_EQ(spans[3].open, 7000);
  EXPECT_EQ(spans[3].close, 10000);
  EXPECT_EQ(spans[4].frame, 1u);
  EXPECT_EQ(spans[4].close, 12000);
}

TEST(SpeedscopeWriter, RecordedTimelineGivesOneEventedProfilePerThread) {
  Profile p = format_fixtures::exact_profile();
  p.threads.push_back(ThreadInfo{1, "worker", 0});
  // Thread 0: main [0,100] with parse [10,50] and a second parse [50,90]; thread 1: lex.
  // A child that reaches past its parent (lex [80,120] in parse [50,90]) is cut at the parent.
  p.timeline = {
      {0, 1, 0, 0, 100}, {0, 2, 1, 10, 40}, {0, 2, 1, 50, 40}, {0, 3, 2, 80, 40}, {1, 3, 0, 5, 20}};
  Json file = render(p);
  std::vector<const Json*> evented;
  for (const Json& profile : file["profiles"])
    if (profile["type"] == "evented") evented.push_back(&profile);
  ASSERT_EQ(evented.size(), 2u);
  EXPECT_NE((*evented[0])["name"].get<std::string>().find("main"), std::string::npos);
  EXPECT_NE((*evented[0])["name"].get<std::string>().find("recorded"), std::string::npos);
  EXPECT_NE((*evented[1])["name"].get<std::string>().find("worker"), std::string::npos);
  std::vector<Span> main_spans = check_events(*evented[0], p.frames.size());
  ASSERT_EQ(main_spans.size(), 4u);
  EXPECT_EQ(main_spans[0].close, 50);  // the first parse
  EXPECT_EQ(main_spans[1].frame, 3u);  // lex, cut at its parent's end
  EXPECT_EQ(main_spans[1].close, 90);
  EXPECT_EQ(main_spans[1].depth, 2u);
  std::vector<Span> worker_spans = check_events(*evented[1], p.frames.size());
  ASSERT_EQ(worker_spans.size(), 1u);
  EXPECT_EQ(worker_spans[0].open, 5);
  EXPECT_EQ(worker_spans[0].close, 25);
}

TEST(SpeedscopeWriter, IsFoundByNameAndExtension) {
  EXPECT_EQ(format_for_path("x.speedscope.json"), "speedscope");
  EXPECT_EQ(format_for_path("x.json"), "json");
  EXPECT_TRUE(format_needs_timeline("speedscope"));
  EXPECT_TRUE(format_needs_timeline("chrome-trace"));
  EXPECT_FALSE(format_needs_timeline("folded"));
  EXPECT_FALSE(format_needs_timeline("json"));
}

}  // namespace
}  // namespace aiprof::report
