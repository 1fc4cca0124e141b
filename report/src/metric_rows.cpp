#include "metric_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>

#include "report_text_util.hpp"

namespace aiprof::report {

namespace {

std::string named(const RowStyle& style, std::string_view name) {
  return style.escape ? style.escape(name) : std::string(name);
}

std::string by_type_list(const std::map<std::string, uint64_t>& counts, const RowStyle& style) {
  std::string text;
  for (const auto& [name, count] : counts)
    fmt::format_to(std::back_inserter(text), "{}{}: {}", text.empty() ? "" : ", ",
                   named(style, name), count);
  return text.empty() ? "none" : text;
}

// "string: 120 (4.5KB), array: 30 (1.2KB)": allocations by type, biggest in bytes first.
std::string allocations_by_type(const MemoryMetrics& m, const RowStyle& style) {
  std::string text;
  for (const auto& [name, bytes] : biggest_first(m.allocation_bytes_by_type)) {
    auto count = m.allocations_by_type.find(name);
    fmt::format_to(std::back_inserter(text), "{}{}: {} ({})", text.empty() ? "" : ", ",
                   named(style, name), count == m.allocations_by_type.end() ? 0 : count->second,
                   format_bytes(bytes));
  }
  return text.empty() ? "none" : text;
}

// The process beside the heap: its resident set at start and end, and its peak.
std::string process_memory(const MemoryMetrics& m, const RowStyle& style) {
  if (m.peak_rss_bytes == 0 && m.rss_bytes.empty()) return style.not_measured;
  std::string text = "peak " + format_bytes(m.peak_rss_bytes);
  if (m.rss_bytes.empty()) return text;
  size_t n = m.rss_bytes.size();
  return text + fmt::format(", {} at start, {} at end ({})",
                            format_bytes(static_cast<uint64_t>(m.rss_bytes.front().value)),
                            format_bytes(static_cast<uint64_t>(m.rss_bytes.back().value)),
                            style.rss_graph_above
                                ? fmt::format("{} measurement{}, graph above", n, n == 1 ? "" : "s")
                                : fmt::format("{} measurements", n));
}

std::string count_and_bytes(bool measured, uint64_t count, uint64_t bytes,
                            const RowStyle& style) {
  return measured ? fmt::format("{} ({})", count, format_bytes(bytes)) : style.not_measured;
}

}  // namespace

std::string sentence_case(std::string_view title) {
  std::string out(title);
  bool word_start = false;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ' ') {
      word_start = true;
      continue;
    }
    bool acronym = i + 1 < out.size() && std::isupper(static_cast<unsigned char>(out[i + 1]));
    if (word_start && !acronym) out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
    word_start = false;
  }
  return out;
}

std::vector<std::pair<std::string, uint64_t>> biggest_first(
    const std::map<std::string, uint64_t>& counts) {
  std::vector<std::pair<std::string, uint64_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return rows;
}

std::vector<MetricRow> memory_rows(const MemoryMetrics& m, const RowStyle& style) {
  return {
      {"Total Allocations", count_and_bytes(m.allocations_measured, m.total_allocations,
                                            m.total_allocation_bytes, style)},
      {"Total Deallocations", count_and_bytes(m.deallocations_measured, m.total_deallocations,
                                              m.total_deallocation_bytes, style)},
      {"Peak Memory Usage",
       m.peak_measured ? format_bytes(m.peak_memory_bytes) : style.not_measured},
      {"Allocations by Type",
       m.allocations_measured ? allocations_by_type(m, style) : style.not_measured},
      {"Live at End", fmt::format("{} in {} objects", format_bytes(m.live_bytes_at_end),
                                  m.live_objects_at_end)},
      {"Objects Created by Type", by_type_list(m.objects_by_type, style)},
      {"Live Objects by Type", by_type_list(m.live_objects_by_type, style)},
      {"Reference Counts (live containers)",
       m.refcount_measured ? by_type_list(m.refcount_histogram, style) : style.not_measured},
      {"GC Collections",
       fmt::format("{} (reclaimed {} in {} objects, {})", m.gc_collections,
                   format_bytes(m.gc_reclaimed_bytes), m.gc_reclaimed_objects,
                   format_duration(m.gc_time_ns))},
      {"Process Memory (RSS)", process_memory(m, style)},
  };
}

std::vector<OperationRow> operation_rows(const OperationMetrics& o) {
  auto row = [&](const char* label, const char* category, uint64_t count,
                 const std::map<std::string, uint64_t>* by_name = nullptr) {
    return OperationRow{label, o.counted(category), count, by_name};
  };
  return {
      row("Arithmetic", "arithmetic", o.arithmetic),
      row("Comparison", "comparison", o.comparison),
      row("Logical", "logical", o.logical),
      row("String", "string", o.string),
      row("Array", "array", o.array),
      row("Object", "object", o.object),
      row("Function Calls", "function_calls", o.function_calls, &o.calls_by_function),
      row("Variable Accesses", "variable_accesses", o.variable_accesses, &o.accesses_by_variable),
      row("Property Accesses", "property_accesses", o.property_accesses,
          &o.property_accesses_by_type),
      row("String Dictionary", "string_dictionary", o.string_dictionary,
          &o.dictionary_by_operation),
  };
}

}  // namespace aiprof::report
