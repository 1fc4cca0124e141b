// The text report's Top Functions table: aligned columns, one function a row, biggest self
// first. `%self %total self total calls function file:line`, and where the figures are sampled
// the 95% interval of each share. Names too wide for the line are cut in the middle.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "aiprof/report/statistics.hpp"
#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

// The right-aligned figure columns, then the function and where it is (left-aligned).
struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;  // figures..., function, file:line
};

std::string percent(uint64_t part, uint64_t whole) {
  return fmt::format("{:.1f}", percent_of(part, whole));
}

// "33.1-35.3": a sampled share's 95% interval (as sure as the samples drawn).
std::string interval(uint64_t k, uint64_t n, uint64_t draws) {
  Interval ci = weighted_share_interval(k, n, draws);
  return fmt::format("{:.1f}-{:.1f}", 100 * ci.low, 100 * ci.high);
}

std::string function_name(const Profile& p, const FunctionTotal& t, bool disagrees) {
  const Frame& f = p.frames[t.frame];
  // (A pseudo-frame, "<interpreter: ...>", says what it is already.)
  bool tagged = f.kind == FrameKind::Native && !f.name.starts_with('<');
  return (disagrees ? "! " : "") + f.name + (tagged ? " [native]" : "");
}

std::string location(const Frame& f, bool several_lines) {
  if (f.file.empty()) return "";
  return f.line && !several_lines ? fmt::format("{}:{}", f.file, f.line) : f.file;
}

std::vector<bool> disagreeing_frames(const Profile& p) {
  std::vector<bool> disagrees(p.frames.size(), false);
  for (const CallNode& n : p.nodes)
    if (n.disagreement) disagrees[n.frame] = true;
  return disagrees;
}

// One row's figures in the profile's mode: exact, sampled, or both (hybrid).
std::vector<std::string> figures(const Profile& p, const FunctionTotal& t) {
  std::vector<std::string> cells;
  uint64_t samples = p.nodes[0].samples_inclusive, draws = p.sampling ? p.sampling->samples : 0;
  if (p.time_measured) {
    cells = {percent(t.self_ns, p.duration_ns), percent(t.inclusive_ns, p.duration_ns),
             format_duration(t.self_ns), format_duration(t.inclusive_ns),
             std::to_string(t.calls)};
    if (p.sampling)
      cells.insert(cells.end(), {interval(t.samples_self, samples, draws),
                                 interval(t.samples_inclusive, samples, draws)});
    return cells;
  }
  return {percent(t.samples_self, samples), interval(t.samples_self, samples, draws),
          percent(t.samples_inclusive, samples), interval(t.samples_inclusive, samples, draws),
          std::to_string(t.samples_self), std::to_string(t.samples_inclusive)};
}

std::vector<std::string> headers(const Profile& p) {
  std::string calls = p.profiler.filtered_spans ? "calls*" : "calls";
  if (!p.time_measured)
    return {"%self", "95% CI", "%total", "95% CI", "self", "total", "function", "file:line"};
  if (p.sampling)
    return {"%self", "%total", "self", "total", calls, "~%self", "~%total", "function",
            "file:line"};
  return {"%self", "%total", "self", "total", calls, "function", "file:line"};
}

// Widths of the figure columns (right-aligned, one space apart) and of the function column.
struct Layout {
  std::vector<size_t> widths;
  size_t function = 0;
};

Layout layout_of(const Table& t) {
  Layout l;
  size_t figures = t.headers.size() - 2, used = 0, longest_location = 0;
  l.widths.assign(figures, 0);
  for (size_t c = 0; c < figures; ++c) {
    l.widths[c] = display_width(t.headers[c]);
    for (const auto& row : t.rows) l.widths[c] = std::max(l.widths[c], display_width(row[c]));
    used += l.widths[c] + 1;
  }
  l.function = display_width(t.headers[figures]);
  for (const auto& row : t.rows) {
    l.function = std::max(l.function, display_width(row[figures]));
    longest_location = std::max(longest_location, display_width(row[figures + 1]));
  }
  // Two spaces before the function, two before its location; the location keeps what the
  // longest function leaves, and at least two fifths of the room when both are long.
  size_t room = kTextWidth > used + 4 ? kTextWidth - used - 4 : 8;
  size_t location_room =
      std::min(longest_location, std::max(room > l.function ? room - l.function : 0, room * 2 / 5));
  l.function = std::min(l.function, room - location_room);
  return l;
}

void append_row(const std::vector<std::string>& row, const Layout& l, std::string& out) {
  std::string line;
  for (size_t c = 0; c < l.widths.size(); ++c)
    line += fmt::format("{}{:>{}}", c ? " " : "", row[c], l.widths[c]);
  std::string name = truncate_middle(row[l.widths.size()], l.function);
  line += "  " + name;
  const std::string& where = row[l.widths.size() + 1];
  if (!where.empty()) {
    line += std::string(l.function - display_width(name) + 2, ' ');
    size_t used = display_width(line);
    line += truncate_start(where, kTextWidth > used ? kTextWidth - used : 0);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line + "\n";
}

std::string title(const Profile& p, size_t shown, size_t of) {
  std::string what = !p.time_measured ? "by self samples, 95% intervals of the shares"
                     : p.sampling     ? "by exact self time; ~: sampled 95% intervals, ! where "
                                        "they disagree"
                                      : "by self time";
  std::string text;
  append_wrapped(text, fmt::format("Top Functions ({}; {} of {}):", what, shown, of), "", "  ",
                 kTextWidth);
  return text;
}

void footnotes(const Profile& p, size_t hidden, std::string& out) {
  if (hidden) out += fmt::format("  ... {} more functions (--top)\n", hidden);
  if (p.time_measured && p.profiler.filtered_spans)
    append_wrapped(out,
                   fmt::format("* calls are lower bounds: {} spans shorter than min_duration {} "
                               "were not recorded (Operation Counts has every call)",
                               p.profiler.filtered_spans, format_duration(p.profiler.min_duration_ns)),
                   "", "  ", kTextWidth);
}

}  // namespace

void top_functions(const Profile& p, const RenderOptions& options, std::string& out) {
  out += "\n";
  if (!p.time_measured && !p.sampling) {
    out += "Top Functions: not measured\n";
    return;
  }
  if (!p.time_measured && p.nodes[0].samples_inclusive == 0) {
    out += "Top Functions: no samples\n";
    return;
  }
  std::vector<FunctionTotal> totals = functions_by_self_time(p);
  if (!p.time_measured)  // functions never sampled are not in a sampled table
    std::erase_if(totals, [](const FunctionTotal& t) { return t.samples_inclusive == 0; });
  std::vector<bool> disagrees = disagreeing_frames(p);
  Table table{headers(p), {}};
  for (const FunctionTotal& t : totals) {
    if (table.rows.size() == options.top_functions) break;
    std::vector<std::string> row = figures(p, t);
    row.push_back(function_name(p, t, disagrees[t.frame]));
    row.push_back(location(p.frames[t.frame], t.several_lines));
    table.rows.push_back(std::move(row));
  }
  out += title(p, table.rows.size(), totals.size());
  Layout l = layout_of(table);
  append_row(table.headers, l, out);
  for (const auto& row : table.rows) append_row(row, l, out);
  footnotes(p, totals.size() - table.rows.size(), out);
}

}  // namespace aiprof::report::text
