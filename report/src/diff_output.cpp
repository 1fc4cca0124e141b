// The text table of `anarchy report diff`: what was compared, the headline (profiled and wall
// time, base against new), the rule that decided, and one row per function, in 100 columns.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "aiprof/report/diff.hpp"
#include "diff_parts.hpp"
#include "diff_text_parts.hpp"

namespace aiprof::report {

namespace diff_detail {

// The decimals of a figure of `reference` ms: 3 significant digits or more.
int ms_decimals(double reference) {
  double magnitude = std::fabs(reference);
  return magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
}

std::string milliseconds(double ms) {
  return ms == 0 ? "0" : fmt::format("{:.{}f}", ms, ms_decimals(ms));
}

std::string change_text(const FunctionDiff& d) {
  if (d.change_pct) return fmt::format("{:+.1f}%", *d.change_pct);
  return d.new_ms > 0 ? "new" : "-";
}

std::string side_text(const DiffSideSummary& s) {
  std::string text = std::to_string(s.runs) + (s.runs == 1 ? " run" : " runs") + " (" + s.mode;
  if (!s.granularity.empty()) text += ", " + s.granularity + " granularity";
  text += ", " + s.clock + " clock";
  return text + (s.sampled ? ", times estimated from samples)" : ")");
}

}  // namespace diff_detail

std::string diff_rule_text(const ProfileDiff& diff) {
  using namespace diff_detail;
  bool wall = wall_single_run(diff);
  std::string floor =
      fmt::format("by more than the noise floor ({:.0f} x span cost x calls, ",
                  kDiffSpanCostFactor) +
      fmt::format("{:.0f}% of the session", kDiffSessionShareFloor * 100) +
      (wall ? fmt::format(", {:.0f} ms on the wall clock)", kDiffWallClockFloorMs) : ")");
  std::string twice =
      wall ? fmt::format("{:.0f}x or more (wall clock: waiting for a CPU lands in whatever ran)",
                         kDiffSingleRunWallRatio)
           : fmt::format("{:.0f}x or more", kDiffSingleRunRatio);
  DiffMethod method = diff.method;
  std::string alpha = fmt::format("{:.2g}", kDiffAlpha);
  switch (method) {
    case DiffMethod::Runs:
      return "Significant: Welch's t-test across runs, Holm-adjusted p < " + alpha +
             fmt::format(", a change of the mean of {:.0f}% or more, ", kDiffMinRunsChange * 100) +
             floor + ".";
    case DiffMethod::Samples:
      return "Significant: sampling noise (exact Poisson test, Holm-adjusted p < " + alpha +
             ") and, as one run per side says nothing of run-to-run variation, a change of " +
             twice + ", " + floor +
             ". Give 2 or more runs per side (--new) to see smaller changes.";
    case DiffMethod::Exact:
      return "Significant: one run per side says nothing of run-to-run variation, so only a "
             "change of " +
             twice + ", " + floor +
             ". Give 2 or more runs per side (--new) to see smaller changes.";
    case DiffMethod::Mixed:
      return "Significant: exact against sampled times (no common test), so only a change of " +
             twice + ", " + floor + ".";
  }
  return "";
}

namespace diff_detail {

// `text` cut into lines of at most `width` columns at spaces.
std::string wrapped(const std::string& text, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + (line.empty() ? "" : line + "\n");
}

std::string pad(const std::string& text, size_t width, bool right) {
  if (text.size() >= width) return text;
  std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace diff_detail

namespace {

using namespace diff_detail;

constexpr size_t kWidth = 100;
constexpr size_t kValueWidth = 17, kChangeWidth = 9, kPWidth = 8;

std::string headline_row(const std::string& label, double base_ms, double next_ms) {
  std::string change =
      base_ms > 0 ? fmt::format("{:+.1f}%", (next_ms - base_ms) / base_ms * 100) : "-";
  return pad(label, 16, false) + pad(milliseconds(base_ms) + " ms", kValueWidth, true) +
         pad(milliseconds(next_ms) + " ms", kValueWidth, true) + pad(change, kChangeWidth, true) +
         "\n";
}

std::string headline(const ProfileDiff& diff) {
  std::string out = "Base: " + side_text(diff.base) + "\nNew:  " + side_text(diff.next) + "\n";
  out += pad("", 16, false) + pad("base", kValueWidth, true) + pad("new", kValueWidth, true) +
         pad("change", kChangeWidth, true) + "\n";
  out += headline_row("Total time", diff.base.total_ms, diff.next.total_ms);
  out += headline_row("Wall time", diff.base.wall_ms, diff.next.wall_ms);
  return out;
}

bool has_tests(DiffMethod method) {
  return method == DiffMethod::Runs || method == DiffMethod::Samples;
}

// A figure and how sure it is: "787 ±55" (sampled: the 95% interval; runs: the deviation).
std::string figure(double ms, double spread) {
  if (spread <= 0) return milliseconds(ms);
  int decimals = ms_decimals(std::max(ms, spread));
  return fmt::format("{:.{}f} ±{:.{}f}", ms, decimals, spread, decimals);
}

std::string p_text(const FunctionDiff& d) {
  if (!d.p_adjusted) return "";
  return *d.p_adjusted < 0.001 ? "<0.001" : fmt::format("{:.3f}", *d.p_adjusted);
}

std::string row_text(const FunctionDiff& d, size_t name_width, bool tests) {
  std::string name = d.name.size() > name_width ? d.name.substr(0, name_width - 3) + "..." : d.name;
  std::string out = pad(name, name_width, false) +
                    pad(figure(d.base_ms, d.base_spread_ms), kValueWidth, true) +
                    pad(figure(d.new_ms, d.new_spread_ms), kValueWidth, true) +
                    pad(change_text(d), kChangeWidth, true);
  if (tests) out += pad(p_text(d), kPWidth, true);
  if (d.significant) out += d.new_ms > d.base_ms ? "  yes (slower)" : "  yes (faster)";
  return out + "\n";
}

std::string value_header(const ProfileDiff& diff, const char* side, bool sampled) {
  if (diff.method == DiffMethod::Runs) return std::string(side) + " ms ±sd";
  return std::string(side) + (sampled ? " ms ±95%" : " ms");
}

}  // namespace

std::string diff_text(const ProfileDiff& diff) {
  bool tests = has_tests(diff.method);
  size_t fixed_width = 2 * kValueWidth + kChangeWidth + (tests ? kPWidth : 0) + 14;
  size_t name_width = 8;
  for (const FunctionDiff& d : diff.functions) name_width = std::max(name_width, d.name.size());
  name_width = std::min(name_width, kWidth - fixed_width);
  std::string out;
  for (const std::string& w : diff.warnings) out += wrapped("WARNING: " + w, kWidth);
  out += headline(diff) + wrapped(diff_rule_text(diff), kWidth) + "\n";
  out += pad("Function", name_width, false) +
         pad(value_header(diff, "Base", diff.base.sampled), kValueWidth, true) +
         pad(value_header(diff, "New", diff.next.sampled), kValueWidth, true) +
         pad("Change", kChangeWidth, true) + (tests ? pad("p", kPWidth, true) : "") +
         "  Significant\n";
  for (const FunctionDiff& d : diff.functions) out += row_text(d, name_width, tests);
  if (diff.functions.empty()) out += "(no functions in either profile)\n";
  return out;
}

}  // namespace aiprof::report
