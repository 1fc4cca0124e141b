// The JSON report: profiling-design.md's keys (session, time_metrics, memory_metrics,
// operation_metrics, call_graph), extended as docs/report-schema.md describes, plus
// "profiler" (what it cost, what it could not measure) and "schema_version".
//
// It is lossless (schema 2): besides the human-oriented keys, which are rounded to
// milliseconds and cut at max_call_stack_depth, it holds every field of the Profile in
// integer nanoseconds: "frames", the flat call tree "nodes", "threads", "timeline",
// "expression_sites" (expression granularity: per function and site, never per path),
// "sampled_lines" (the call tree refined by sampled lines; "hot_lines" sums them per line),
// "sampling", and the raw memory series, so json_reader.cpp can rebuild the Profile and
// `anarchy report` can produce every other format from this file.
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "aiprof/report/report_writer.hpp"
#include "aiprof/report/statistics.hpp"
#include "report_text_util.hpp"
#include "aiprof/report/sampled_lines.hpp"

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
  s["duration_ns"] = p.duration_ns;
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

// Where a figure has no exact time but has samples (sampling mode, or a native frame in
// hybrid mode), its time is the sampled estimate: samples x the sampling period, marked
// "estimated" and given its 95% interval. With neither, the times are null: never a false 0.
class TimeFigures {
 public:
  explicit TimeFigures(const Profile& p)
      : p_(p),
        sample_total_(p.nodes[0].samples_inclusive),
        draws_(p.sampling ? p.sampling->samples : 0),
        period_ns_(sampling_period_ns(p)) {}

  void put(Json& j, bool exact, uint64_t calls, uint64_t inclusive_ns, uint64_t self_ns,
           uint64_t samples_inclusive, uint64_t samples_self) const {
    if (exact) {
      j["estimated"] = false;
      j["calls"] = calls;
      j["duration_ms"] = ms(inclusive_ns);
      j["self_ms"] = ms(self_ns);
      j["inclusive_ns"] = inclusive_ns;
      j["self_ns"] = self_ns;
      j["percentage"] = percent_of(inclusive_ns, p_.duration_ns);
      j["self_percentage"] = percent_of(self_ns, p_.duration_ns);
    } else if (p_.sampling && sample_total_ > 0) {
      j["estimated"] = true;
      j["calls"] = nullptr;
      estimate(j, "duration_ms", "percentage", samples_inclusive);
      estimate(j, "self_ms", "self_percentage", samples_self);
      j["inclusive_ns"] = nullptr;
      j["self_ns"] = nullptr;
    } else {
      j["estimated"] = false;
      for (const char* key : {"calls", "duration_ms", "self_ms", "inclusive_ns", "self_ns",
                              "percentage", "self_percentage"})
        j[key] = nullptr;
    }
    if (p_.sampling) {
      j["samples_inclusive"] = samples_inclusive;
      j["samples_self"] = samples_self;
    }
  }

 private:
  // The time one sample stands for: the period delivered (or asked, when none was measured).
  static double sampling_period_ns(const Profile& p) {
    if (!p.sampling) return 0;
    double hz = p.sampling->rate_delivered_hz > 0 ? p.sampling->rate_delivered_hz
                                                  : p.sampling->rate_requested_hz;
    return hz > 0 ? 1e9 / hz : 0;
  }

  // "<ms_key>": k x period in ms, "<percent_key>": k of all samples in percent, each with
  // "<key>_ci95": [low, high] from the Wilson interval of the share.
  void estimate(Json& j, const std::string& ms_key, const std::string& percent_key,
                uint64_t k) const {
    Interval ci = weighted_share_interval(k, sample_total_, draws_);
    double all_ms = static_cast<double>(sample_total_) * period_ns_ / 1e6;
    j[ms_key] = static_cast<double>(k) * period_ns_ / 1e6;
    j[ms_key + "_ci95"] = Json::array({ci.low * all_ms, ci.high * all_ms});
    j[percent_key] = percent_of(k, sample_total_);
    j[percent_key + "_ci95"] = Json::array({100 * ci.low, 100 * ci.high});
  }

  const Profile& p_;
  uint64_t sample_total_;
  uint64_t draws_;
  double period_ns_;
};

Json time_json(const Profile& p) {
  Json t;
  t["measured"] = p.time_measured;
  t["estimated_from_samples"] = !p.time_measured && p.sampling.has_value();
  t["total_ms"] = ms(p.duration_ns);
  TimeFigures times(p);
  Json functions = Json::array();
  for (const FunctionTotal& f : functions_by_self_time(p)) {
    const Frame& frame = p.frames[f.frame];
    Json row;
    row["name"] = frame.name;
    row["kind"] = frame_kind_name(frame.kind);
    row["file"] = frame.file;
    row["line"] = frame.line;
    // A function with samples but no span (a native frame in hybrid mode) has no exact time.
    bool exact = p.time_measured && (f.calls > 0 || f.samples_inclusive == 0);
    times.put(row, exact, f.calls, f.inclusive_ns, f.self_ns, f.samples_inclusive,
              f.samples_self);
    functions.push_back(std::move(row));
  }
  t["functions"] = std::move(functions);
  return t;
}

// A figure, or null when its switch was off.
Json if_measured(bool measured, uint64_t value) { return measured ? Json(value) : Json(nullptr); }

Json series_json(const std::vector<TimeSeriesPoint>& series) {
  Json out = Json::array();
  for (const TimeSeriesPoint& point : series) out.push_back(Json::array({point.t_ns, point.value}));
  return out;
}

Json memory_json(const MemoryMetrics& m) {
  Json j;
  j["measured"] = m.measured;
  j["allocations_measured"] = m.allocations_measured;
  j["deallocations_measured"] = m.deallocations_measured;
  j["peak_measured"] = m.peak_measured;
  j["total_allocations"] = if_measured(m.allocations_measured, m.total_allocations);
  j["total_allocation_bytes"] = if_measured(m.allocations_measured, m.total_allocation_bytes);
  j["total_deallocations"] = if_measured(m.deallocations_measured, m.total_deallocations);
  j["total_deallocation_bytes"] = if_measured(m.deallocations_measured, m.total_deallocation_bytes);
  j["peak_memory_bytes"] = if_measured(m.peak_measured, m.peak_memory_bytes);
  j["live_bytes_at_end"] = if_measured(m.measured, m.live_bytes_at_end);
  j["live_objects_at_end"] = if_measured(m.measured, m.live_objects_at_end);
  j["objects_by_type"] = m.measured ? counts_json(m.objects_by_type) : Json(nullptr);
  j["live_objects_by_type"] = m.measured ? counts_json(m.live_objects_by_type) : Json(nullptr);
  j["allocations_by_type"] =
      m.allocations_measured ? counts_json(m.allocations_by_type) : Json(nullptr);
  j["allocation_bytes_by_type"] =
      m.allocations_measured ? counts_json(m.allocation_bytes_by_type) : Json(nullptr);
  j["refcount_histogram"] = m.refcount_measured ? counts_json(m.refcount_histogram) : Json(nullptr);
  j["gc_collections"] = if_measured(m.measured, m.gc_collections);
  j["gc_time_ms"] = m.measured ? Json(ms(m.gc_time_ns)) : Json(nullptr);
  j["gc_time_ns"] = if_measured(m.measured, m.gc_time_ns);
  j["gc_reclaimed_bytes"] = if_measured(m.measured, m.gc_reclaimed_bytes);
  j["gc_reclaimed_objects"] = if_measured(m.measured, m.gc_reclaimed_objects);
  Json series = Json::array();
  for (const TimeSeriesPoint& point : m.heap_bytes)
    series.push_back(Json::array({ms(point.t_ns), point.value}));
  j["live_bytes_over_time"] = std::move(series);
  j["heap_bytes"] = series_json(m.heap_bytes);
  Json runs = Json::array();
  for (const GcEvent& gc : m.gc_runs)
    runs.push_back({{"start_ns", gc.start_ns},
                    {"duration_ns", gc.duration_ns},
                    {"reclaimed_bytes", gc.reclaimed_bytes},
                    {"reclaimed_objects", gc.reclaimed_objects}});
  j["gc_runs"] = std::move(runs);
  j["peak_rss_bytes"] = m.peak_rss_bytes ? Json(m.peak_rss_bytes) : Json(nullptr);
  j["rss_bytes"] = series_json(m.rss_bytes);
  if (const auto& h = m.heap_sampling)  // absent: allocations were not sampled
    j["heap_sampling"] = {{"rate_bytes", h->rate_bytes},
                          {"allocations_estimated", h->allocations_estimated},
                          {"sampled_allocations", h->sampled_allocations},
                          {"live_sampled", h->live_sampled},
                          {"peak_live_sampled", h->peak_live_sampled},
                          {"inuse_bytes_by_type", counts_json(h->inuse_bytes_by_type)},
                          {"inuse_objects_by_type", counts_json(h->inuse_objects_by_type)}};
  return j;
}

// A category that was not counted is null, as are its breakdowns.
Json operations_json(const OperationMetrics& o) {
  Json j;
  j["measured"] = o.measured;
  j["tracked"] = o.tracked;
  auto count = [&](const char* category, uint64_t value) {
    j[category] = if_measured(o.counted(category), value);
  };
  auto breakdown = [&](const char* key, const char* category,
                       const std::map<std::string, uint64_t>& counts) {
    j[key] = o.counted(category) ? counts_json(counts) : Json(nullptr);
  };
  count("arithmetic", o.arithmetic);
  count("comparison", o.comparison);
  count("logical", o.logical);
  count("string", o.string);
  count("array", o.array);
  count("object", o.object);
  count("function_calls", o.function_calls);
  count("variable_accesses", o.variable_accesses);
  count("property_accesses", o.property_accesses);
  count("string_dictionary", o.string_dictionary);
  breakdown("calls_by_function", "function_calls", o.calls_by_function);
  breakdown("accesses_by_variable", "variable_accesses", o.accesses_by_variable);
  breakdown("property_accesses_by_type", "property_accesses", o.property_accesses_by_type);
  breakdown("string_dictionary_by_operation", "string_dictionary", o.dictionary_by_operation);
  return j;
}

class CallGraphBuilder {
 public:
  CallGraphBuilder(const Profile& p, uint32_t max_depth)
      : p_(p), max_depth_(max_depth), times_(p) {}

  Json node(uint32_t index, uint32_t depth) const {
    const CallNode& n = p_.nodes[index];
    const Frame& f = p_.frames[n.frame];
    Json j;
    j["name"] = index == 0 ? "<root>" : f.name;
    j["kind"] = frame_kind_name(f.kind);
    j["file"] = f.file;
    j["line"] = f.line;
    // The root has no span of its own; its figures are exact whenever time was measured.
    bool exact = p_.time_measured && (n.has_exact || index == 0);
    times_.put(j, exact, n.calls, n.inclusive_ns, n.self_ns, n.samples_inclusive,
               n.samples_self);
    if (n.disagreement) j["disagreement"] = true;
    j["allocations"] = n.alloc_count;
    j["allocation_bytes"] = n.alloc_bytes;
    if (p_.memory.heap_sampling) {
      j["inuse_objects"] = n.inuse_objects;
      j["inuse_bytes"] = n.inuse_bytes;
    }
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
  TimeFigures times_;
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
  j["min_duration_ns"] = c.min_duration_ns;
  j["timeline_dropped"] = c.timeline_dropped;
  j["timeline_floor_ns"] = c.timeline_floor_ns;
  j["overhead_percent"] = c.overhead_percent;
  j["max_call_stack_depth"] = options.max_call_stack_depth;
  j["notes"] = c.notes;
  if (!c.internal_notes.empty()) j["internal_notes"] = c.internal_notes;
  return j;
}

Json thread_sampling_json(const ThreadSampling& t) {
  Json j;
  j["thread"] = t.thread;
  j["samples"] = t.samples;
  j["dropped_samples"] = t.dropped;
  j["truncated_stacks"] = t.truncated;
  j["cpu_time_ns"] = t.cpu_ns;
  j["wall_time_ns"] = t.wall_ns;
  j["rate_delivered_hz"] = t.rate_delivered_hz;
  return j;
}

// null when the run was not sampled.
Json sampling_json(const std::optional<SamplingInfo>& sampling) {
  if (!sampling) return nullptr;
  const SamplingInfo& s = *sampling;
  Json j;
  j["rate_requested_hz"] = s.rate_requested_hz;
  j["rate_delivered_hz"] = s.rate_delivered_hz;
  j["clock"] = s.clock;
  j["clock_source"] = s.clock_source;
  j["delivery"] = s.delivery;
  j["samples"] = s.samples;
  j["dropped_samples"] = s.dropped_samples;
  j["unsettled_copies"] = s.unsettled_copies;
  j["truncated_stacks"] = s.truncated_stacks;
  j["threads"] = s.threads;
  j["native"] = s.native;
  j["jitter"] = s.jitter;
  j["max_stack"] = s.max_stack;
  j["native_unwind_failures"] = s.native_unwind_failures;
  j["handler_ns"] = s.handler_ns;
  j["drain_ns"] = s.drain_ns;
  j["naming_ns"] = s.naming_ns;
  j["signal_cost_ns"] = s.signal_cost_ns;
  j["overhead_percent"] = s.overhead_percent;
  Json per_thread = Json::array();
  for (const ThreadSampling& t : s.per_thread) per_thread.push_back(thread_sampling_json(t));
  j["per_thread"] = std::move(per_thread);
  return j;
}

Json threads_json(const std::vector<ThreadInfo>& threads) {
  Json out = Json::array();
  for (const ThreadInfo& t : threads)
    out.push_back({{"id", t.id}, {"name", t.name}, {"tid", t.tid}});
  return out;
}

Json timeline_json(const std::vector<TimelineEvent>& timeline) {
  Json out = Json::array();
  for (const TimelineEvent& e : timeline)
    out.push_back({{"thread", e.thread},
                   {"frame", e.frame},
                   {"depth", e.depth},
                   {"start_ns", e.start_ns},
                   {"duration_ns", e.duration_ns}});
  return out;
}

// Expression granularity: one row per (function, expression site), whatever the call paths.
Json expression_sites_json(const Profile& p) {
  Json out = Json::array();
  for (const ExpressionSite& site : p.expression_sites) {
    const Frame& frame = p.frames[site.frame];
    out.push_back({{"function", p.frames[site.function_frame].name},
                   {"site", frame.name},
                   {"line", frame.line},
                   {"column", frame.column},
                   {"function_frame", site.function_frame},
                   {"frame", site.frame},
                   {"calls", site.calls},
                   {"duration_ms", ms(site.inclusive_ns)},
                   {"self_ms", ms(site.self_ns)},
                   {"inclusive_ns", site.inclusive_ns},
                   {"self_ns", site.self_ns}});
  }
  return out;
}

// Sampled lines, lossless: sampled_lines[i] is Profile::line_nodes[i] ("parent" an index into
// this array, null for a path's outermost frame; "node" into "nodes").
Json sampled_lines_json(const Profile& p) {
  Json out = Json::array();
  for (const LineNode& l : p.line_nodes)
    out.push_back({{"node", l.node},
                   {"parent", l.parent == kNoNode ? Json(nullptr) : Json(l.parent)},
                   {"line", l.line},
                   {"samples_self", l.samples_self}});
  return out;
}

// For people and scripts: every sampled line with samples, most self samples first.
Json hot_lines_json(const Profile& p) {
  Json out = Json::array();
  for (const HotLine& hot : hot_lines(p)) {
    const Frame& f = p.frames[hot.function_frame];
    out.push_back({{"function", f.name},
                   {"file", f.file},
                   {"line", hot.line},
                   {"function_frame", hot.function_frame},
                   {"samples_self", hot.samples_self},
                   {"samples_total", hot.samples_total}});
  }
  return out;
}

Json frames_json(const std::vector<Frame>& frames) {
  Json out = Json::array();
  for (const Frame& f : frames)
    out.push_back({{"name", f.name},
                   {"file", f.file},
                   {"line", f.line},
                   {"column", f.column},
                   {"kind", frame_kind_name(f.kind)}});
  return out;
}

// The whole call tree, flat and uncut: nodes[i] is Profile::nodes[i]; "parent" (null for the
// root) and "children" are indexes into this array, "frame" into "frames".
Json nodes_json(const std::vector<CallNode>& nodes) {
  Json out = Json::array();
  for (const CallNode& n : nodes) {
    Json j;
    j["frame"] = n.frame;
    j["parent"] = n.parent == kNoNode ? Json(nullptr) : Json(n.parent);
    j["children"] = n.children;
    j["has_exact"] = n.has_exact;
    j["calls"] = n.calls;
    j["inclusive_ns"] = n.inclusive_ns;
    j["self_ns"] = n.self_ns;
    j["samples_inclusive"] = n.samples_inclusive;
    j["samples_self"] = n.samples_self;
    j["allocations"] = n.alloc_count;
    j["allocation_bytes"] = n.alloc_bytes;
    if (n.inuse_objects || n.inuse_bytes) {  // allocation sampling (absent: 0)
      j["inuse_objects"] = n.inuse_objects;
      j["inuse_bytes"] = n.inuse_bytes;
    }
    j["disagreement"] = n.disagreement;
    j["metrics"] = metrics_json(n.metrics);
    out.push_back(std::move(j));
  }
  return out;
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
    root["sampling"] = sampling_json(p.sampling);
    root["threads"] = threads_json(p.threads);
    root["timeline"] = timeline_json(p.timeline);
    root["expression_sites"] = expression_sites_json(p);
    if (p.sampling || !p.line_nodes.empty()) {  // (sampled profiles only: exact ones unchanged)
      root["hot_lines"] = hot_lines_json(p);
      root["sampled_lines"] = sampled_lines_json(p);
    }
    root["frames"] = frames_json(p.frames);
    root["nodes"] = nodes_json(p.nodes);
    // Invalid UTF-8 (a guest string in a name) is replaced rather than thrown on.
    return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  }
  std::string_view format_name() const override { return "json"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_json_writer() { return std::make_unique<JsonWriter>(); }

}  // namespace aiprof::report
