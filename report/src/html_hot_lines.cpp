// The HTML report's Hot Lines section (sampled profiles whose samples carried lines): the
// source of the hottest functions, each line with its self samples as a bar, as Scalene and
// pprof's weblist show them. Static HTML, no script.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "html_parts.hpp"
#include "aiprof/report/sampled_lines.hpp"
#include "source_text.hpp"

namespace aiprof::report::html {

namespace {

constexpr size_t kFunctionsShown = 3;  // the functions with most line samples
constexpr uint32_t kMaxLinesShown = 80;  // of each, from its first line

struct HotFunction {
  uint32_t frame = 0;
  uint64_t samples = 0;                 // self samples over its lines
  std::map<uint32_t, HotLine> lines;    // by line
};

std::vector<HotFunction> hottest_functions(const Profile& p) {
  std::map<uint32_t, HotFunction> by_frame;
  for (const HotLine& hot : hot_lines(p)) {
    HotFunction& f = by_frame[hot.function_frame];
    f.frame = hot.function_frame;
    f.samples += hot.samples_self;
    f.lines[hot.line] = hot;
  }
  std::vector<HotFunction> out;
  for (auto& [frame, f] : by_frame)
    if (f.samples > 0) out.push_back(std::move(f));
  std::stable_sort(out.begin(), out.end(),
                   [](const HotFunction& a, const HotFunction& b) { return a.samples > b.samples; });
  if (out.size() > kFunctionsShown) out.resize(kFunctionsShown);
  return out;
}

void source_row(std::string& out, uint32_t line, const std::string* text, const HotLine* hot,
                uint64_t samples) {
  double share = hot ? 100.0 * static_cast<double>(hot->samples_self) / static_cast<double>(samples) : 0;
  out += "<tr" + std::string(hot && hot->samples_self ? " class=\"hot\"" : "") + "><td class=\"num\">" +
         count_text(line) + "</td><td class=\"num\">" +
         (hot && hot->samples_self ? count_text(hot->samples_self) : "") + "</td><td class=\"bar\">";
  if (share > 0) out += "<div style=\"width:" + fmt::format("{:.1f}", std::max(share, 0.5)) + "%\"></div>";
  out += "</td><td class=\"num\">" + (share > 0 ? percent_text(share) : "") + "</td><td><code>" +
         (text ? escape(*text) : "") + "</code></td></tr>\n";
}

// From the function's first line (its declaration) to its last sampled line, one more.
void function_source(const Profile& p, const HotFunction& f, uint64_t samples, SourceText& sources,
                     std::string& out) {
  const Frame& frame = p.frames[f.frame];
  uint32_t first = frame.line ? frame.line : f.lines.begin()->first;
  uint32_t last = std::min(f.lines.rbegin()->first + 1, first + kMaxLinesShown);
  if (uint32_t count = sources.line_count(frame.file)) last = std::min(last, count);
  out += "<h3><code>" + escape(frame.name) + "</code> <span class=\"muted\">" + escape(frame.file) +
         " &middot; " + count_text(f.samples) + " samples</span></h3>\n";
  out += "<table class=\"source\">\n<tr><th class=\"num\">line</th><th class=\"num\">samples</th>"
         "<th></th><th class=\"num\">%</th><th>source</th></tr>\n";
  for (uint32_t line = first; line <= last; ++line) {
    auto hot = f.lines.find(line);
    source_row(out, line, sources.line(frame.file, line), hot == f.lines.end() ? nullptr : &hot->second,
               samples);
  }
  out += "</table>\n";
}

}  // namespace

void hot_lines_html(const Profile& p, std::string& out) {
  if (p.line_nodes.empty()) return;
  std::vector<HotFunction> functions = hottest_functions(p);
  if (functions.empty()) return;
  uint64_t samples = std::max<uint64_t>(p.nodes[0].samples_inclusive, 1);
  out += "<section id=\"hot-lines-section\">\n<h2>Hot lines</h2>\n<p class=\"hint\">The source of "
         "the functions with most samples, each line with the samples taken there (its own "
         "work and the built-ins it ran; % of all samples).</p>\n";
  SourceText sources;
  for (const HotFunction& f : functions) function_source(p, f, samples, sources, out);
  out += "</section>\n";
}

}  // namespace aiprof::report::html
