// The text report's Hot Lines table (sampled profiles whose samples carried lines): the lines
// most samples stood at, with their source text. `%self %total samples line function source`.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "report_text_util.hpp"
#include "aiprof/report/sampled_lines.hpp"
#include "source_text.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

constexpr size_t kWhereWidth = 34;  // "file.ai:123 m.function", cut in the middle past this

std::string where(const Profile& p, const HotLine& hot) {
  const Frame& f = p.frames[hot.function_frame];
  std::string file = f.file.empty() ? "" : std::filesystem::path(f.file).filename().string();
  return truncate_middle(fmt::format("{}:{} {}", file, hot.line, f.name), kWhereWidth);
}

// The line's text without its indentation, in what is left of the row.
std::string source(const Profile& p, const HotLine& hot, SourceText& sources, size_t width) {
  const std::string* text = sources.line(p.frames[hot.function_frame].file, hot.line);
  if (!text) return "";
  std::string_view view(*text);
  view.remove_prefix(std::min(view.find_first_not_of(" \t"), view.size()));
  std::string cut(view);
  for (char& c : cut)
    if (c == '\t') c = ' ';
  return width > 0 && display_width(cut) > width ? cut.substr(0, bytes_before_column(cut, width - 1)) + "…"
                                                 : cut;
}

}  // namespace

void hot_lines(const Profile& p, const RenderOptions& options, std::string& out) {
  if (p.line_nodes.empty() || options.hot_lines == 0) return;
  std::vector<HotLine> lines = report::hot_lines(p);
  if (lines.empty()) return;
  uint64_t samples = p.nodes[0].samples_inclusive;
  out += "\nHot Lines (samples by source line; self: the line's own work and the built-ins it ran):\n";
  std::string head = fmt::format("  {:>6} {:>6} {:>7}  {:<{}}  ", "%self", "%total", "samples",
                                 "line  function", kWhereWidth);
  out += head + "source\n";
  size_t source_width = kTextWidth > display_width(head) ? kTextWidth - display_width(head) : 0;
  SourceText sources;
  size_t shown = std::min<size_t>(options.hot_lines, lines.size());
  for (size_t i = 0; i < shown; ++i) {
    const HotLine& hot = lines[i];
    std::string w = where(p, hot);
    out += fmt::format("  {:>6.1f} {:>6.1f} {:>7}  {}{}  {}\n",
                       percent_of(hot.samples_self, samples), percent_of(hot.samples_total, samples),
                       hot.samples_self, w, std::string(kWhereWidth - display_width(w), ' '),
                       source(p, hot, sources, source_width));
  }
  if (shown < lines.size())
    out += fmt::format("  ... {} more lines (see -o profile.pb.gz: go tool pprof -lines)\n",
                       lines.size() - shown);
}

}  // namespace aiprof::report::text
