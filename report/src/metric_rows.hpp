// The rows of the memory and operation-count sections, built once for the text and the HTML
// report (text_report_metrics.cpp, html_report.cpp): which figures, in which order, and what
// reads as not measured. Each writer lays the rows out its own way. Not async-signal-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// How a writer spells values: names are escaped (HTML) or not (text); "not measured" is plain
// or marked up; the HTML report has the RSS graph to point at.
struct RowStyle {
  std::string (*escape)(std::string_view) = nullptr;  // nullptr: names as they are
  std::string not_measured = "not measured";
  bool rss_graph_above = false;
};

// A label ("Total Allocations": title case; sentence_case() for the HTML) and its value.
struct MetricRow {
  std::string label;
  std::string value;
};

// "Total Allocations" -> "Total allocations"; acronyms (GC, RSS) and the first word stay.
std::string sentence_case(std::string_view title);

// (name, count) biggest first, names tied kept in name order.
std::vector<std::pair<std::string, uint64_t>> biggest_first(
    const std::map<std::string, uint64_t>& counts);

// The memory section's rows (its caller checks MemoryMetrics::measured). The last row is the
// process memory (RSS).
std::vector<MetricRow> memory_rows(const MemoryMetrics& m, const RowStyle& style);

// One operation category: its label, whether it was counted (a category not tracked reads as
// not measured, never as 0), its count, and its counts by name where there are some.
struct OperationRow {
  const char* label;
  bool counted;
  uint64_t count;
  const std::map<std::string, uint64_t>* by_name;  // nullptr: none
};
std::vector<OperationRow> operation_rows(const OperationMetrics& o);

}  // namespace aiprof::report
