// The HTML report: one self-contained page that opens offline (no network, no external fonts).
//
// The page's template, CSS and JS are real source files under report/assets/, embedded at build
// time (embed_assets.cmake -> aiprof_html_assets.hpp). This file fills the template: the session
// header and the tables (top functions, memory, operations, profiler cost), rendered here as
// escaped HTML so they mirror the text report and read without JS; and the data the flame graph
// and the memory graph draw from, as a compact JSON blob in a <script type="application/json">
// element, every '<' written as \u003c so that no name can close the script element.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <cassert>
#include <nlohmann/json.hpp>
#include <utility>
#include <variant>

#include "aiprof/report/report_writer.hpp"
#include "aiprof_html_assets.hpp"
#include "html_parts.hpp"
#include "metric_rows.hpp"
#include "report_text_util.hpp"

namespace aiprof::report {

namespace {

using Json = nlohmann::json;
using std::to_string;
using namespace html;  // escape, row, rate_text, ...

std::string plural(uint64_t n, const std::string& noun) {
  return to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string metric_text(const MetricValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return fmt::format("{:g}", *d);
  return std::get<std::string>(v);
}

// --- The data blob ------------------------------------------------------------------------

// The root's figure for a view: its own, or the sum of its children's when that is larger
// (a sampled root, a root whose time was not set). The flame graph uses the same rule.
uint64_t root_total(const Profile& p, uint64_t CallNode::*field) {
  uint64_t sum = 0;
  for (uint32_t c : p.nodes[0].children) sum += p.nodes[c].*field;
  return std::max(p.nodes[0].*field, sum);
}

bool has_exact_view(const Profile& p) {
  if (!p.time_measured) return false;
  return std::any_of(p.nodes.begin() + 1, p.nodes.end(),
                     [](const CallNode& n) { return n.has_exact && n.inclusive_ns > 0; });
}

bool has_sampled_view(const Profile& p) {
  return p.sampling && std::any_of(p.nodes.begin() + 1, p.nodes.end(),
                                   [](const CallNode& n) { return n.samples_inclusive > 0; });
}

// The call tree in depth-first preorder (a parent before its children), down to
// max_call_stack_depth levels below the root; returns the number of deeper nodes left out.
uint64_t nodes_json(const Profile& p, uint32_t max_depth, Json& out) {
  out = Json::array();
  uint64_t hidden = 0;
  struct Pending {
    uint32_t node;
    int64_t parent;  // index in `out`, -1 for the root
    uint32_t depth;
  };
  std::vector<Pending> stack{{0, -1, 0}};
  while (!stack.empty()) {
    Pending at = stack.back();
    stack.pop_back();
    if (at.depth > max_depth) {
      hidden += 1 + count_descendants(p, at.node);
      continue;
    }
    const CallNode& n = p.nodes[at.node];
    int flags = (n.has_exact ? 1 : 0) | (n.disagreement ? 2 : 0);
    int64_t index = static_cast<int64_t>(out.size());
    out.push_back(
        Json::array({n.frame, at.parent, n.calls, n.inclusive_ns, n.self_ns, n.samples_inclusive,
                     n.samples_self, flags, n.alloc_count, n.alloc_bytes}));
    for (auto c = n.children.rbegin(); c != n.children.rend(); ++c)
      stack.push_back({*c, index, at.depth + 1});
  }
  return hidden;
}

// Per frame, the frame standing for its function, as function_totals() groups them: native
// frames are interned per line, so those of one name and file are one function (the first);
// any other frame is a function of its own. The page selects functions by these ids.
Json frame_functions(const Profile& p) {
  Json out = Json::array();
  std::map<std::pair<std::string_view, std::string_view>, uint32_t> first_native;
  for (uint32_t f = 0; f < p.frames.size(); ++f) {
    const Frame& frame = p.frames[f];
    if (frame.kind != FrameKind::Native) {
      out.push_back(f);
      continue;
    }
    out.push_back(first_native.try_emplace({frame.name, frame.file}, f).first->second);
  }
  return out;
}

Json data_json(const Profile& p, const RenderOptions& options) {
  Json d;
  d["version"] = 1;
  d["program"] = p.program;
  d["mode"] = p.mode;
  d["duration_ns"] = p.duration_ns;
  d["views"] = {{"exact", has_exact_view(p)}, {"sampled", has_sampled_view(p)}};
  d["default_view"] = p.mode == "sampling" ? "sampled" : "exact";
  Json frames = Json::array();
  for (const Frame& f : p.frames)
    frames.push_back(Json::array({f.name, f.file, f.line, frame_kind_name(f.kind)}));
  d["frames"] = std::move(frames);
  d["frame_function"] = frame_functions(p);
  d["node_fields"] = {
      "frame",        "parent", "calls",       "inclusive_ns", "self_ns", "samples_inclusive",
      "samples_self", "flags",  "alloc_count", "alloc_bytes"};
  Json nodes;
  d["hidden_nodes"] = nodes_json(p, options.max_call_stack_depth, nodes);
  d["nodes"] = std::move(nodes);
  d["max_depth"] = options.max_call_stack_depth;
  Json heap = Json::array();
  for (const TimeSeriesPoint& point : p.memory.heap_bytes)
    heap.push_back({point.t_ns, point.value});
  Json gc = Json::array();
  for (const GcEvent& e : p.memory.gc_runs)
    gc.push_back({e.start_ns, e.duration_ns, e.reclaimed_bytes, e.reclaimed_objects});
  Json rss = Json::array();
  for (const TimeSeriesPoint& point : p.memory.rss_bytes) rss.push_back({point.t_ns, point.value});
  d["memory"] = {{"measured", p.memory.measured},
                 {"heap_bytes", std::move(heap)},
                 {"rss_bytes", std::move(rss)},
                 {"gc_runs", std::move(gc)}};
  return d;
}

// JSON that can sit inside a <script> element: '<' only occurs inside strings, where \u003c
// means the same, so "</script>" or "<!--" in a name cannot end or confuse the element.
std::string script_safe_json(const Json& data) {
  std::string text = data.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

// --- HTML pieces --------------------------------------------------------------------------

std::string location_text(const Frame& f, bool several_lines = false) {
  if (f.file.empty()) return "";
  return f.file + (f.line && !several_lines ? ":" + to_string(f.line) : "");
}

// The location cell: the file's base name and line, the full path in the title (the table
// shares the width with the sandwich view).
std::string location_cell(const Frame& f, bool several_lines) {
  std::string full = location_text(f, several_lines);
  size_t slash = f.file.find_last_of('/');
  if (slash == std::string::npos) return "<td class=\"location\">" + escape(full) + "</td>";
  return "<td class=\"location\" title=\"" + escape(full) + "\">" +
         escape(full.substr(slash + 1)) + "</td>";
}

std::string num_cell(const std::string& text) { return "<td class=\"num\">" + text + "</td>"; }

// The top functions by self time, as in the text report. Each row names its function (the
// frame standing for it, as in function_totals()) in data-function, which the page's script
// links to the flame graph and the sandwich view.
void functions_html(const Profile& p, const RenderOptions& options, std::string& out) {
  bool time = p.time_measured;
  bool samples = p.sampling.has_value();
  if (!time && !samples) {
    out += "<p class=\"not-measured\">not measured</p>\n";
    return;
  }
  if (!time) out += "<p class=\"not-measured\">Exact times: not measured (samples only).</p>\n";
  uint64_t sample_total = samples ? root_total(p, &CallNode::samples_inclusive) : 0;
  out +=
      "<table class=\"functions\">\n<tr><th class=\"num\">#</th><th>Function</th><th>Location</th>";
  if (time)
    out +=
        "<th class=\"num\">Calls</th><th class=\"num\">Self</th><th class=\"num\">Self %</th>"
        "<th class=\"num\">Total</th><th class=\"num\">Total %</th>";
  if (samples)
    out +=
        "<th class=\"num\">Self samples</th><th class=\"num\">%</th>"
        "<th class=\"num\">Total samples</th><th class=\"num\">%</th>";
  out += "</tr>\n";
  std::vector<FunctionTotal> totals = functions_by_self_time(p);
  uint32_t shown = 0;
  for (const FunctionTotal& t : totals) {
    if (shown == options.top_functions) break;
    const Frame& f = p.frames[t.frame];
    out += "<tr data-function=\"" + to_string(t.frame) + "\">" + num_cell(to_string(++shown)) +
           "<td class=\"name\">" + escape(f.name) + "</td>" + location_cell(f, t.several_lines);
    if (time)
      out += num_cell(count_text(t.calls)) + num_cell(format_duration(t.self_ns)) +
             num_cell(format_percent(t.self_ns, p.duration_ns)) +
             num_cell(format_duration(t.inclusive_ns)) +
             num_cell(format_percent(t.inclusive_ns, p.duration_ns));
    if (samples)
      out += num_cell(count_text(t.samples_self)) +
             num_cell(format_percent(t.samples_self, sample_total)) +
             num_cell(count_text(t.samples_inclusive)) +
             num_cell(format_percent(t.samples_inclusive, sample_total));
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (totals.empty()) out += "<p class=\"muted\">No functions were recorded.</p>\n";
  if (totals.size() > shown)
    out += "<p class=\"muted\">... " + to_string(totals.size() - shown) +
           " more functions (top_functions " + to_string(options.top_functions) + ")</p>\n";
  out += "<p class=\"muted\">Percentages of time are of the session's duration (" +
         format_duration(p.duration_ns) + ")" +
         (samples ? "; of samples, of all " + count_text(sample_total) + " samples" : "") +
         ". Recursive functions count their outermost activations once in Total.</p>\n";
}

void memory_html(const Profile& p, std::string& out) {
  const MemoryMetrics& m = p.memory;
  out += "<section id=\"memory-table-section\">\n<h2>Memory</h2>\n";
  if (!m.measured) {
    out += "<p class=\"not-measured\">not measured</p>\n</section>\n";
    return;
  }
  out += "<table class=\"kv memory\">\n";
  std::vector<MetricRow> rows = memory_rows(m, RowStyle{escape, not_measured(), true});
  // The heap's series goes before the process memory, the last row.
  rows.insert(rows.end() - 1,
              MetricRow{"Heap over time", m.heap_bytes.empty()
                                              ? std::string(not_measured())
                                              : plural(m.heap_bytes.size(), "measurement") +
                                                    ", " + plural(m.gc_runs.size(), "GC run") +
                                                    " (graph above)"});
  for (const MetricRow& r : rows) row(out, sentence_case(r.label), r.value);
  out += "</table>\n</section>\n";
}

// "N" and its biggest names, at most `limit`, as the text report's with_breakdown().
std::string breakdown(const std::map<std::string, uint64_t>& by_name, size_t limit = 5) {
  std::vector<std::pair<std::string, uint64_t>> rows = biggest_first(by_name);
  std::string text;
  for (size_t i = 0; i < rows.size() && i < limit; ++i)
    text += (i ? ", " : "") + escape(rows[i].first) + ": " + to_string(rows[i].second);
  if (rows.size() > limit) text += ", ...";
  return text;
}

void operations_html(const Profile& p, std::string& out) {
  const OperationMetrics& o = p.operations;
  out += "<section id=\"operations-section\">\n<h2>Operation counts</h2>\n";
  if (!o.measured) {
    out += "<p class=\"not-measured\">not measured</p>\n</section>\n";
    return;
  }
  out +=
      "<table class=\"operations\">\n<tr><th>Operation</th><th class=\"num\">Count</th>"
      "<th>Top names</th></tr>\n";
  for (const OperationRow& r : operation_rows(o))
    out += fmt::format("<tr><td>{}</td>{}<td>{}</td></tr>\n", sentence_case(r.label),
                       num_cell(r.counted ? to_string(r.count) : not_measured()),
                       r.counted && r.by_name ? breakdown(*r.by_name) : "");
  out += "</table>\n";
  if (!o.tracked.empty()) {
    std::string tracked;
    for (const std::string& t : o.tracked) tracked += (tracked.empty() ? "" : ", ") + escape(t);
    out += "<p class=\"muted\">Categories counted: " + tracked + ".</p>\n";
  }
  out += "</section>\n";
}

void metrics_html(const Profile& p, std::string& out) {
  if (p.metrics.empty()) return;
  out += "<section id=\"metrics-section\">\n<h2>Metrics</h2>\n<table class=\"kv metrics\">\n";
  for (const auto& [name, value] : p.metrics) row(out, name, escape(metric_text(value)));
  out += "</table>\n</section>\n";
}

void profiler_html(const Profile& p, std::string& out) {
  const ProfilerCost& c = p.profiler;
  out += "<section id=\"profiler-section\">\n<h2>Profiler</h2>\n<table class=\"kv profiler\">\n";
  if (!c.clock.empty()) row(out, "Clock", escape(c.clock));
  row(out, "Span cost",
      fmt::format("{:.1f} ns", c.span_cost_ns) + " per span (" +
          (c.compensated ? "subtracted" : "not subtracted") + ")");
  row(out, "Spans",
      to_string(c.spans) + " recorded, " + to_string(c.filtered_spans) +
          " filtered (min_duration " + format_duration(c.min_duration_ns) + ")");
  row(out, "Estimated overhead", percent_text(c.overhead_percent) + " of the run");
  row(out, "Timeline events dropped", to_string(c.timeline_dropped));
  if (p.sampling) {
    const SamplingInfo& s = *p.sampling;
    if (s.delivery == "thread")
      row(out, "Sampler cost",
          format_duration(s.handler_ns) + " taking samples, " + format_duration(s.drain_ns) +
              " draining, on the sampling thread; " + percent_text(s.overhead_percent) +
              " of the run, on another core");
    else
      row(out, "Sampler cost",
          format_duration(s.handler_ns) + " in the signal handler, " +
              format_duration(s.drain_ns) + " draining, " +
              fmt::format("{:.0f} ns", s.signal_cost_ns) + " per signal delivery; " +
              percent_text(s.overhead_percent) + " of the run");
    if (s.naming_ns)
      row(out, "Naming native PCs",
          format_duration(s.naming_ns) +
              " for the sampler's naming thread (itself or the helper process it asks; not counted above)");
  }
  out += "</table>\n";
  if (!p.system_info.empty()) {
    out += "<h3>System</h3>\n<table class=\"kv system\">\n";
    for (const auto& [key, value] : p.system_info) row(out, key, escape(value));
    out += "</table>\n";
  }
  out += "</section>\n";
}

// --- The page -----------------------------------------------------------------------------

std::string joined_scripts() {
  std::string js;
  for (std::string_view part :
       {html_assets::format_js(), html_assets::flamegraph_js(), html_assets::sandwich_js(),
        html_assets::memory_graph_js(), html_assets::report_js()}) {
    js += part;
    js += '\n';
  }
  return js;
}

// Fills the template's markers (two at-signs, AIPROF_NAME, two at-signs) in one pass over the
// template, so nothing inserted is ever scanned for markers again.
std::string fill_template(std::string_view page,
                          const std::vector<std::pair<std::string_view, std::string>>& values) {
  constexpr std::string_view kOpen = "@@AIPROF_";
  std::string out;
  size_t at = 0;
  while (true) {
    size_t start = page.find(kOpen, at);
    if (start == std::string_view::npos) break;
    size_t end = page.find("@@", start + kOpen.size());
    assert(end != std::string_view::npos && "unterminated marker in report.html");
    if (end == std::string_view::npos) break;
    std::string_view name = page.substr(start + kOpen.size(), end - start - kOpen.size());
    auto value =
        std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    assert(value != values.end() && "unknown marker in report.html");
    if (value == values.end()) {
      out.append(page.substr(at, end + 2 - at));
    } else {
      out.append(page.substr(at, start - at));
      out += value->second;
    }
    at = end + 2;
  }
  out.append(page.substr(at));
  return out;
}

class HtmlWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions& options) const override {
    std::string header;
    session_summary_html(p, header);
    std::string functions;
    functions_html(p, options, functions);
    std::string tables;
    hot_lines_html(p, tables);
    memory_html(p, tables);
    operations_html(p, tables);
    metrics_html(p, tables);
    profiler_html(p, tables);
    std::string title = "aiprof: " + (p.program.empty() ? p.session_name : p.program);
    return fill_template(html_assets::report_html(),
                         {{"TITLE", escape(title)},
                          {"PROGRAM", escape(p.program.empty() ? p.session_name : p.program)},
                          {"CSS", std::string(html_assets::report_css())},
                          {"HEADER", std::move(header)},
                          {"FUNCTIONS", std::move(functions)},
                          {"TABLES", std::move(tables)},
                          {"DATA", script_safe_json(data_json(p, options))},
                          {"JS", joined_scripts()}});
  }
  std::string_view format_name() const override { return "html"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_html_writer() { return std::make_unique<HtmlWriter>(); }

}  // namespace aiprof::report
