// The text table and the JSON list of `anarchy report diff`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "aiprof/report/diff.hpp"

namespace aiprof::report {

namespace {

std::string fixed(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string change_text(const FunctionDiff& d) {
  if (d.change_pct) return fixed("%+.1f%%", *d.change_pct);
  return d.new_ms > 0 ? "new" : "-";
}

std::string verdict(const FunctionDiff& d) {
  if (!d.significant) return "";
  return d.new_ms > d.base_ms ? "yes (slower)" : "yes (faster)";
}

std::string rule_text(DiffMethod method) {
  char text[256];
  if (method == DiffMethod::Samples)
    std::snprintf(
        text, sizeof text,
        "sampled self time; significant: |z| > %.0f (Poisson) and a change of %.0f%% or more",
        kDiffZThreshold, kDiffMinSampledChange * 100);
  else
    std::snprintf(text, sizeof text,
                  "%s self time; significant: a change of %.0f%% or more, beyond %.0f x span "
                  "cost x calls and %.0f%% of the session",
                  method == DiffMethod::Exact ? "exact" : "exact or sampled",
                  kDiffMinExactChange * 100, kDiffSpanCostFactor, kDiffSessionShareFloor * 100);
  return text;
}

std::string pad(const std::string& text, size_t width, bool right) {
  if (text.size() >= width) return text;
  std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string diff_text(const ProfileDiff& diff) {
  size_t name_width = 8;
  for (const FunctionDiff& d : diff.functions) name_width = std::max(name_width, d.name.size());
  name_width = std::min<size_t>(name_width, 60);
  std::string out = "Compared by " + rule_text(diff.method) + "\n";
  out += pad("Function", name_width, false) + pad("Base ms", 14, true) + pad("New ms", 14, true) +
         pad("Change", 10, true) + "  Significant\n";
  for (const FunctionDiff& d : diff.functions)
    out += pad(d.name, name_width, false) + pad(fixed("%.3f", d.base_ms), 14, true) +
           pad(fixed("%.3f", d.new_ms), 14, true) + pad(change_text(d), 10, true) +
           (d.significant ? "  " + verdict(d) : "") + "\n";
  if (diff.functions.empty()) out += "(no functions in either profile)\n";
  return out;
}

std::string diff_json(const ProfileDiff& diff) {
  using Json = nlohmann::ordered_json;
  Json rows = Json::array();
  for (const FunctionDiff& d : diff.functions) {
    Json row;
    row["name"] = d.name;
    row["base_ms"] = d.base_ms;
    row["new_ms"] = d.new_ms;
    row["change_pct"] = d.change_pct ? Json(*d.change_pct) : Json(nullptr);
    row["significant"] = d.significant;
    rows.push_back(std::move(row));
  }
  return rows.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace aiprof::report
