// The text report's memory, operation-count and user-metric sections: "- Label: value" lines,
// wrapped under their label when long.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <variant>
#include <vector>

#include "metric_rows.hpp"
#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

const char* const kNotMeasured = "not measured";

// "N (top: a 5, b 3, ...)" with at most `limit` names, biggest first.
std::string with_breakdown(uint64_t total, const std::map<std::string, uint64_t>& by_name,
                           size_t limit = 5) {
  std::vector<std::pair<std::string, uint64_t>> rows = biggest_first(by_name);
  std::string text = std::to_string(total);
  if (rows.empty()) return text;
  text += " (";
  for (size_t i = 0; i < rows.size() && i < limit; ++i)
    text += fmt::format("{}{}: {}", i ? ", " : "", truncate_middle(rows[i].first, 40), rows[i].second);
  if (rows.size() > limit) text += ", ...";
  return text + ")";
}

}  // namespace

void list_line(std::string& out, std::string_view label, std::string_view value) {
  append_wrapped(out, fmt::format("{}: {}", label, value), "- ", "    ", kTextWidth);
}

void memory(const Profile& p, std::string& out) {
  const MemoryMetrics& m = p.memory;
  out += "\nMemory Usage:\n";
  if (!m.measured) {
    out += "- not measured\n";
    return;
  }
  for (const MetricRow& row : memory_rows(m, RowStyle{})) list_line(out, row.label, row.value);
}

void operations(const Profile& p, std::string& out) {
  const OperationMetrics& o = p.operations;
  out += "\nOperation Counts:\n";
  if (!o.measured) {
    out += "- not measured\n";
    return;
  }
  for (const OperationRow& row : operation_rows(o))
    list_line(out, row.label,
              !row.counted  ? kNotMeasured
              : row.by_name ? with_breakdown(row.count, *row.by_name)
                            : std::to_string(row.count));
}

void custom_metrics(const Profile& p, std::string& out) {
  if (p.metrics.empty()) return;
  out += "\nMetrics:\n";
  for (const auto& [name, value] : p.metrics) {
    std::string text = std::holds_alternative<int64_t>(value) ? std::to_string(std::get<int64_t>(value))
                       : std::holds_alternative<double>(value)
                           ? fmt::format("{}", std::get<double>(value))
                           : std::get<std::string>(value);
    list_line(out, name, text);
  }
}

}  // namespace aiprof::report::text
