// The JSON reader: a rich profile survives Profile -> JSON -> Profile -> JSON byte for byte,
// and every kind of bad input gives a ProfileReadError naming the file and the problem (never
// a crash, never another exception).
#include "aiprof/report/json_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "aiprof/report/report_writer.hpp"
#include "rich_profile.hpp"

namespace aiprof::report {
namespace {

using Json = nlohmann::ordered_json;

std::string to_json(const Profile& p) { return make_json_writer()->render(p, RenderOptions{}); }

TEST(JsonReaderTest, RoundTripIsByteIdentical) {
  std::string first = to_json(rich_profile::make());
  Profile read = parse_json_profile(first, "rich.json");
  EXPECT_EQ(to_json(read), first);
}

TEST(JsonReaderTest, RoundTripKeepsWhatTheHumanKeysRound) {
  Profile p = rich_profile::make();
  Profile q = parse_json_profile(to_json(p), "rich.json");
  EXPECT_EQ(q.duration_ns, 2000000123u);
  ASSERT_EQ(q.frames.size(), p.frames.size());
  EXPECT_EQ(q.frames[1].column, 5u);
  EXPECT_EQ(q.frames[3].kind, FrameKind::Native);
  ASSERT_EQ(q.nodes.size(), p.nodes.size());
  EXPECT_EQ(q.nodes[2].self_ns, 1000000001u);
  EXPECT_EQ(q.nodes[2].samples_self, 1000u);
  EXPECT_EQ(q.nodes[2].children, p.nodes[2].children);
  EXPECT_EQ(q.nodes[4].metrics, p.nodes[4].metrics);  // int, double and string kept apart
  EXPECT_TRUE(q.nodes[4].disagreement);
  EXPECT_EQ(q.exit_status, -3);
  ASSERT_TRUE(q.sampling);
  EXPECT_EQ(q.sampling->per_thread.size(), 2u);
  EXPECT_EQ(q.sampling->signal_cost_ns, 812.25);
  EXPECT_EQ(q.memory.heap_bytes[1].t_ns, 600000001u);
  EXPECT_EQ(q.memory.heap_bytes[1].value, 786432.5);
  EXPECT_EQ(q.memory.gc_runs[1].duration_ns, 49999878u);
  EXPECT_FALSE(q.memory.deallocations_measured);
  EXPECT_EQ(q.memory.allocations_by_type, p.memory.allocations_by_type);
  EXPECT_EQ(q.memory.allocation_bytes_by_type, p.memory.allocation_bytes_by_type);
  EXPECT_EQ(q.memory.peak_rss_bytes, 9437184u);
  ASSERT_EQ(q.memory.rss_bytes.size(), 2u);
  EXPECT_EQ(q.memory.rss_bytes[1].t_ns, 1000000007u);
  EXPECT_TRUE(q.memory.refcount_measured);
  EXPECT_EQ(q.timeline[2].thread, 1u);
  EXPECT_EQ(q.threads[1].tid, 4243);
  EXPECT_EQ(q.profiler.min_duration_ns, 1000u);
  EXPECT_EQ(q.metrics, p.metrics);
}

// Which notes are internal survives the JSON; a file from before the mark has none marked.
TEST(JsonReaderTest, InternalNotesStayInternal) {
  Profile p = rich_profile::make();
  p.profiler.add_internal_note("thread 'main': the timer switched");
  Json written = Json::parse(to_json(p));
  EXPECT_EQ(written["profiler"]["internal_notes"], Json::array({"thread 'main': the timer switched"}));
  Profile q = parse_json_profile(written.dump(), "marked.json");
  EXPECT_EQ(q.profiler.internal_notes, p.profiler.internal_notes);
  EXPECT_EQ(q.profiler.notes, p.profiler.notes);
  written["profiler"].erase("internal_notes");
  EXPECT_TRUE(parse_json_profile(written.dump(), "older.json").profiler.internal_notes.empty());
  // Nothing marked, nothing written: files without internal notes read as before.
  EXPECT_FALSE(Json::parse(to_json(rich_profile::make()))["profiler"].contains("internal_notes"));
}

TEST(JsonReaderTest, NotSampledStaysNotSampledAndNonFiniteNumbersSurvive) {
  Profile p = rich_profile::make();
  p.sampling.reset();
  p.metrics["nan"] = std::nan("");  // JSON has no NaN: written as null, read back as NaN
  std::string first = to_json(p);
  EXPECT_NE(first.find("\"sampling\": null"), std::string::npos);
  Profile q = parse_json_profile(first, "x.json");
  EXPECT_FALSE(q.sampling);
  EXPECT_TRUE(std::isnan(std::get<double>(q.metrics["nan"])));
  EXPECT_EQ(to_json(q), first);
}

// What was not measured stays not measured through a file: a reference-count histogram that
// was never taken, operation categories that were not tracked.
TEST(JsonReaderTest, NotMeasuredStaysNotMeasured) {
  Profile p = rich_profile::make();
  p.memory.refcount_measured = false;
  std::string first = to_json(p);
  Profile q = parse_json_profile(first, "rich.json");
  EXPECT_FALSE(q.memory.refcount_measured);
  EXPECT_FALSE(q.operations.counted("array"));
  EXPECT_TRUE(q.operations.counted("arithmetic"));
  EXPECT_TRUE(q.operations.accesses_by_variable.empty());  // variable accesses not tracked
  EXPECT_EQ(to_json(q), first);
}

TEST(JsonReaderTest, ChildrenKeepTheirOrder) {
  Profile p = rich_profile::make();
  std::swap(p.nodes[1].children[0], p.nodes[1].children[1]);
  Profile q = parse_json_profile(to_json(p), "x.json");
  EXPECT_EQ(q.nodes[1].children, p.nodes[1].children);
}

// A bad input: how to break the good JSON, and what the message must say.
struct BadInput {
  const char* what;
  std::function<void(Json&)> edit;
  const char* says;
};

std::string error_of(const std::string& text) {
  try {
    parse_json_profile(text, "bad.json");
  } catch (const ProfileReadError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(JsonReaderTest, BadFieldsAreNamedByTheirPath) {
  const std::vector<BadInput> table = {
      {"array at the top", [](Json& j) { j = Json::array(); },
       "the top level is array, not an object"},
      {"no version", [](Json& j) { j.erase("schema_version"); }, "no schema_version"},
      {"old version", [](Json& j) { j["schema_version"] = 1; },
       "schema_version is 1, but this anarchy reads 2"},
      {"version text", [](Json& j) { j["schema_version"] = "2"; },
       "schema_version must be an integer (found string)"},
      {"missing field", [](Json& j) { j["session"].erase("duration_ns"); },
       "session.duration_ns is missing"},
      {"missing section", [](Json& j) { j.erase("nodes"); }, "nodes is missing"},
      {"text count", [](Json& j) { j["nodes"][1]["calls"] = "many"; },
       "nodes[1].calls must be a non-negative integer (found string)"},
      {"negative count", [](Json& j) { j["nodes"][1]["calls"] = -1; },
       "nodes[1].calls must be a non-negative integer (found number)"},
      {"fractional count", [](Json& j) { j["nodes"][1]["calls"] = 1.5; },
       "nodes[1].calls must be a non-negative integer (found number)"},
      {"not a bool", [](Json& j) { j["nodes"][1]["has_exact"] = 1; },
       "nodes[1].has_exact must be true or false (found number)"},
      {"parent out of range", [](Json& j) { j["nodes"][2]["parent"] = 99; },
       "nodes[2].parent is 99, but there are 6 nodes"},
      {"parent after child", [](Json& j) { j["nodes"][2]["parent"] = 4; },
       "nodes[2].parent must come before the node"},
      {"second root", [](Json& j) { j["nodes"][2]["parent"] = nullptr; },
       "nodes[2].parent is null, but only nodes[0] is a root"},
      {"root with parent", [](Json& j) { j["nodes"][0]["parent"] = 0; },
       "nodes[0].parent must be null"},
      {"frame out of range", [](Json& j) { j["nodes"][1]["frame"] = 6; },
       "nodes[1].frame is 6, but there are 6 frames"},
      {"child out of range", [](Json& j) { j["nodes"][1]["children"].push_back(1000); },
       "nodes[1].children[2] is 1000, but there are 6 nodes"},
      {"child of another", [](Json& j) { j["nodes"][1]["children"].push_back(5); },
       "nodes[1].children[2] is 5, whose parent is not nodes[1]"},
      {"child twice", [](Json& j) { j["nodes"][1]["children"].push_back(2); },
       "nodes[1].children[2] lists nodes[2] twice"},
      {"orphan", [](Json& j) { j["nodes"][0]["children"].erase(1); },
       "nodes[5] is missing from its parent's children"},
      {"no nodes", [](Json& j) { j["nodes"] = Json::array(); }, "nodes is empty"},
      {"no frames", [](Json& j) { j["frames"] = Json::array(); }, "frames is empty"},
      {"unknown kind", [](Json& j) { j["frames"][1]["kind"] = "bogus"; },
       "frames[1].kind is 'bogus', not a frame kind"},
      {"line too large", [](Json& j) { j["frames"][1]["line"] = uint64_t{1} << 40; },
       "frames[1].line is 1099511627776, too large"},
      {"huge integer",
       [](Json& j) { j["nodes"][1] = Json::parse("{\"calls\": 18446744073709551616}"); },
       "nodes[1].frame is missing"},
      {"timeline thread", [](Json& j) { j["timeline"][0]["thread"] = 2; },
       "timeline[0].thread is 2, but there are 2 threads"},
      {"timeline frame", [](Json& j) { j["timeline"][1]["frame"] = 60; },
       "timeline[1].frame is 60, but there are 6 frames"},
      {"sampling thread", [](Json& j) { j["sampling"]["per_thread"][1]["thread"] = 7; },
       "sampling.per_thread[1].thread is 7, but there are 2 threads"},
      {"sampling text", [](Json& j) { j["sampling"] = "yes"; },
       "sampling must be an object (found string)"},
      {"sampling key", [](Json& j) { j["sampling"].erase("truncated_stacks"); },
       "sampling.truncated_stacks is missing"},
      {"rate text", [](Json& j) { j["sampling"]["rate_delivered_hz"] = "fast"; },
       "sampling.rate_delivered_hz must be a number (found string)"},
      {"heap point", [](Json& j) { j["memory_metrics"]["heap_bytes"][0] = Json::array({1}); },
       "memory_metrics.heap_bytes[0] must be [t_ns, bytes]"},
      {"count map", [](Json& j) { j["memory_metrics"]["objects_by_type"]["array"] = "ten"; },
       "memory_metrics.objects_by_type.array must be a non-negative integer (found string)"},
      {"metric array", [](Json& j) { j["metrics"]["batches"] = Json::array(); },
       "metrics.batches must be a number or a string (found array)"},
      {"metric too big", [](Json& j) { j["metrics"]["count"] = uint64_t{1} << 63; },
       "metrics.count is 9223372036854775808, too large"},
      {"exit status", [](Json& j) { j["session"]["exit_status"] = int64_t{1} << 40; },
       "session.exit_status is out of range"},
      {"label", [](Json& j) { j["session"]["labels"]["host"] = 1; },
       "session.labels.host must be a string (found number)"},
      {"notes", [](Json& j) { j["profiler"]["notes"] = "one"; },
       "profiler.notes must be an array (found string)"},
  };
  Json good = Json::parse(to_json(rich_profile::make()));
  for (const BadInput& bad : table) {
    Json j = good;
    bad.edit(j);
    std::string message = error_of(j.dump());
    EXPECT_NE(message.find(std::string("'bad.json': ") + bad.says), std::string::npos)
        << bad.what << ": " << message;
  }
}

// Sampled lines survive the round trip, and a damaged entry is named (never a crash).
TEST(JsonReaderTest, SampledLinesRoundTripAndBadOnesAreNamed) {
  Profile p = rich_profile::make();
  p.line_nodes = {{1, kNoNode, 4, 50}, {2, 0, 11, 1000}, {3, 1, 0, 200}, {4, 0, 16, 600}};
  std::string first = to_json(p);
  Profile read = parse_json_profile(first, "lines.json");
  ASSERT_EQ(read.line_nodes.size(), 4u);
  EXPECT_EQ(read.line_nodes[2].parent, 1u);
  EXPECT_EQ(read.line_nodes[1].line, 11u);
  EXPECT_EQ(read.line_nodes[3].samples_self, 600u);
  EXPECT_EQ(to_json(read), first);
  Json good = Json::parse(first);
  Json j = good;
  j["sampled_lines"][1]["parent"] = 2;
  EXPECT_NE(error_of(j.dump()).find("sampled_lines[1].parent is 2, but there is 1 sampled_lines "
                                    "before it"),
            std::string::npos)
      << error_of(j.dump());
  j = good;
  j["sampled_lines"][0]["node"] = 60;
  EXPECT_NE(error_of(j.dump()).find("sampled_lines[0].node is 60, but there are 6 nodes"),
            std::string::npos)
      << error_of(j.dump());
}

TEST(JsonReaderTest, BrokenJsonNamesTheByte) {
  std::string good = to_json(rich_profile::make());
  EXPECT_NE(error_of(good.substr(0, 100))
                .find("'bad.json' is not valid JSON (truncated or corrupt?) at byte 101: "),
            std::string::npos)
      << error_of(good.substr(0, 100));
  EXPECT_NE(error_of("{\"schema_version\": 2,, }")
                .find("at byte 22: parse error at line 1, column 22: syntax error"),
            std::string::npos)
      << error_of("{\"schema_version\": 2,, }");
  EXPECT_NE(error_of("").find("is not valid JSON"), std::string::npos);
}

TEST(JsonReaderTest, TooDeepTreesAreRefused) {
  Json j = Json::parse(to_json(rich_profile::make()));
  j["nodes"] = "NODES";
  // A chain of kMaxReadTreeDepth + 2 nodes, written as text (building it as JSON is slow).
  std::string nodes = "[";
  for (uint32_t i = 0; i <= kMaxReadTreeDepth + 1; ++i) {
    std::string parent = i == 0 ? "null" : std::to_string(i - 1);
    std::string children = i <= kMaxReadTreeDepth ? std::to_string(i + 1) : "";
    nodes += std::string(i ? "," : "") + "{\"frame\":1,\"parent\":" + parent + ",\"children\":[" +
             children +
             "],\"has_exact\":true,\"calls\":1,\"inclusive_ns\":1,\"self_ns\":1,"
             "\"samples_inclusive\":0,\"samples_self\":0,\"allocations\":0,"
             "\"allocation_bytes\":0,\"disagreement\":false,\"metrics\":{}}";
  }
  std::string text = j.dump();
  text.replace(text.find("\"NODES\""), 7, nodes + "]");
  std::string message = error_of(text);
  EXPECT_NE(message.find("nodes[32769] is deeper than 32768 levels"), std::string::npos)
      << message.substr(0, 300);
}

// The text report says why samples were lost and what naming native PCs cost, as read back.
TEST(JsonReaderTest, TheTextReportSaysWhySamplesWereDropped) {
  Profile p = parse_json_profile(to_json(rich_profile::make()), "rich.json");
  RenderOptions verbose;  // why samples were dropped and the naming cost are internals
  verbose.verbose = true;
  std::string text = make_text_writer()->render(p, verbose);
  EXPECT_NE(text.find("dropped 3 (1 ring full, 2 stack changing under every copy)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Naming native PCs: 4.3"), std::string::npos) << text;
  EXPECT_NE(make_text_writer()->render(p, {}).find(", 3 dropped, "), std::string::npos);
}

// No input crashes the reader: every truncation, and bytes overwritten all along the file,
// either read or throw ProfileReadError (anything else escapes and fails the test).
TEST(JsonReaderTest, DamagedFilesNeverCrash) {
  std::string good = to_json(rich_profile::make());
  size_t read = 0, refused = 0;
  auto attempt = [&](const std::string& text) {
    try {
      Profile p = parse_json_profile(text, "x.json");
      to_json(p);
      make_text_writer()->render(p, RenderOptions{});
      ++read;
    } catch (const ProfileReadError&) {
      ++refused;
    }
  };
  for (size_t cut = 0; cut < good.size(); cut += 23) attempt(good.substr(0, cut));
  for (size_t at = 0; at < good.size(); at += 61)
    for (char c : std::string("-9\"}")) {
      std::string damaged = good;
      damaged[at] = c;
      attempt(damaged);
    }
  EXPECT_GT(read, 0u);
  EXPECT_GT(refused, 0u);
}

class JsonReaderFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aiprof_json_reader_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(JsonReaderFileTest, ReadsAFile) {
  std::string text = to_json(rich_profile::make());
  std::ofstream(dir_ / "p.json") << text;
  EXPECT_EQ(to_json(read_json_profile((dir_ / "p.json").string())), text);
}

TEST_F(JsonReaderFileTest, MissingFilesAndFoldersAreNamed) {
  std::string missing = (dir_ / "none.json").string();
  try {
    read_json_profile(missing);
    FAIL() << "no error";
  } catch (const ProfileReadError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read '" + missing + "': No such file or directory");
  }
  try {
    read_json_profile(dir_.string());
    FAIL() << "no error";
  } catch (const ProfileReadError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read '" + dir_.string() + "': it is a directory");
  }
}

// fuzz_json_report: a number too large for a double escaped as nlohmann's out_of_range, not a
// ProfileReadError (the reader promises one for every bad input).
TEST(JsonReaderTest, ANumberTooLargeForADoubleIsAReadError) {
  std::string says = error_of("{\"schema_version\": 2, \"session\": 221e309}");
  EXPECT_NE(says.find("'bad.json' is not valid JSON: "), std::string::npos) << says;
  EXPECT_NE(says.find("221e309"), std::string::npos) << says;
}

}  // namespace
}  // namespace aiprof::report
