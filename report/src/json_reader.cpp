// Reads a schema-2 JSON report back into a Profile (see json_reader.hpp). Each section of the
// file has one function here, mirroring json_report.cpp; json_reader_field.hpp names the path
// of whatever is missing or mistyped.
#include "aiprof/report/json_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "json_reader_field.hpp"

namespace aiprof::report {

namespace {

using json_in::Field;
using json_in::FieldError;
using json_in::index_below;
using json_in::Json;

FrameKind frame_kind_of(const Field& f) {
  std::string name = f.string();
  if (std::optional<FrameKind> kind = instrumentation::frame_kind_named(name)) return *kind;
  f.fail("is '" + name + "', not a frame kind (function, module, native, gc, ...)");
}

MetricValue metric_of(const Field& f) {
  const Json& v = f.json();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float() || v.is_null()) return f.number();
  if (v.is_number()) return f.i64();
  f.fail_type("a number or a string");
}

std::map<std::string, MetricValue> metrics_of(const Field& f) {
  if (!f.json().is_object()) f.fail_type("an object");
  std::map<std::string, MetricValue> out;
  for (auto it = f.json().begin(); it != f.json().end(); ++it)
    out[it.key()] = metric_of(Field(it.value(), f.path() + "." + it.key()));
  return out;
}

void read_session(const Field& s, Profile& p) {
  p.session_name = s["name"].string();
  p.mode = s["mode"].string();
  p.granularity = s["granularity"].string();
  p.program = s["program"].string();
  p.duration_ns = s["duration_ns"].u64();
  p.start_time = s["start_time"].string();
  p.end_time = s["end_time"].string();
  Field exit = s["exit_status"];
  if (!exit.is_null()) {
    int64_t status = exit.i64();
    if (status < INT32_MIN || status > INT32_MAX) exit.fail("is out of range");
    p.exit_status = static_cast<int>(status);
  }
  p.time_precision = s["time_precision"].string();
  p.labels = s["labels"].strings();
  p.system_info = s["system_info"].strings();
}

void read_frames(const Field& frames, Profile& p) {
  p.frames.clear();
  for (const Field& f : frames.elements())
    p.frames.push_back(Frame{f["name"].string(), f["file"].string(), f["line"].u32(),
                             frame_kind_of(f["kind"]), f["column"].u32()});
  if (p.frames.empty()) frames.fail("is empty (frames[0] is the root's)");
}

// One node's own figures; its links are checked by check_tree once all nodes are read.
CallNode node_of(const Field& n, const Profile& p, uint32_t index, size_t node_count) {
  CallNode node;
  node.frame = index_below(n["frame"], p.frames.size(), "frames");
  Field parent = n["parent"];
  if (index == 0) {
    if (!parent.is_null()) parent.fail("must be null (nodes[0] is the root)");
  } else {
    if (parent.is_null()) parent.fail("is null, but only nodes[0] is a root");
    node.parent = index_below(parent, node_count, "nodes");
    if (node.parent >= index) parent.fail("must come before the node (parents are listed first)");
  }
  for (const Field& c : n["children"].elements())
    node.children.push_back(index_below(c, node_count, "nodes"));
  node.has_exact = n["has_exact"].boolean();
  node.calls = n["calls"].u64();
  node.inclusive_ns = n["inclusive_ns"].u64();
  node.self_ns = n["self_ns"].u64();
  node.samples_inclusive = n["samples_inclusive"].u64();
  node.samples_self = n["samples_self"].u64();
  node.alloc_count = n["allocations"].u64();
  node.alloc_bytes = n["allocation_bytes"].u64();
  if (n.json().contains("inuse_objects")) node.inuse_objects = n["inuse_objects"].u64();
  if (n.json().contains("inuse_bytes")) node.inuse_bytes = n["inuse_bytes"].u64();
  node.disagreement = n["disagreement"].boolean();
  node.metrics = metrics_of(n["metrics"]);
  return node;
}

// Every child lists its parent back, every non-root node is its parent's child exactly once,
// and the tree is no deeper than the reports can walk. Parents come first, so no cycles.
void check_tree(const std::vector<Field>& fields, const Profile& p) {
  std::vector<uint32_t> listed(p.nodes.size(), 0);
  std::vector<uint32_t> depth(p.nodes.size(), 0);
  for (uint32_t i = 0; i < p.nodes.size(); ++i) {
    const CallNode& n = p.nodes[i];
    if (i > 0 && (depth[i] = depth[n.parent] + 1) > kMaxReadTreeDepth)
      fields[i].fail("is deeper than " + std::to_string(kMaxReadTreeDepth) + " levels");
    std::vector<Field> children = fields[i]["children"].elements();
    for (size_t k = 0; k < n.children.size(); ++k) {
      uint32_t c = n.children[k];
      if (p.nodes[c].parent != i)
        children[k].fail("is " + std::to_string(c) + ", whose parent is not nodes[" +
                         std::to_string(i) + "]");
      if (++listed[c] > 1) children[k].fail("lists nodes[" + std::to_string(c) + "] twice");
    }
  }
  for (uint32_t i = 1; i < p.nodes.size(); ++i)
    if (listed[i] == 0) fields[i].fail("is missing from its parent's children");
}

void read_nodes(const Field& nodes, Profile& p) {
  std::vector<Field> fields = nodes.elements();
  if (fields.empty()) nodes.fail("is empty (nodes[0] is the root)");
  p.nodes.clear();
  p.nodes.reserve(fields.size());
  for (uint32_t i = 0; i < fields.size(); ++i)
    p.nodes.push_back(node_of(fields[i], p, i, fields.size()));
  check_tree(fields, p);
}

void read_threads(const Field& threads, Profile& p) {
  for (const Field& t : threads.elements())
    p.threads.push_back(ThreadInfo{t["id"].u32(), t["name"].string(), t["tid"].i64()});
}

void read_timeline(const Field& timeline, Profile& p) {
  for (const Field& e : timeline.elements())
    p.timeline.push_back(TimelineEvent{index_below(e["thread"], p.threads.size(), "threads"),
                                       index_below(e["frame"], p.frames.size(), "frames"),
                                       e["depth"].u32(), e["start_ns"].u64(),
                                       e["duration_ns"].u64()});
}

// Absent from files written before expression sites were aggregated apart from the tree.
void read_expression_sites(const Json& json, Profile& p) {
  if (!json.contains("expression_sites")) return;
  for (const Field& e : Field(json["expression_sites"], "expression_sites").elements())
    p.expression_sites.push_back(
        ExpressionSite{index_below(e["function_frame"], p.frames.size(), "frames"),
                       index_below(e["frame"], p.frames.size(), "frames"), e["calls"].u64(),
                       e["inclusive_ns"].u64(), e["self_ns"].u64()});
}

// Absent from files written before samples carried lines. A parent comes before its children.
void read_sampled_lines(const Json& json, Profile& p) {
  if (!json.contains("sampled_lines")) return;
  for (const Field& l : Field(json["sampled_lines"], "sampled_lines").elements()) {
    Field at = l["parent"];
    uint32_t parent = at.is_null() ? kNoNode
                                   : index_below(at, p.line_nodes.size(), "sampled_lines before it");
    p.line_nodes.push_back(LineNode{index_below(l["node"], p.nodes.size(), "nodes"), parent,
                                    l["line"].u32(), l["samples_self"].u64()});
  }
}

ThreadSampling thread_sampling_of(const Field& t, const Profile& p) {
  ThreadSampling out;
  out.thread = index_below(t["thread"], p.threads.size(), "threads");
  out.samples = t["samples"].u64();
  out.dropped = t["dropped_samples"].u64();
  out.truncated = t["truncated_stacks"].u64();
  out.cpu_ns = t["cpu_time_ns"].u64();
  out.wall_ns = t["wall_time_ns"].u64();
  out.rate_delivered_hz = t["rate_delivered_hz"].number();
  return out;
}

void read_sampling(const Field& s, Profile& p) {
  if (s.is_null()) return;
  SamplingInfo out;
  out.rate_requested_hz = s["rate_requested_hz"].number();
  out.rate_delivered_hz = s["rate_delivered_hz"].number();
  out.clock = s["clock"].string();
  out.clock_source = s["clock_source"].string();
  // (Profiles written before thread delivery existed were all sampled by signals.)
  out.delivery = s.json().contains("delivery") ? s["delivery"].string() : "signal";
  out.samples = s["samples"].u64();
  out.dropped_samples = s["dropped_samples"].u64();
  if (s.json().contains("unsettled_copies")) out.unsettled_copies = s["unsettled_copies"].u64();
  out.truncated_stacks = s["truncated_stacks"].u64();
  out.threads = s["threads"].u32();
  out.native = s["native"].boolean();
  out.jitter = s["jitter"].boolean();
  out.max_stack = s["max_stack"].u32();
  out.native_unwind_failures = s["native_unwind_failures"].u64();
  out.handler_ns = s["handler_ns"].u64();
  out.drain_ns = s["drain_ns"].u64();
  if (s.json().contains("naming_ns")) out.naming_ns = s["naming_ns"].u64();  // (absent before it was split out)
  out.signal_cost_ns = s["signal_cost_ns"].number();
  out.overhead_percent = s["overhead_percent"].number();
  for (const Field& t : s["per_thread"].elements())
    out.per_thread.push_back(thread_sampling_of(t, p));
  p.sampling = std::move(out);
}

TimeSeriesPoint heap_point_of(const Field& f) {
  std::vector<Field> pair = f.elements();
  if (pair.size() != 2) f.fail("must be [t_ns, bytes]");
  return TimeSeriesPoint{pair[0].u64(), pair[1].number()};
}

GcEvent gc_event_of(const Field& f) {
  return GcEvent{f["start_ns"].u64(), f["duration_ns"].u64(), f["reclaimed_bytes"].u64(),
                 f["reclaimed_objects"].u64()};
}

// A time series: [[t_ns, value], ...].
std::vector<TimeSeriesPoint> series_of(const Field& f) {
  std::vector<TimeSeriesPoint> out;
  for (const Field& point : f.elements()) out.push_back(heap_point_of(point));
  return out;
}

// Counts by name, or none when the file says null (not measured) or, for a key added after
// schema 2 was first written, when the key is absent.
std::map<std::string, uint64_t> counts_or_none(const Field& m, const char* key) {
  if (!m.json().contains(key) || m[key].is_null()) return {};
  return m[key].counts();
}

// What the process (not only the heap) held: added after schema 2 was first written.
void read_process_memory(const Field& m, MemoryMetrics& out) {
  if (m.json().contains("peak_rss_bytes")) out.peak_rss_bytes = m["peak_rss_bytes"].u64_or_zero();
  if (m.json().contains("rss_bytes")) out.rss_bytes = series_of(m["rss_bytes"]);
}

// Allocation sampling (issue 16): added after schema 2 was first written; absent: none.
void read_heap_sampling(const Field& m, MemoryMetrics& out) {
  if (!m.json().contains("heap_sampling")) return;
  const Field h = m["heap_sampling"];
  HeapSamplingInfo info;
  info.rate_bytes = h["rate_bytes"].u64();
  info.allocations_estimated = h["allocations_estimated"].boolean();
  info.sampled_allocations = h["sampled_allocations"].u64();
  info.live_sampled = h["live_sampled"].u64();
  info.peak_live_sampled = h["peak_live_sampled"].u64();
  info.inuse_bytes_by_type = h["inuse_bytes_by_type"].counts();
  info.inuse_objects_by_type = h["inuse_objects_by_type"].counts();
  out.heap_sampling = std::move(info);
}

// A figure that was not measured is null in the file and 0 here.
void read_memory(const Field& m, MemoryMetrics& out) {
  out.measured = m["measured"].boolean();
  out.allocations_measured = m["allocations_measured"].boolean();
  out.deallocations_measured = m["deallocations_measured"].boolean();
  out.peak_measured = m["peak_measured"].boolean();
  out.total_allocations = m["total_allocations"].u64_or_zero();
  out.total_allocation_bytes = m["total_allocation_bytes"].u64_or_zero();
  out.total_deallocations = m["total_deallocations"].u64_or_zero();
  out.total_deallocation_bytes = m["total_deallocation_bytes"].u64_or_zero();
  out.peak_memory_bytes = m["peak_memory_bytes"].u64_or_zero();
  out.live_bytes_at_end = m["live_bytes_at_end"].u64_or_zero();
  out.live_objects_at_end = m["live_objects_at_end"].u64_or_zero();
  out.objects_by_type = counts_or_none(m, "objects_by_type");
  out.live_objects_by_type = counts_or_none(m, "live_objects_by_type");
  out.allocations_by_type = counts_or_none(m, "allocations_by_type");
  out.allocation_bytes_by_type = counts_or_none(m, "allocation_bytes_by_type");
  out.refcount_measured = !m["refcount_histogram"].is_null();
  out.refcount_histogram = counts_or_none(m, "refcount_histogram");
  out.gc_collections = m["gc_collections"].u64_or_zero();
  out.gc_time_ns = m["gc_time_ns"].u64_or_zero();
  out.gc_reclaimed_bytes = m["gc_reclaimed_bytes"].u64_or_zero();
  out.gc_reclaimed_objects = m["gc_reclaimed_objects"].u64_or_zero();
  out.heap_bytes = series_of(m["heap_bytes"]);
  for (const Field& gc : m["gc_runs"].elements()) out.gc_runs.push_back(gc_event_of(gc));
  read_process_memory(m, out);
  read_heap_sampling(m, out);
}

// A category not counted is null (and its breakdown too): 0 and empty here, and `tracked`
// says it was not counted.
void read_operations(const Field& o, OperationMetrics& out) {
  out.measured = o["measured"].boolean();
  out.tracked = o["tracked"].string_list();
  out.arithmetic = o["arithmetic"].u64_or_zero();
  out.comparison = o["comparison"].u64_or_zero();
  out.logical = o["logical"].u64_or_zero();
  out.string = o["string"].u64_or_zero();
  out.array = o["array"].u64_or_zero();
  out.object = o["object"].u64_or_zero();
  out.function_calls = o["function_calls"].u64_or_zero();
  out.variable_accesses = o["variable_accesses"].u64_or_zero();
  out.property_accesses = o["property_accesses"].u64_or_zero();
  out.string_dictionary = o["string_dictionary"].u64_or_zero();
  out.calls_by_function = counts_or_none(o, "calls_by_function");
  out.accesses_by_variable = counts_or_none(o, "accesses_by_variable");
  out.property_accesses_by_type = counts_or_none(o, "property_accesses_by_type");
  out.dictionary_by_operation = counts_or_none(o, "string_dictionary_by_operation");
}

void read_profiler(const Field& c, ProfilerCost& out) {
  out.clock = c["clock"].string();
  out.span_cost_ns = c["span_cost_ns"].number();
  out.compensated = c["compensated"].boolean();
  out.spans = c["spans"].u64();
  out.filtered_spans = c["filtered_spans"].u64();
  out.min_duration_ns = c["min_duration_ns"].u64();
  out.timeline_dropped = c["timeline_dropped"].u64();
  if (c.json().contains("timeline_floor_ns")) out.timeline_floor_ns = c["timeline_floor_ns"].u64();
  out.overhead_percent = c["overhead_percent"].number();
  out.notes = c["notes"].string_list();
  if (c.json().contains("internal_notes"))  // (files from before it existed: none marked)
    for (std::string& note : c["internal_notes"].string_list())
      out.internal_notes.insert(std::move(note));
}

void check_schema_version(const Field& root) {
  if (!root.json().is_object())
    throw FieldError(std::string("the top level is ") + root.json().type_name() +
                     ", not an object: not an anarchy JSON report");
  if (!root.json().contains("schema_version"))
    throw FieldError("no schema_version: not an anarchy JSON report");
  Field version = root["schema_version"];
  if (!version.json().is_number_integer()) version.fail_type("an integer");
  if (version.json() != Profile::kSchemaVersion)
    throw FieldError("schema_version is " + version.json().dump() + ", but this anarchy reads " +
                     std::to_string(Profile::kSchemaVersion) +
                     " (profile the program again with this version)");
}

Profile profile_of(const Json& json) {
  Field root(json, "");
  check_schema_version(root);
  Profile p;
  read_session(root["session"], p);
  p.time_measured = root["time_metrics"]["measured"].boolean();
  read_frames(root["frames"], p);
  read_nodes(root["nodes"], p);
  read_threads(root["threads"], p);
  read_timeline(root["timeline"], p);
  read_expression_sites(json, p);
  read_sampled_lines(json, p);
  read_sampling(root["sampling"], p);
  read_memory(root["memory_metrics"], p.memory);
  read_operations(root["operation_metrics"], p.operations);
  read_profiler(root["profiler"], p.profiler);
  p.metrics = metrics_of(root["metrics"]);
  return p;
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string parse_problem(const Json::parse_error& e) {
  std::string what = e.what();
  size_t end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

Profile parse_json_profile(std::string_view text, const std::string& source) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw ProfileReadError("'" + source + "' is not valid JSON (truncated or corrupt?) at byte " +
                           std::to_string(e.byte) + ": " + parse_problem(e));
  } catch (const Json::out_of_range& e) {  // a number beyond a double: 1e309 (found by fuzzing)
    throw ProfileReadError("'" + source + "' is not valid JSON: " + e.what());
  }
  try {
    return profile_of(json);
  } catch (const FieldError& e) {
    throw ProfileReadError("'" + source + "': " + e.what());
  } catch (const Json::exception& e) {  // a conversion the checks above did not foresee
    throw ProfileReadError("'" + source + "': " + e.what());
  }
}

Profile read_json_profile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ProfileReadError("cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileReadError("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ProfileReadError("cannot read '" + path + "': " + std::strerror(errno));
  return parse_json_profile(text.str(), path);
}

}  // namespace aiprof::report
