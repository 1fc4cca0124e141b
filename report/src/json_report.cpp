// The JSON report: profiling-design.md's keys (session, time_metrics, memory_metrics,
// operation_metrics, call_graph), extended as docs/report-schema.md describes, plus
// "profiler" (what it cost, what it could not measure) and "schema_version".
#include <nlohmann/json.hpp>
#include <variant>

#include "aiprof/report/report_writer.hpp"
#include "report_text_util.hpp"

namespace aiprof::report {

namespace {

using Json = nlohmann::ordered_json;

double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

Json metric_json(const MetricValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

Json metrics_json(const std::map<std::string, MetricValue>& metrics) {
  Json out = Json::object();
  for (const auto& [name, value] : metrics) out[name] = metric_json(value);
  return out;
}

Json counts_json(const std::map<std::string, uint64_t>& counts) {
  Json out = Json::object();
  for (const auto& [name, count] : counts) out[name] = count;
  return out;
}

Json session_json(const Profile& p) {
  Json s;
  s["name"] = p.session_name;
  s["mode"] = p.mode;
  s["granularity"] = p.granularity;
  s["program"] = p.program;
  s["duration_ms"] = ms(p.duration_ns);
  s["start_time"] = p.start_time;
  s["end_time"] = p.end_time;
  s["exit_status"] = p.exit_status ? Json(*p.exit_status) : Json(nullptr);
  s["time_precision"] = p.time_precision;
  s["labels"] = Json::object();
  for (const auto& [k, v] : p.labels) s["labels"][k] = v;
  s["system_info"] = Json::object();
  for (const auto& [k, v] : p.system_info) s["system_info"][k] = v;
  return s;
}

Json time_json(const Profile& p) {
  Json t;
  t["measured"] = p.time_measured;
  t["total_ms"] = ms(p.duration_ns);
  Json functions = Json::array();
  for (const FunctionTotal& f : functions_by_self_time(p)) {
    const Frame& frame = p.frames[f.frame];
    Json row;
    row["name"] = frame.name;
    row["kind"] = frame_kind_name(frame.kind);
    row["file"] = frame.file;
    row["line"] = frame.line;
    row["calls"] = f.calls;
    row["duration_ms"] = ms(f.inclusive_ns);
    row["self_ms"] = ms(f.self_ns);
    row["percentage"] = percent_of(f.inclusive_ns, p.duration_ns);
    row["self_percentage"] = percent_of(f.self_ns, p.duration_ns);
    functions.push_back(std::move(row));
  }
  t["functions"] = std::move(functions);
  return t;
}

// A figure, or null when its switch was off.
Json if_measured(bool measured, uint64_t value) { return measured ? Json(value) : Json(nullptr); }

Json memory_json(const MemoryMetrics& m) {
  Json j;
  j["measured"] = m.measured;
  j["total_allocations"] = if_measured(m.allocations_measured, m.total_allocations);
  j["total_allocation_bytes"] = if_measured(m.allocations_measured, m.total_allocation_bytes);
  j["total_deallocations"] = if_measured(m.deallocations_measured, m.total_deallocations);
  j["total_deallocation_bytes"] = if_measured(m.deallocations_measured, m.total_deallocation_bytes);
  j["peak_memory_bytes"] = if_measured(m.peak_measured, m.peak_memory_bytes);
  j["live_bytes_at_end"] = if_measured(m.measured, m.live_bytes_at_end);
  j["live_objects_at_end"] = if_measured(m.measured, m.live_objects_at_end);
  j["objects_by_type"] = counts_json(m.objects_by_type);
  j["live_objects_by_type"] = counts_json(m.live_objects_by_type);
  j["refcount_histogram"] = counts_json(m.refcount_histogram);
  j["gc_collections"] = if_measured(m.measured, m.gc_collections);
  j["gc_time_ms"] = m.measured ? Json(ms(m.gc_time_ns)) : Json(nullptr);
  j["gc_reclaimed_bytes"] = if_measured(m.measured, m.gc_reclaimed_bytes);
  j["gc_reclaimed_objects"] = if_measured(m.measured, m.gc_reclaimed_objects);
  Json series = Json::array();
  for (const TimeSeriesPoint& point : m.heap_bytes)
    series.push_back(Json::array({ms(point.t_ns), point.value}));
  j["live_bytes_over_time"] = std::move(series);
  return j;
}

Json operations_json(const OperationMetrics& o) {
  Json j;
  j["measured"] = o.measured;
  j["tracked"] = o.tracked;
  j["arithmetic"] = o.arithmetic;
  j["comparison"] = o.comparison;
  j["logical"] = o.logical;
  j["string"] = o.string;
  j["array"] = o.array;
  j["object"] = o.object;
  j["function_calls"] = o.function_calls;
  j["variable_accesses"] = o.variable_accesses;
  j["property_accesses"] = o.property_accesses;
  j["string_dictionary"] = o.string_dictionary;
  j["calls_by_function"] = counts_json(o.calls_by_function);
  j["accesses_by_variable"] = counts_json(o.accesses_by_variable);
  j["property_accesses_by_type"] = counts_json(o.property_accesses_by_type);
  j["string_dictionary_by_operation"] = counts_json(o.dictionary_by_operation);
  return j;
}

class CallGraphBuilder {
 public:
  CallGraphBuilder(const Profile& p, uint32_t max_depth) : p_(p), max_depth_(max_depth) {}

  Json node(uint32_t index, uint32_t depth) const {
    const CallNode& n = p_.nodes[index];
    const Frame& f = p_.frames[n.frame];
    Json j;
    j["name"] = index == 0 ? "<root>" : f.name;
    j["kind"] = frame_kind_name(f.kind);
    j["file"] = f.file;
    j["line"] = f.line;
    j["calls"] = n.calls;
    j["duration_ms"] = ms(n.inclusive_ns);
    j["self_ms"] = ms(n.self_ns);
    j["allocations"] = n.alloc_count;
    j["allocation_bytes"] = n.alloc_bytes;
    if (!n.metrics.empty()) j["metrics"] = metrics_json(n.metrics);
    Json children = Json::array();
    if (depth < max_depth_) {
      for (uint32_t c : sorted_children(p_, index)) children.push_back(node(c, depth + 1));
    } else if (uint64_t hidden = count_descendants(p_, index)) {
      j["omitted_descendants"] = hidden;
    }
    j["children"] = std::move(children);
    return j;
  }

 private:
  const Profile& p_;
  uint32_t max_depth_;
};

Json profiler_json(const Profile& p, const RenderOptions& options) {
  const ProfilerCost& c = p.profiler;
  Json j;
  j["clock"] = c.clock;
  j["span_cost_ns"] = c.span_cost_ns;
  j["compensated"] = c.compensated;
  j["spans"] = c.spans;
  j["filtered_spans"] = c.filtered_spans;
  j["min_duration_ms"] = ms(c.min_duration_ns);
  j["timeline_dropped"] = c.timeline_dropped;
  j["overhead_percent"] = c.overhead_percent;
  j["max_call_stack_depth"] = options.max_call_stack_depth;
  j["notes"] = c.notes;
  return j;
}

class JsonWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions& options) const override {
    Json root;
    root["schema_version"] = Profile::kSchemaVersion;
    root["session"] = session_json(p);
    root["time_metrics"] = time_json(p);
    root["memory_metrics"] = memory_json(p.memory);
    root["operation_metrics"] = operations_json(p.operations);
    root["call_graph"] = CallGraphBuilder(p, options.max_call_stack_depth).node(0, 0);
    root["metrics"] = metrics_json(p.metrics);
    root["profiler"] = profiler_json(p, options);
    return root.dump(2) + "\n";
  }
  std::string_view format_name() const override { return "json"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_json_writer() { return std::make_unique<JsonWriter>(); }

}  // namespace aiprof::report
