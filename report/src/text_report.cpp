// The text report, laid out as profiling-design.md shows it: header, top functions, memory,
// GC, operation counts, call graph, then what the profiler cost and could not measure.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "aiprof/report/report_writer.hpp"
#include "aiprof/report/statistics.hpp"
#include "expression_sites_text.hpp"
#include "report_text_util.hpp"

namespace aiprof::report {

namespace {

using std::to_string;

std::string metric_text(const MetricValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    char text[48];
    std::snprintf(text, sizeof text, "%g", *d);
    return text;
  }
  return std::get<std::string>(v);
}

std::string location_text(const Frame& f, bool several_lines = false) {
  if (f.file.empty()) return "";
  return "  [" + f.file + (f.line && !several_lines ? ":" + to_string(f.line) : "") + "]";
}

// Native frames are one per source line, so one function's lines can be siblings in the
// tree: the tag tells them apart.
std::string native_tag(const Frame& f) {
  if (f.kind != FrameKind::Native) return "";
  if (f.file.empty() || f.line == 0) return " [native]";
  return " [native, " + std::filesystem::path(f.file).filename().string() + ":" +
         to_string(f.line) + "]";
}

std::string hz(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f Hz", rate);
  return text;
}

std::string dropped_reasons(const SamplingInfo& s) {
  if (s.unsettled_copies == 0) return "ring full";
  uint64_t ring_full = s.dropped_samples - std::min(s.unsettled_copies, s.dropped_samples);
  return to_string(ring_full) + " ring full, " +
         to_string(s.unsettled_copies) + " stack changing under every copy";
}

// What the sampler was asked for and what it delivered, before any figure built on it.
void sampling_header(const SamplingInfo& s, std::string& out) {
  out += "Sampling: " + hz(s.rate_requested_hz) + " asked, " + hz(s.rate_delivered_hz) +
         " delivered (" + s.clock + " clock: " + s.clock_source + "; " + s.delivery +
         " delivery)" +
         (s.jitter ? ", jittered" : "") + "\n";
  out += "Samples: " + to_string(s.samples) + " taken, " + to_string(s.dropped_samples) +
         " dropped (" + dropped_reasons(s) + "), " + to_string(s.truncated_stacks) +
         " truncated stacks (over " +
         to_string(s.max_stack) + " frames)" +
         (s.native ? ", " + to_string(s.native_unwind_failures) + " native unwinds failed" : "") +
         ", " + to_string(s.threads) + (s.threads == 1 ? " thread" : " threads") + "\n";
}

// "34.2% (95% CI 33.1-35.3%)": a sampled share with its Wilson interval (as sure as the
// samples drawn, however they were weighted).
std::string share_text(uint64_t k, uint64_t n, uint64_t draws) {
  Interval ci = weighted_share_interval(k, n, draws);
  char text[64];
  std::snprintf(text, sizeof text, "%.1f%% (95%% CI %.1f-%.1f%%)",
                n ? 100.0 * static_cast<double>(k) / static_cast<double>(n) : 0.0,
                100 * ci.low, 100 * ci.high);
  return text;
}

void top_functions_by_samples(const Profile& p, const RenderOptions& options, std::string& out) {
  out += "\nTop Functions by Samples (self):\n";
  uint64_t total = p.nodes[0].samples_inclusive, draws = p.sampling->samples;
  if (total == 0) {
    out += "  no samples (the run was shorter than a sampling period?)\n";
    return;
  }
  std::vector<FunctionTotal> totals = function_totals(p);
  std::stable_sort(totals.begin(), totals.end(), [](const FunctionTotal& a, const FunctionTotal& b) {
    return a.samples_self != b.samples_self ? a.samples_self > b.samples_self
                                            : a.samples_inclusive > b.samples_inclusive;
  });
  uint32_t shown = 0;
  for (const FunctionTotal& t : totals) {
    if (shown == options.top_functions || t.samples_inclusive == 0) break;
    const Frame& f = p.frames[t.frame];
    out += to_string(++shown) + ". " + f.name + ": " + to_string(t.samples_self) + " self " +
           share_text(t.samples_self, total, draws) + ", " + to_string(t.samples_inclusive) +
           " total " + share_text(t.samples_inclusive, total, draws) +
           location_text(f, t.several_lines) + "\n";
  }
}

// Hybrid: each function's exact figures and sampled share side by side, ranked by exact self
// time; a '!' marks a function the merger found the two disagreeing on.
void top_functions_hybrid(const Profile& p, const RenderOptions& options, std::string& out) {
  out += "\nTop Functions (exact time | sampled share, 95% CI):\n";
  uint64_t samples = p.nodes[0].samples_inclusive, draws = p.sampling->samples;
  std::vector<bool> disagrees(p.frames.size(), false);
  for (const CallNode& n : p.nodes)
    if (n.disagreement) disagrees[n.frame] = true;
  uint32_t shown = 0;
  for (const FunctionTotal& t : functions_by_self_time(p)) {
    if (shown == options.top_functions) break;
    const Frame& f = p.frames[t.frame];
    out += to_string(++shown) + ". " + (disagrees[t.frame] ? "! " : "") + f.name + ": " +
           format_duration(t.self_ns) + " self (" + format_percent(t.self_ns, p.duration_ns) +
           "), " + format_duration(t.inclusive_ns) + " total (" +
           format_percent(t.inclusive_ns, p.duration_ns) + "), " + to_string(t.calls) +
           (t.calls == 1 ? " call" : " calls") + " | sampled self " +
           share_text(t.samples_self, samples, draws) + ", total " +
           share_text(t.samples_inclusive, samples, draws) + location_text(f, t.several_lines) +
           "\n";
  }
}

void header(const Profile& p, std::string& out) {
  out += "=== Anarchy Inference Profiling Report ===\n";
  out += "Session: " + p.session_name + "\n";
  if (!p.program.empty()) out += "Program: " + p.program + "\n";
  out += "Mode: " + p.mode +
         (p.granularity.empty() ? "" : " (granularity: " + p.granularity + ")") + "\n";
  out += "Duration: " + format_duration(p.duration_ns) + "\n";
  if (!p.start_time.empty()) out += "Started: " + p.start_time + "\n";
  if (p.exit_status) out += "Exit status: " + to_string(*p.exit_status) + "\n";
  for (const auto& [key, value] : p.labels) out += "Label: " + key + "=" + value + "\n";
  if (p.sampling) sampling_header(*p.sampling, out);
}

void top_functions(const Profile& p, const RenderOptions& options, std::string& out) {
  out += "\nTop Functions by Execution Time (self):\n";
  if (!p.time_measured) {
    out += "  not measured\n";
    return;
  }
  std::vector<FunctionTotal> totals = functions_by_self_time(p);
  uint32_t shown = 0;
  for (const FunctionTotal& t : totals) {
    if (shown == options.top_functions) break;
    const Frame& f = p.frames[t.frame];
    out += to_string(++shown) + ". " + f.name + ": " + format_duration(t.self_ns) + " self (" +
           format_percent(t.self_ns, p.duration_ns) + "), " + format_duration(t.inclusive_ns) +
           " total (" + format_percent(t.inclusive_ns, p.duration_ns) + "), " + to_string(t.calls) +
           (t.calls == 1 ? " call" : " calls") + location_text(f) + "\n";
  }
  if (totals.size() > shown) out += "   ... " + to_string(totals.size() - shown) + " more\n";
}

std::string by_type_list(const std::map<std::string, uint64_t>& counts) {
  std::string text;
  for (const auto& [name, count] : counts)
    text += (text.empty() ? "" : ", ") + name + ": " + to_string(count);
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
void process_memory(const MemoryMetrics& m, std::string& out) {
  if (m.peak_rss_bytes == 0 && m.rss_bytes.empty()) {
    out += "- Process Memory (RSS): not measured\n";
    return;
  }
  out += fmt::format("- Process Memory (RSS): peak {}", format_bytes(m.peak_rss_bytes));
  if (!m.rss_bytes.empty())
    out += fmt::format(", {} at start, {} at end ({} measurements)",
                       format_bytes(static_cast<uint64_t>(m.rss_bytes.front().value)),
                       format_bytes(static_cast<uint64_t>(m.rss_bytes.back().value)),
                       m.rss_bytes.size());
  out += "\n";
}

void memory(const Profile& p, std::string& out) {
  const MemoryMetrics& m = p.memory;
  out += "\nMemory Usage:\n";
  if (!m.measured) {
    out += "- not measured\n";
    return;
  }
  auto it = std::back_inserter(out);
  const char* off = "not measured";
  if (m.allocations_measured)
    fmt::format_to(it, "- Total Allocations: {} ({})\n", m.total_allocations,
                   format_bytes(m.total_allocation_bytes));
  else
    fmt::format_to(it, "- Total Allocations: {}\n", off);
  if (m.deallocations_measured)
    fmt::format_to(it, "- Total Deallocations: {} ({})\n", m.total_deallocations,
                   format_bytes(m.total_deallocation_bytes));
  else
    fmt::format_to(it, "- Total Deallocations: {}\n", off);
  fmt::format_to(it, "- Peak Memory Usage: {}\n",
                 m.peak_measured ? format_bytes(m.peak_memory_bytes) : off);
  fmt::format_to(it, "- Allocations by Type: {}\n",
                 m.allocations_measured ? allocations_by_type_text(m) : off);
  fmt::format_to(it, "- Live at End: {} in {} objects\n", format_bytes(m.live_bytes_at_end),
                 m.live_objects_at_end);
  fmt::format_to(it, "- Objects Created by Type: {}\n", by_type_list(m.objects_by_type));
  fmt::format_to(it, "- Live Objects by Type: {}\n", by_type_list(m.live_objects_by_type));
  fmt::format_to(it, "- Reference Counts (live containers): {}\n",
                 m.refcount_measured ? by_type_list(m.refcount_histogram) : off);
  fmt::format_to(it, "- GC Collections: {} (reclaimed {} in {} objects, {})\n", m.gc_collections,
                 format_bytes(m.gc_reclaimed_bytes), m.gc_reclaimed_objects,
                 format_duration(m.gc_time_ns));
  process_memory(m, out);
}

// "N (top: a 5, b 3, ...)" with at most `limit` names, biggest first.
std::string with_breakdown(uint64_t total, const std::map<std::string, uint64_t>& by_name,
                           size_t limit = 5) {
  std::vector<std::pair<std::string, uint64_t>> rows(by_name.begin(), by_name.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text = to_string(total);
  if (rows.empty()) return text;
  text += " (";
  for (size_t i = 0; i < rows.size() && i < limit; ++i)
    text += (i ? ", " : "") + rows[i].first + ": " + to_string(rows[i].second);
  if (rows.size() > limit) text += ", ...";
  return text + ")";
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
    std::string figure = !o.counted(category) ? "not measured"
                         : by_name            ? with_breakdown(count, *by_name)
                                              : to_string(count);
    fmt::format_to(std::back_inserter(out), "- {}: {}\n", label, figure);
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

class CallGraphPrinter {
 public:
  CallGraphPrinter(const Profile& p, const RenderOptions& options, std::string& out)
      : p_(p), max_depth_(options.max_call_stack_depth), out_(out) {}

  void print() {
    out_ += "\nCall Graph:\n";
    if (!p_.time_measured && !p_.sampling) {
      out_ += "  not measured\n";
      return;
    }
    std::string figures = p_.time_measured ? format_duration(p_.nodes[0].inclusive_ns) : "";
    if (p_.sampling)
      figures += (figures.empty() ? "" : ", ") + to_string(p_.nodes[0].samples_inclusive) + " samples";
    out_ += (p_.program.empty() ? std::string("<root>") : "<" + p_.program + ">") + " (" + figures +
            ")\n";
    children(0, "  ", 1);
  }

 private:
  void children(uint32_t node, const std::string& prefix, uint32_t depth) {
    std::vector<uint32_t> kids = sorted_children(p_, node);
    for (size_t i = 0; i < kids.size(); ++i) {
      bool last = i + 1 == kids.size();
      line(kids[i], prefix + (last ? "└─ " : "├─ "));
      std::string below = prefix + (last ? "    " : "│   ");
      if (depth < max_depth_)
        children(kids[i], below, depth + 1);
      else if (uint64_t hidden = count_descendants(p_, kids[i]))
        out_ += below + "└─ ... " + to_string(hidden) + " deeper nodes (max_call_stack_depth " +
                to_string(max_depth_) + ")\n";
    }
  }

  void line(uint32_t node, const std::string& prefix) {
    const CallNode& n = p_.nodes[node];
    const Frame& f = p_.frames[n.frame];
    out_ += prefix + f.name + native_tag(f) + " (";
    if (n.has_exact && p_.time_measured)
      out_ += format_duration(n.inclusive_ns) + ", self " + format_duration(n.self_ns) + ", " +
              to_string(n.calls) + (n.calls == 1 ? " call" : " calls");
    if (p_.sampling)
      out_ += std::string(n.has_exact && p_.time_measured ? ", " : "") +
              to_string(n.samples_inclusive) + " samples, self " + to_string(n.samples_self);
    if (n.disagreement) out_ += ", EXACT AND SAMPLED DISAGREE";
    if (n.alloc_count) out_ += ", " + to_string(n.alloc_count) + " allocs";
    for (const auto& [name, value] : n.metrics) out_ += ", " + name + "=" + metric_text(value);
    out_ += ")\n";
  }

  const Profile& p_;
  uint32_t max_depth_;
  std::string& out_;
};

void custom_metrics(const Profile& p, std::string& out) {
  if (p.metrics.empty()) return;
  out += "\nMetrics:\n";
  for (const auto& [name, value] : p.metrics) out += "- " + name + ": " + metric_text(value) + "\n";
}

void profiler_cost(const Profile& p, std::string& out) {
  const ProfilerCost& c = p.profiler;
  char cost[64];
  std::snprintf(cost, sizeof cost, "%.1f ns", c.span_cost_ns);
  char overhead[32];
  std::snprintf(overhead, sizeof overhead, "%.1f%%", c.overhead_percent);
  out += "\nProfiler:\n";
  if (p.time_measured) {
    if (!c.clock.empty()) out += "- Clock: " + c.clock + "\n";
    out += "- Span cost: " + std::string(cost) + " per span (" +
           (c.compensated ? "subtracted" : "not subtracted") + ")\n";
    out += "- Spans: " + to_string(c.spans) + " recorded, " + to_string(c.filtered_spans) +
           " filtered (min_duration " + format_duration(c.min_duration_ns) + ")\n";
  }
  if (p.sampling) {
    const SamplingInfo& s = *p.sampling;
    char sampler[256];
    if (s.delivery == "thread")
      std::snprintf(sampler, sizeof sampler,
                    "- Sampler cost: %s taking samples and %s draining on the sampling thread "
                    "(%.2f%% of the run, on another core)\n",
                    format_duration(s.handler_ns).c_str(), format_duration(s.drain_ns).c_str(),
                    s.overhead_percent);
    else
      std::snprintf(sampler, sizeof sampler,
                    "- Sampler cost: %s in the handler, %s draining, %.0f ns per signal "
                    "delivered (%.2f%% of the run)\n",
                    format_duration(s.handler_ns).c_str(), format_duration(s.drain_ns).c_str(),
                    s.signal_cost_ns, s.overhead_percent);
    out += sampler;
    if (s.naming_ns)
      out += "- Naming native PCs: " + format_duration(s.naming_ns) +
             " for the sampler's naming thread while the program ran (itself or the helper "
             "process it asks; not counted above)\n";
  }
  out += "- Estimated overhead: " + std::string(overhead) + " of the run\n";
  if (c.timeline_dropped)
    out += "- Timeline events dropped: " + to_string(c.timeline_dropped) + "\n";
  for (const std::string& note : c.notes) out += "- Note: " + note + "\n";
  if (!p.system_info.empty()) {
    out += "\nSystem:\n";
    for (const auto& [key, value] : p.system_info) out += "- " + key + ": " + value + "\n";
  }
}

class TextWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions& options) const override {
    std::string out;
    header(p, out);
    if (p.sampling && p.time_measured)
      top_functions_hybrid(p, options, out);
    else if (p.sampling)
      top_functions_by_samples(p, options, out);
    else
      top_functions(p, options, out);
    expression_sites_table(p, options.top_functions, out);
    memory(p, out);
    operations(p, out);
    CallGraphPrinter(p, options, out).print();
    custom_metrics(p, out);
    profiler_cost(p, out);
    return out;
  }
  std::string_view format_name() const override { return "text"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_text_writer() { return std::make_unique<TextWriter>(); }

}  // namespace aiprof::report
