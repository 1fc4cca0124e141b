// The JSON of `anarchy report diff --json` (docs/report-schema.md): the sides, the rule and
// one object per function.
#include <nlohmann/json.hpp>

#include "aiprof/report/diff.hpp"
#include "diff_text_parts.hpp"

namespace aiprof::report {

namespace {

using Json = nlohmann::ordered_json;

Json side_json(const DiffSideSummary& s) {
  Json out;
  out["runs"] = s.runs;
  out["mode"] = s.mode;
  out["granularity"] = s.granularity;
  out["clock"] = s.clock;
  out["sampled"] = s.sampled;
  out["total_ms"] = s.total_ms;
  out["session_ms"] = s.session_ms;
  out["wall_ms"] = s.wall_ms;
  return out;
}

Json optional_number(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json row_json(const FunctionDiff& d) {
  Json row;
  row["name"] = d.name;
  row["kind"] = frame_kind_name(d.kind);
  row["base_ms"] = d.base_ms;
  row["new_ms"] = d.new_ms;
  row["base_spread_ms"] = d.base_spread_ms;
  row["new_spread_ms"] = d.new_spread_ms;
  row["change_pct"] = optional_number(d.change_pct);
  row["p"] = optional_number(d.p);
  row["p_adjusted"] = optional_number(d.p_adjusted);
  row["significant"] = d.significant;
  row["base_calls"] = d.base_calls;
  row["new_calls"] = d.new_calls;
  row["base_samples"] = d.base_samples;
  row["new_samples"] = d.new_samples;
  row["base_runs_ms"] = d.base_runs_ms;
  row["new_runs_ms"] = d.new_runs_ms;
  return row;
}

}  // namespace

std::string diff_json(const ProfileDiff& diff) {
  Json out;
  out["method"] = diff_method_name(diff.method);
  out["rule"] = diff_rule_text(diff);
  out["warnings"] = diff.warnings;
  out["base"] = side_json(diff.base);
  out["new"] = side_json(diff.next);
  Json rows = Json::array();
  for (const FunctionDiff& d : diff.functions) rows.push_back(row_json(d));
  out["functions"] = std::move(rows);
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace aiprof::report
