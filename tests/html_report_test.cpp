// Tests of the HTML report writer (report/src/html_report.cpp) on Profiles built by hand: the
// page is self-contained (nothing to load from a network), its data blob parses and holds the
// call tree, memory series and views, names cannot break out of the markup or the script, and
// the tables mirror the text report. tests/html_browser_test.sh checks the page in a browser.
//
// The golden file is the page with the CSS and JS bodies cut out (they are checked in the
// browser); to accept a deliberate change: AIPROF_UPDATE_GOLDEN=1 ./html_report_test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "aiprof/report/profile.hpp"
#include "aiprof/report/report_writer.hpp"

#include "format_fixtures.hpp"
#include "golden_file.hpp"

namespace aiprof::report {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kDataOpen = "<script type=\"application/json\" id=\"aiprof-data\">";

using format_fixtures::add_node;

// An exact profile: main calls fib (recursing) and load; a GC frame; heap series and GC runs.
Profile exact_profile() {
  Profile p;
  p.session_name = "fib";
  p.mode = "exact";
  p.granularity = "function";
  p.program = "fib.ai";
  p.start_time = "2025-04-26T22:15:00.000Z";
  p.end_time = "2025-04-26T22:15:01.234Z";
  p.duration_ns = 1234000000;
  p.exit_status = 0;
  p.nodes[0].calls = 1;
  p.nodes[0].inclusive_ns = p.duration_ns;
  uint32_t main = add_node(p, 0, Frame{"m.main", "fib.ai", 6, FrameKind::Function}, 1, 1200, 100);
  p.nodes[main].alloc_count = 12;
  p.nodes[main].alloc_bytes = 960;
  uint32_t fib = add_node(p, main, Frame{"m.fib", "fib.ai", 2, FrameKind::Function}, 1, 900, 300);
  add_node(p, fib, Frame{"m.fib", "fib.ai", 2, FrameKind::Function}, 2, 600, 600);
  uint32_t load =
      add_node(p, main, Frame{"m.load", "fib.ai", 12, FrameKind::Function}, 3, 195, 190);
  add_node(p, load, Frame{"<gc>", "", 0, FrameKind::GC}, 1, 5, 5);
  MemoryMetrics& m = p.memory;
  m.total_allocations = 1024;
  m.total_allocation_bytes = 524288;
  m.peak_memory_bytes = 786432;
  m.objects_by_type = {{"array", 10}, {"string", 700}};
  m.gc_collections = 1;
  m.gc_time_ns = 5000000;
  m.gc_reclaimed_bytes = 262144;
  m.gc_reclaimed_objects = 640;
  m.heap_bytes = {{0, 1000}, {600000000, 786432}, {1234000000, 24288}};
  m.gc_runs = {{700000000, 5000000, 262144, 640}};
  m.allocations_by_type = {{"array", 24}, {"string", 1000}};
  m.allocation_bytes_by_type = {{"array", 24288}, {"string", 500000}};
  m.peak_rss_bytes = 9437184;
  m.rss_bytes = {{0, 8388608}, {600000000, 9437184}, {1234000000, 9175040}};
  OperationMetrics& o = p.operations;
  o.tracked = {"arithmetic",     "comparison",        "logical",           "string",
               "array",          "object",            "function_calls",    "variable_accesses",
               "property_accesses", "string_dictionary"};
  o.arithmetic = 5432;
  o.function_calls = 7;
  o.calls_by_function = {{"m.fib", 3}, {"m.load", 3}, {"m.main", 1}};
  p.profiler.span_cost_ns = 14.5;
  p.profiler.overhead_percent = 0.1;
  p.profiler.notes = {"span cost is included in callers' times (not compensated)"};
  return p;
}

// A hybrid profile: exact spans and samples, a native frame below a guest one, a disagreement.
Profile hybrid_profile() {
  Profile p = exact_profile();
  p.mode = "hybrid";
  SamplingInfo s;
  s.rate_requested_hz = 1000;
  s.rate_delivered_hz = 248.5;
  s.clock = "cpu";
  s.samples = 300;
  s.dropped_samples = 7;
  s.truncated_stacks = 2;
  s.threads = 1;
  s.max_stack = 128;
  s.overhead_percent = 0.4;
  p.sampling = s;
  p.nodes[1].samples_inclusive = 290;  // m.main
  p.nodes[1].samples_self = 20;
  p.nodes[2].samples_inclusive = 200;  // m.fib
  p.nodes[2].samples_self = 100;
  p.nodes[2].disagreement = true;
  uint32_t native = p.child(2, p.intern_frame(Frame{"memcpy", "", 0, FrameKind::Native}));
  p.nodes[native].samples_inclusive = 10;
  p.nodes[native].samples_self = 10;
  // The merger's finding, repeated as merged profiles repeat it: the page lists it once.
  std::string finding =
      "disagreement at m.fib: inclusive share (1 call path); inclusive share exact 72.9% vs "
      "sampled 66.7% (95% CI 61.2-71.8%, Holm-adjusted p < 0.001); likely cause: sampling bias";
  p.profiler.notes.push_back(finding);
  p.profiler.notes.push_back(finding);
  p.profiler.notes.push_back("hybrid check: 1 function(s) where exact and sampled shares disagree");
  return p;
}

std::string html_escaped(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
  return out;
}

const char* const kEvilName = "<script>alert(1)</script>";

// Names that are markup: a frame, its file, the program, a note, a label, a call count.
Profile hostile_names_profile() {
  Profile p = exact_profile();
  p.program = "<b>x&y</b>.ai";
  uint32_t node =
      add_node(p, 1, Frame{kEvilName, "</script><script>alert(2)</script>", 3, FrameKind::Function},
               1, 600, 600);
  p.nodes[node].metrics["x"] = int64_t{1};
  p.operations.calls_by_function[kEvilName] = 9;
  p.profiler.notes.push_back("note with <i>markup</i> & </script>");
  p.labels["<k>"] = "<v>";
  return p;
}

// More frames than the flame graph draws: 1000 chains of 20 calls below the root (each frame
// wide enough to draw, so the frame cap decides), plus a tiny callee under each chain's head
// (too narrow to draw).
Profile wide_profile() {
  Profile p;
  p.session_name = "wide";
  p.mode = "exact";
  p.program = "wide.ai";
  p.duration_ns = 1000 * 1000000ull;
  p.nodes[0].inclusive_ns = p.duration_ns;
  for (int chain = 0; chain < 1000; ++chain) {
    uint32_t at = 0;
    for (int depth = 1; depth <= 20; ++depth) {
      std::string name =
          depth == 1 ? "chain" + std::to_string(chain) : "f" + std::to_string(depth % 4);
      at =
          add_node(p, at, Frame{name, "wide.ai", static_cast<uint32_t>(depth), FrameKind::Function},
                   1, 1, depth == 20 ? 1 : 0);
      if (depth == 1) {
        uint32_t tiny =
            p.child(at, p.intern_frame(Frame{"tiny", "wide.ai", 99, FrameKind::Function}));
        p.nodes[tiny].has_exact = true;
        p.nodes[tiny].calls = 1;
        p.nodes[tiny].inclusive_ns = 1;
      }
    }
  }
  return p;
}

std::string render(const Profile& p, const RenderOptions& options = {}) {
  return make_html_writer()->render(p, options);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The data blob's text, exactly as embedded.
std::string blob_text(const std::string& page) {
  size_t start = page.find(kDataOpen);
  if (start == std::string::npos) return "";
  start += kDataOpen.size();
  size_t end = page.find("</script>", start);
  if (end == std::string::npos) return "";
  return page.substr(start, end - start);
}

Json blob(const std::string& page) { return Json::parse(blob_text(page)); }

TEST(HtmlReportTest, IsRegisteredForItsNameAndExtension) {
  auto writer = writer_for_format("html");
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->format_name(), "html");
  EXPECT_EQ(format_for_path("out/prof.html"), "html");
}

TEST(HtmlReportTest, LoadsNothingFromOutside) {
  std::string page = render(hybrid_profile());
  // The SVG namespace name is an identifier the scripts use, not an address anything loads.
  std::string rest = std::regex_replace(page, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_EQ(rest.find("//cdn"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("fetch("), std::string::npos);
  EXPECT_EQ(page.find("XMLHttpRequest"), std::string::npos);
  // Every link is to a place in the page.
  std::smatch href;
  for (auto it = page.cbegin();
       std::regex_search(it, page.cend(), href, std::regex("href=\"([^\"]*)\""));
       it = href[0].second)
    EXPECT_EQ(href[1].str().substr(0, 1), "#") << href[0];
}

TEST(HtmlReportTest, EveryMarkerIsFilledAndTheAssetsAreInline) {
  std::string page = render(exact_profile());
  EXPECT_EQ(page.find("@@AIPROF_"), std::string::npos);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("aiprof.FlameGraph = FlameGraph"), std::string::npos);
  EXPECT_NE(page.find("aiprof.MemoryGraph = MemoryGraph"), std::string::npos);
  EXPECT_NE(page.find(".flamegraph .frame"), std::string::npos);  // the CSS
  EXPECT_NE(page.find("id=\"flamegraph\""), std::string::npos);
  EXPECT_NE(page.find("id=\"memory-graph\""), std::string::npos);
  // Three script elements (error hook, data, code); the assets hold no end tag of their own.
  EXPECT_EQ(count(page, "<script"), 3u);
  EXPECT_EQ(count(page, "</script"), 3u);
  EXPECT_EQ(count(page, "</style"), 1u);
}

TEST(HtmlReportTest, DataBlobHoldsTheCallTreeInPreorder) {
  Profile p = hybrid_profile();
  Json d = blob(render(p));
  EXPECT_EQ(d["program"], "fib.ai");
  EXPECT_EQ(d["mode"], "hybrid");
  EXPECT_EQ(d["duration_ns"], 1234000000u);
  EXPECT_EQ(d["views"]["exact"], true);
  EXPECT_EQ(d["views"]["sampled"], true);
  EXPECT_EQ(d["default_view"], "exact");
  EXPECT_EQ(d["hidden_nodes"], 0);
  ASSERT_EQ(d["frames"].size(), p.frames.size());
  ASSERT_EQ(d["nodes"].size(), p.nodes.size());
  EXPECT_EQ(d["node_fields"][3], "inclusive_ns");
  // Each node's parent comes before it, and the figures are the Profile's.
  std::map<std::string, int> seen;
  for (size_t i = 0; i < d["nodes"].size(); ++i) {
    const Json& n = d["nodes"][i];
    ASSERT_EQ(n.size(), 10u);
    if (i == 0) {
      EXPECT_EQ(n[1], -1);
      continue;
    }
    EXPECT_LT(n[1].get<int64_t>(), static_cast<int64_t>(i));
    const Json& frame = d["frames"][n[0].get<size_t>()];
    std::string name = frame[0];
    ++seen[name];
    if (name == "memcpy") {
      EXPECT_EQ(frame[3], "native");
      EXPECT_EQ(n[5], 10);  // samples_inclusive
      EXPECT_EQ(n[7], 0);   // neither exact nor disagreeing
      EXPECT_EQ(d["frames"][d["nodes"][n[1].get<size_t>()][0].get<size_t>()][0], "m.fib");
    }
    if (name == "m.main") {
      EXPECT_EQ(n[2], 1);
      EXPECT_EQ(n[3], 1200000000u);
      EXPECT_EQ(n[4], 100000000u);
      EXPECT_EQ(n[5], 290);
      EXPECT_EQ(n[7], 1);  // exact
      EXPECT_EQ(n[8], 12);
      EXPECT_EQ(n[9], 960);
    }
    if (name == "m.fib" && n[2] == 1) {
      EXPECT_EQ(n[7], 3);  // exact, disagreement
    }
    if (name == "<gc>") {
      EXPECT_EQ(frame[3], "gc");
    }
  }
  EXPECT_EQ(seen["m.fib"], 2);
  EXPECT_EQ(seen["memcpy"], 1);
  EXPECT_EQ(d["memory"]["measured"], true);
  EXPECT_EQ(d["memory"]["heap_bytes"],
            Json::parse("[[0,1000.0],[600000000,786432.0],[1234000000,24288.0]]"));
  EXPECT_EQ(d["memory"]["gc_runs"], Json::parse("[[700000000,5000000,262144,640]]"));
}

TEST(HtmlReportTest, OffersOnlyTheViewsTheProfileHas) {
  Json exact = blob(render(exact_profile()));
  EXPECT_EQ(exact["views"]["exact"], true);
  EXPECT_EQ(exact["views"]["sampled"], false);

  Profile sampled = hybrid_profile();
  sampled.mode = "sampling";
  sampled.time_measured = false;
  for (CallNode& n : sampled.nodes) n.has_exact = false;
  Json d = blob(render(sampled));
  EXPECT_EQ(d["views"]["exact"], false);
  EXPECT_EQ(d["views"]["sampled"], true);
  EXPECT_EQ(d["default_view"], "sampled");
}

TEST(HtmlReportTest, NamesAreTextNotMarkup) {
  const std::string evil = kEvilName;
  std::string page = render(hostile_names_profile());

  // No name opens or closes an element: only the page's own three script elements exist.
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>x"), std::string::npos);
  EXPECT_EQ(page.find("<i>markup"), std::string::npos);
  EXPECT_EQ(count(page, "<script"), 3u);
  EXPECT_EQ(count(page, "</script"), 3u);
  // In the tables and header they are escaped text...
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("<title>aiprof: &lt;b&gt;x&amp;y&lt;/b&gt;.ai</title>"), std::string::npos);
  EXPECT_NE(page.find("note with &lt;i&gt;markup&lt;/i&gt; &amp; &lt;/script&gt;"),
            std::string::npos);
  // ...and in the data blob '<' is \u003c, which parses back to the exact name.
  std::string text = blob_text(page);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_NE(text.find("\\u003cscript>alert(1)\\u003c/script>"), std::string::npos);
  Json d = Json::parse(text);
  bool found = false;
  for (const Json& frame : d["frames"])
    if (frame[0] == evil && frame[1] == "</script><script>alert(2)</script>") found = true;
  EXPECT_TRUE(found);
  EXPECT_EQ(d["program"], "<b>x&y</b>.ai");
}

TEST(HtmlReportTest, InvalidUtf8InANameDoesNotStopTheReport) {
  Profile p = exact_profile();
  add_node(p, 1, Frame{std::string("bad\xff\xfe name"), "f.ai", 1, FrameKind::Function}, 1, 1, 1);
  std::string page;
  ASSERT_NO_THROW(page = render(p));
  Json d = blob(page);
  EXPECT_EQ(d["frames"].back()[0], "bad\xEF\xBF\xBD\xEF\xBF\xBD name");  // U+FFFD each
}

// Allocations by type and the process's RSS are in the memory table, RSS in the graph's data;
// categories not tracked and a histogram not taken read as not measured.
TEST(HtmlReportTest, MemoryByTypeAndRssAreShownAndUntrackedIsNotMeasured) {
  Profile p = exact_profile();
  std::string page = render(p);
  EXPECT_NE(page.find("<tr><th>Allocations by type</th><td>string: 1000 (488.3KB), array: 24 "
                      "(23.7KB)</td></tr>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr><th>Process memory (RSS)</th><td>peak 9.0MB, 8.0MB at start"),
            std::string::npos);
  EXPECT_EQ(blob(page)["memory"]["rss_bytes"].size(), 3u);
  p.operations.tracked = {"arithmetic"};
  p.memory.refcount_measured = false;
  page = render(p);
  EXPECT_NE(page.find("<tr><td>Function calls</td><td class=\"num\"><span "
                      "class=\"not-measured\">not measured</span></td><td></td></tr>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr><td>Arithmetic</td><td class=\"num\">5432</td>"), std::string::npos);
  EXPECT_NE(page.find("<tr><th>Reference counts (live containers)</th><td><span "
                      "class=\"not-measured\">not measured</span>"),
            std::string::npos);
}

TEST(HtmlReportTest, EmptyProfileRendersAndSaysWhatIsMissing) {
  Profile p;
  p.session_name = "empty";
  p.mode = "exact";
  p.memory.measured = false;
  p.operations.measured = false;
  std::string page = render(p);
  Json d = blob(page);
  EXPECT_EQ(d["nodes"].size(), 1u);
  EXPECT_EQ(d["views"]["exact"], false);
  EXPECT_EQ(d["views"]["sampled"], false);
  EXPECT_EQ(d["memory"]["measured"], false);
  EXPECT_TRUE(d["memory"]["heap_bytes"].empty());
  EXPECT_NE(page.find("No functions were recorded."), std::string::npos);
  EXPECT_NE(
      page.find("<tr><th>Sampling</th><td><span class=\"not-measured\">not used in this session"),
      std::string::npos);
  EXPECT_NE(page.find("<tr><th>Memory</th><td><span class=\"not-measured\">not measured"),
            std::string::npos);
  EXPECT_NE(page.find("<h2>Memory</h2>\n<p class=\"not-measured\">not measured</p>"),
            std::string::npos);
  EXPECT_NE(page.find("<h2>Operation counts</h2>\n<p class=\"not-measured\">not measured</p>"),
            std::string::npos);
}

TEST(HtmlReportTest, HeaderStatesSamplingFiguresAndCost) {
  std::string page = render(hybrid_profile());
  EXPECT_NE(
      page.find(
          "<tr><th>Sampling rate</th><td>1000.0 Hz asked, 248.5 Hz delivered, cpu clock</td></tr>"),
      std::string::npos);
  EXPECT_NE(page.find("<tr><th>Dropped samples</th><td>7</td></tr>"), std::string::npos);
  EXPECT_NE(page.find("<tr><th>Truncated stacks</th><td>2 (deeper than 128 frames)</td></tr>"),
            std::string::npos);
  EXPECT_NE(
      page.find(
          "<tr><th>Profiler overhead</th><td>0.1% of the run (spans), sampler 0.4%</td></tr>"),
      std::string::npos);
  EXPECT_NE(page.find("<h3>Profiler notes</h3>"), std::string::npos);
}

TEST(HtmlReportTest, MemoryWithoutASeriesSaysNotMeasured) {
  Profile p = exact_profile();
  p.memory.heap_bytes.clear();
  std::string page = render(p);
  EXPECT_NE(page.find("<tr><th>Heap over time</th><td><span class=\"not-measured\">not measured"),
            std::string::npos);
  EXPECT_TRUE(blob(page)["memory"]["heap_bytes"].empty());
}

TEST(HtmlReportTest, TopFunctionsFollowTheTextReportsOrderAndCap) {
  RenderOptions options;
  options.top_functions = 2;
  std::string page = render(exact_profile(), options);
  // By self time: m.fib (300 + 600 ms), then m.load (190 ms); m.main (100 ms) is cut.
  size_t table = page.find("<table class=\"functions\">");
  ASSERT_NE(table, std::string::npos);
  size_t fib =
      page.find("<td class=\"name\">m.fib</td><td class=\"location\">fib.ai:2</td>", table);
  size_t load =
      page.find("<td class=\"name\">m.load</td><td class=\"location\">fib.ai:12</td>", table);
  ASSERT_NE(fib, std::string::npos);
  ASSERT_NE(load, std::string::npos);
  EXPECT_LT(fib, load);
  EXPECT_NE(page.find("<td class=\"num\">900ms</td><td class=\"num\">72.9%</td>", fib),
            std::string::npos);
  EXPECT_EQ(page.find("<td class=\"name\">m.main</td>", table), std::string::npos);
  EXPECT_NE(page.find("... 2 more functions (top_functions 2)"), std::string::npos);
}

// The page opens on the graph: the session header is one summary line in a closed <details>,
// and the flame graph comes before the function table and the memory graph.
TEST(HtmlReportTest, TheGraphComesFirstAndTheHeaderIsOneSummaryLine) {
  std::string page = render(hybrid_profile());
  size_t details =
      page.find("<details id=\"session-details\" class=\"session-summary\">\n<summary>");
  size_t session_table = page.find("<table class=\"kv session\">");
  size_t details_end = page.find("</details>");
  size_t graph = page.find("<section id=\"flamegraph-section\">");
  size_t functions = page.find("<section id=\"functions-section\">");
  size_t memory = page.find("<section id=\"memory-section\">");
  ASSERT_NE(details, std::string::npos);
  EXPECT_LT(details, session_table);
  EXPECT_LT(session_table, details_end);
  EXPECT_LT(details_end, graph);
  EXPECT_LT(graph, functions);
  EXPECT_LT(functions, memory);
  size_t summary_start = page.find("<summary>", details);
  std::string summary =
      page.substr(summary_start, page.find("</summary>", details) - summary_start);
  for (const char* part : {"hybrid (function)", "1.234s", "1000.0 Hz asked, 248.5 delivered",
                           "300 samples, 7 dropped, 2 truncated", "overhead 0.1% + sampler 0.4%",
                           "1 disagreement (exact vs sampled)", "2 notes"})
    EXPECT_NE(summary.find(part), std::string::npos) << part << " not in: " << summary;
  EXPECT_EQ(summary.find('\n'), std::string::npos) << "one line: " << summary;
}

// The merger gives one finding per function; the page lists each once, apart from the other
// notes, even when a note comes twice (merged profiles).
TEST(HtmlReportTest, DisagreementsAreListedOncePerFunction) {
  std::string page = render(hybrid_profile());
  size_t list = page.find("<ul class=\"notes disagreements\">");
  ASSERT_NE(list, std::string::npos);
  std::string findings = page.substr(list, page.find("</ul>", list) - list);
  size_t first = findings.find("<li>disagreement at m.fib:");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(findings.find("<li>", first + 1), std::string::npos) << findings;
  Profile p = exact_profile();
  p.profiler.notes.push_back(p.profiler.notes[0]);
  std::string plain = render(p);
  EXPECT_EQ(plain.find("notes disagreements"), std::string::npos);
  EXPECT_NE(plain.find("<span class=\"sep\"> &middot; </span>1 note <span"), std::string::npos);
  size_t note = plain.find("<li>span cost is included");
  ASSERT_NE(note, std::string::npos);
  EXPECT_EQ(plain.find("<li>span cost is included", note + 1), std::string::npos);
}

// Each table row names its function by the frame standing for it, the id the blob's
// frame_function gives every frame of that function (native frames of one name and file are
// one function), so the page can find the row's frames in the graph.
TEST(HtmlReportTest, TableRowsNameTheFunctionsTheGraphSelects) {
  Profile p = hybrid_profile();
  uint32_t other_line = p.child(2, p.intern_frame(Frame{"memcpy", "", 7, FrameKind::Native}));
  p.nodes[other_line].samples_inclusive = 5;
  p.nodes[other_line].samples_self = 5;
  std::string page = render(p);
  Json d = blob(page);
  const Json& frame_function = d["frame_function"];
  ASSERT_EQ(frame_function.size(), p.frames.size());
  uint32_t memcpy_first = p.nodes[p.nodes[2].children[1]].frame;
  EXPECT_EQ(frame_function[p.nodes[other_line].frame], memcpy_first);
  EXPECT_EQ(frame_function[2], 2);  // m.fib, a function of its own
  for (uint32_t f = 1; f < p.frames.size(); ++f) {
    uint32_t fn = frame_function[f];
    if (fn != f) continue;
    std::string row = "<tr data-function=\"" + std::to_string(f) + "\"><td class=\"num\">";
    size_t at = page.find(row);
    ASSERT_NE(at, std::string::npos) << p.frames[f].name;
    EXPECT_NE(page.find("<td class=\"name\">" + html_escaped(p.frames[f].name) + "</td>", at),
              std::string::npos);
  }
  EXPECT_EQ(page.find("<tr data-function=\"" + std::to_string(p.nodes[other_line].frame) + "\">"),
            std::string::npos);
}

TEST(HtmlReportTest, DeepTreesAreCutAtMaxDepthAndCounted) {
  Profile p;
  p.mode = "exact";
  uint32_t at = 0;
  for (int depth = 1; depth <= 100; ++depth)
    at = add_node(p, at, Frame{"f" + std::to_string(depth % 3), "deep.ai", 1, FrameKind::Function},
                  1, static_cast<uint64_t>(101 - depth), 1);
  RenderOptions options;
  options.max_call_stack_depth = 64;
  Json d = blob(render(p, options));
  EXPECT_EQ(d["nodes"].size(), 65u);
  EXPECT_EQ(d["hidden_nodes"], 36);
  EXPECT_EQ(d["max_depth"], 64);
}

TEST(HtmlReportTest, HugeTreesRenderWholeIntoTheBlob) {
  // A full binary tree of 2^15 - 1 nodes below the root.
  Profile p;
  p.mode = "exact";
  Frame left{"left", "t.ai", 1, FrameKind::Function};
  Frame right{"right", "t.ai", 2, FrameKind::Native};
  std::vector<uint32_t> level{0};
  for (int depth = 1; depth <= 15; ++depth) {
    std::vector<uint32_t> next;
    for (uint32_t parent : level) {
      next.push_back(add_node(p, parent, left, 1, 1u << (16 - depth), 1));
      next.push_back(add_node(p, parent, right, 1, 1u << (16 - depth), 1));
    }
    level = std::move(next);
  }
  ASSERT_EQ(p.nodes.size(), 65535u);
  std::string page = render(p);
  Json d = blob(page);
  EXPECT_EQ(d["nodes"].size(), 65535u);
  EXPECT_EQ(d["hidden_nodes"], 0);
  EXPECT_LT(page.size(), 8u * 1024 * 1024);
}

// The page without the CSS and JS bodies (checked in the browser), against the golden file.
std::string without_assets(std::string page) {
  auto cut = [&](const std::string& open, const std::string& close) {
    size_t start = page.find(open);
    size_t end = page.find(close, start);
    if (start != std::string::npos && end != std::string::npos)
      page.replace(start + open.size(), end - start - open.size(), "\n(cut)\n");
  };
  cut("<style>", "</style>");
  cut("<script>\n// Installed", "</script>");
  size_t code = page.rfind("<script>");
  size_t end = page.find("</script>", code);
  page.replace(code + 8, end - code - 8, "\n(cut)\n");
  return page;
}

TEST(HtmlReportTest, Golden) {
  std::string actual = without_assets(render(hybrid_profile()));
  std::string path = std::string(AIPROF_SOURCE_DIR) + "/tests/golden/report.html";
  golden_file::expect_matches(path, actual);
}

// The pages tests/html_browser_test.sh opens in a browser (beside one made by the real binary),
// written to $AIPROF_HTML_PAGES_DIR when it is set.
TEST(HtmlReportPages, RenderForTheBrowserTest) {
  Profile empty;
  empty.session_name = "empty";
  empty.mode = "exact";
  empty.memory.measured = false;
  std::vector<std::pair<std::string, Profile>> pages = {{"hybrid", hybrid_profile()},
                                                        {"hostile", hostile_names_profile()},
                                                        {"empty", empty},
                                                        {"wide", wide_profile()}};
  const char* dir = std::getenv("AIPROF_HTML_PAGES_DIR");
  for (const auto& [name, profile] : pages) {
    std::string page = render(profile);
    EXPECT_NO_THROW(blob(page)) << name;
    if (!dir) continue;
    std::ofstream out(std::string(dir) + "/" + name + ".html", std::ios::binary);
    out << page;
    EXPECT_TRUE(out.good()) << "cannot write " << dir << "/" << name << ".html";
  }
}

}  // namespace
}  // namespace aiprof::report
