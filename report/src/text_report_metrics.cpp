// The text report's memory, operation-count and user-metric sections: "- Label: value" lines,
// wrapped under their label when long.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <variant>
#include <vector>

#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

const char* const kNotMeasured = "not measured";

std::string by_type_list(const std::map<std::string, uint64_t>& counts) {
  std::string text;
  for (const auto& [name, count] : counts)
    text += fmt::format("{}{}: {}", text.empty() ? "" : ", ", name, count);
  return text.empty() ? "none" : text;
}

// "string: 120 (4.5KB), array: 30 (1.2KB)": allocations by type, biggest in bytes first.
std::string allocations_by_type_text(const MemoryMetrics& m) {
  std::vector<std::pair<std::string, uint64_t>> rows(m.allocation_bytes_by_type.begin(),
                                                     m.allocation_bytes_by_type.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [name, bytes] : rows) {
    auto count = m.allocations_by_type.find(name);
    fmt::format_to(std::back_inserter(text), "{}{}: {} ({})", text.empty() ? "" : ", ", name,
                   count == m.allocations_by_type.end() ? 0 : count->second, format_bytes(bytes));
  }
  return text.empty() ? "none" : text;
}

// The process beside the heap: its resident set now and then, and its peak.
std::string process_memory(const MemoryMetrics& m) {
  if (m.peak_rss_bytes == 0 && m.rss_bytes.empty()) return kNotMeasured;
  std::string text = "peak " + format_bytes(m.peak_rss_bytes);
  if (!m.rss_bytes.empty())
    text += fmt::format(", {} at start, {} at end ({} measurements)",
                        format_bytes(static_cast<uint64_t>(m.rss_bytes.front().value)),
                        format_bytes(static_cast<uint64_t>(m.rss_bytes.back().value)),
                        m.rss_bytes.size());
  return text;
}

std::string count_and_bytes(bool measured, uint64_t count, uint64_t bytes) {
  return measured ? fmt::format("{} ({})", count, format_bytes(bytes)) : kNotMeasured;
}

// "N (top: a 5, b 3, ...)" with at most `limit` names, biggest first.
std::string with_breakdown(uint64_t total, const std::map<std::string, uint64_t>& by_name,
                           size_t limit = 5) {
  std::vector<std::pair<std::string, uint64_t>> rows(by_name.begin(), by_name.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
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
  list_line(out, "Total Allocations",
            count_and_bytes(m.allocations_measured, m.total_allocations, m.total_allocation_bytes));
  list_line(out, "Total Deallocations",
            count_and_bytes(m.deallocations_measured, m.total_deallocations,
                            m.total_deallocation_bytes));
  list_line(out, "Peak Memory Usage", m.peak_measured ? format_bytes(m.peak_memory_bytes) : kNotMeasured);
  list_line(out, "Allocations by Type",
            m.allocations_measured ? allocations_by_type_text(m) : kNotMeasured);
  list_line(out, "Live at End",
            fmt::format("{} in {} objects", format_bytes(m.live_bytes_at_end), m.live_objects_at_end));
  list_line(out, "Objects Created by Type", by_type_list(m.objects_by_type));
  list_line(out, "Live Objects by Type", by_type_list(m.live_objects_by_type));
  list_line(out, "Reference Counts (live containers)",
            m.refcount_measured ? by_type_list(m.refcount_histogram) : kNotMeasured);
  list_line(out, "GC Collections",
            fmt::format("{} (reclaimed {} in {} objects, {})", m.gc_collections,
                        format_bytes(m.gc_reclaimed_bytes), m.gc_reclaimed_objects,
                        format_duration(m.gc_time_ns)));
  list_line(out, "Process Memory (RSS)", process_memory(m));
}

void operations(const Profile& p, std::string& out) {
  const OperationMetrics& o = p.operations;
  out += "\nOperation Counts:\n";
  if (!o.measured) {
    out += "- not measured\n";
    return;
  }
  // A category that was not tracked reads as not measured, never as 0.
  auto line = [&](const char* label, const char* category, uint64_t count,
                  const std::map<std::string, uint64_t>* by_name = nullptr) {
    list_line(out, label,
              !o.counted(category) ? kNotMeasured
              : by_name            ? with_breakdown(count, *by_name)
                                   : std::to_string(count));
  };
  line("Arithmetic", "arithmetic", o.arithmetic);
  line("Comparison", "comparison", o.comparison);
  line("Logical", "logical", o.logical);
  line("String", "string", o.string);
  line("Array", "array", o.array);
  line("Object", "object", o.object);
  line("Function Calls", "function_calls", o.function_calls, &o.calls_by_function);
  line("Variable Accesses", "variable_accesses", o.variable_accesses, &o.accesses_by_variable);
  line("Property Accesses", "property_accesses", o.property_accesses,
       &o.property_accesses_by_type);
  line("String Dictionary", "string_dictionary", o.string_dictionary, &o.dictionary_by_operation);
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
