// pprof's profile.proto (github.com/google/pprof, proto/profile.proto), gzipped: what
// `go tool pprof`, Pyroscope and Parca read. One Sample per call path (its locations leaf
// first) with the path's self figures: samples and their time when sampled, else exact self
// time; allocations when memory was measured, and, with allocation sampling, what is still in
// use, under Go's heap-profile names and units (alloc_objects/count, alloc_space/bytes,
// inuse_objects/count, inuse_space/bytes). One Function and one Location per frame.
// Profile::labels become string labels on every sample. Sampled lines (Profile::line_nodes)
// go out as samples of their own whose Locations carry the line each frame stood at (one
// Location per (frame, line)), so `go tool pprof -lines` and `-list` show hot lines; their
// samples are taken off their nodes' samples.
#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <set>
#include <map>
#include <unordered_map>

#include "aiprof/report/report_writer.hpp"
#include "call_paths.hpp"
#include "gzip.hpp"
#include "protobuf_writer.hpp"
#include "aiprof/report/sampled_lines.hpp"

namespace aiprof::report {

namespace {

// Field numbers of profile.proto.
namespace field {
enum Profile : uint32_t {
  kSampleType = 1,
  kSample = 2,
  kMapping = 3,
  kLocation = 4,
  kFunction = 5,
  kStringTable = 6,
  kTimeNanos = 9,
  kDurationNanos = 10,
  kPeriodType = 11,
  kPeriod = 12,
  kComment = 13,
  kDefaultSampleType = 14
};
enum ValueType : uint32_t { kType = 1, kUnit = 2 };
enum Sample : uint32_t { kLocationId = 1, kValue = 2, kLabel = 3 };
enum Label : uint32_t { kKey = 1, kStr = 2 };
enum Mapping : uint32_t {
  kMappingId = 1,
  kMappingFilename = 5,
  kHasFunctions = 7,
  kHasFilenames = 8,
  kHasLineNumbers = 9
};
enum Location : uint32_t { kLocationIdField = 1, kLocationMappingId = 2, kLine = 4 };
enum Line : uint32_t { kFunctionId = 1, kLineNumber = 2 };
enum Function : uint32_t { kFunctionIdField = 1, kName = 2, kFilename = 4, kStartLine = 5 };
}  // namespace field

// profile.proto's string_table: index 0 is "", every other string once.
class StringTable {
 public:
  StringTable() { index(""); }
  int64_t index(const std::string& s) {
    auto [it, added] = ids_.emplace(s, static_cast<int64_t>(strings_.size()));
    if (added) strings_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string, int64_t> ids_;
  std::vector<std::string> strings_;
};

// One value column of every sample.
enum class Column {
  Samples,
  SampledTime,
  ExactTime,
  Calls,
  AllocObjects,
  AllocSpace,
  InuseObjects,
  InuseSpace
};

std::vector<Column> columns_of(const Profile& p) {
  std::vector<Column> columns;
  if (p.sampling) {
    columns.push_back(Column::Samples);
    if (sample_period_ns(p)) columns.push_back(Column::SampledTime);
  }
  // Hybrid: the exact times too, last, so readers show them by default (they cover every
  // call, however short).
  if (p.time_measured) columns.push_back(Column::ExactTime);
  if (p.memory.measured && p.memory.allocations_measured) {
    columns.push_back(Column::AllocObjects);
    columns.push_back(Column::AllocSpace);
  }
  if (p.memory.measured && p.memory.heap_sampling) {
    columns.push_back(Column::InuseObjects);
    columns.push_back(Column::InuseSpace);
  }
  if (columns.empty()) columns.push_back(Column::Calls);
  return columns;
}

std::pair<std::string, std::string> type_of(const Profile& p, Column c) {
  switch (c) {
    case Column::Samples:
      return {"samples", "count"};
    case Column::SampledTime:
      return {std::string(time_kind(p)), "nanoseconds"};
    case Column::ExactTime:  // named apart from the sampled time when both are there
      return {(p.sampling ? "exact_" : "") + std::string(time_kind(p)), "nanoseconds"};
    case Column::Calls:
      return {"calls", "count"};
    case Column::AllocObjects:
      return {"alloc_objects", "count"};
    case Column::AllocSpace:
      return {"alloc_space", "bytes"};
    case Column::InuseObjects:
      return {"inuse_objects", "count"};
    case Column::InuseSpace:
      return {"inuse_space", "bytes"};
  }
  return {"", ""};
}

int64_t value_of(const Profile& p, const CallNode& n, Column c) {
  switch (c) {
    case Column::Samples:
      return static_cast<int64_t>(n.samples_self);
    case Column::SampledTime:
      return std::llround(static_cast<double>(n.samples_self) * *sample_period_ns(p));
    case Column::ExactTime:
      return static_cast<int64_t>(n.self_ns);
    case Column::Calls:
      return static_cast<int64_t>(n.calls);
    case Column::AllocObjects:
      return static_cast<int64_t>(n.alloc_count);
    case Column::AllocSpace:
      return static_cast<int64_t>(n.alloc_bytes);
    case Column::InuseObjects:
      return static_cast<int64_t>(n.inuse_objects);
    case Column::InuseSpace:
      return static_cast<int64_t>(n.inuse_bytes);
  }
  return 0;
}

ProtobufWriter value_type(StringTable& strings, const std::pair<std::string, std::string>& t) {
  ProtobufWriter m;
  m.int64(field::kType, strings.index(t.first));
  m.int64(field::kUnit, strings.index(t.second));
  return m;
}

// "2024-05-01T12:00:00.123Z" (Profile::start_time) as nanoseconds since the epoch, or 0.
int64_t epoch_ns(const std::string& iso) {
  std::tm t{};
  int ms = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &t.tm_year, &t.tm_mon, &t.tm_mday,
                  &t.tm_hour, &t.tm_min, &t.tm_sec, &ms) < 6)
    return 0;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return (static_cast<int64_t>(timegm(&t)) * 1000 + ms) * 1000000;
}

// Everything a Profile message holds, each part encoded as it is built (strings are numbered
// on the way and written last).
class PprofEncoder {
 public:
  PprofEncoder(const Profile& p, std::string_view default_type)
      : p_(p), columns_(columns_of(p)), default_type_(default_type) {}

  std::string encode() {
    ProtobufWriter out;
    for (Column c : columns_) out.message(field::kSampleType, value_type(strings_, type_of(p_, c)));
    samples(out);
    out.message(field::kMapping, mapping());
    functions_and_locations(out);
    header(out);
    for (const std::string& s : strings_.strings()) out.bytes(field::kStringTable, s);
    return out.data();
  }

 private:
  void samples(ProtobufWriter& out) {
    std::vector<uint64_t> in_lines(p_.nodes.size(), 0);
    if (p_.sampling)
      for (const LineNode& l : p_.line_nodes) in_lines[l.node] += l.samples_self;
    for (uint32_t node = 0; node < p_.nodes.size(); ++node) {
      std::vector<uint64_t> values;
      bool any = false;
      for (Column c : columns_) {
        int64_t v = value_of(p_, p_.nodes[node], c);
        if (is_sampled(c)) v = sampled_value(p_.nodes[node].samples_self - in_lines[node], c);
        values.push_back(static_cast<uint64_t>(v));
        any = any || values.back() != 0;
      }
      if (!any) continue;
      std::vector<uint32_t> path = frame_path(p_, node);
      std::vector<uint64_t> locations;  // leaf first
      for (size_t i = path.size(); i-- > 0;) locations.push_back(location_of(path[i], 0));
      sample(out, locations, values);
    }
    if (p_.sampling) line_samples(out);
  }

  // The sampled lines' samples: the sampled columns only.
  void line_samples(ProtobufWriter& out) {
    for (uint32_t i = 0; i < p_.line_nodes.size(); ++i) {
      uint64_t samples = p_.line_nodes[i].samples_self;
      if (samples == 0) continue;
      std::vector<uint64_t> values;
      for (Column c : columns_)
        values.push_back(is_sampled(c) ? static_cast<uint64_t>(sampled_value(samples, c)) : 0);
      std::vector<uint32_t> path = line_path(p_, i);
      std::vector<uint64_t> locations;
      for (size_t k = path.size(); k-- > 0;) {
        const LineNode& l = p_.line_nodes[path[k]];
        locations.push_back(location_of(p_.nodes[l.node].frame, l.line));
      }
      sample(out, locations, values);
    }
  }

  static bool is_sampled(Column c) { return c == Column::Samples || c == Column::SampledTime; }
  int64_t sampled_value(uint64_t samples, Column c) const {
    if (c == Column::Samples) return static_cast<int64_t>(samples);
    return std::llround(static_cast<double>(samples) * *sample_period_ns(p_));
  }

  void sample(ProtobufWriter& out, const std::vector<uint64_t>& locations,
              const std::vector<uint64_t>& values) {
    ProtobufWriter sample;
    sample.packed(field::kLocationId, locations);
    sample.packed(field::kValue, values);
    for (const auto& [key, value] : p_.labels) sample.message(field::kLabel, label(key, value));
    out.message(field::kSample, sample);
  }

  // A frame's Location: id frame + 1 (ids are nonzero) at the frame's own line; at another
  // line (a sampled line), an id past every frame's.
  uint64_t location_of(uint32_t frame, uint32_t line) {
    used_frames_.insert(frame);
    if (line == 0 || line == p_.frames[frame].line) {
      frame_locations_.insert(frame);
      return uint64_t{frame} + 1;
    }
    auto [it, added] = line_locations_.try_emplace(
        std::make_pair(frame, line), p_.frames.size() + 1 + line_locations_.size());
    return it->second;
  }

  ProtobufWriter label(const std::string& key, const std::string& value) {
    ProtobufWriter m;
    m.int64(field::kKey, strings_.index(key));
    m.int64(field::kStr, strings_.index(value));
    return m;
  }

  // One mapping that says names, files and lines are all there, so pprof does not try to
  // symbolize addresses (there are none: guest frames are not machine code).
  ProtobufWriter mapping() {
    ProtobufWriter m;
    m.varint(field::kMappingId, 1);
    m.int64(field::kMappingFilename, strings_.index(p_.program.empty() ? "anarchy" : p_.program));
    m.varint(field::kHasFunctions, 1);
    m.varint(field::kHasFilenames, 1);
    m.varint(field::kHasLineNumbers, 1);
    return m;
  }

  void functions_and_locations(ProtobufWriter& out) {
    for (uint32_t frame : used_frames_) {
      const Frame& f = p_.frames[frame];
      ProtobufWriter function;
      function.varint(field::kFunctionIdField, frame + 1);
      // No system_name: pprof demangles that as C++ and would cut "m.<init>" to "m.".
      function.int64(field::kName, strings_.index(f.name.empty() ? "?" : f.name));
      if (!f.file.empty()) function.int64(field::kFilename, strings_.index(f.file));
      if (f.line) function.int64(field::kStartLine, f.line);
      out.message(field::kFunction, function);
      if (frame_locations_.count(frame)) location(out, frame + 1, frame, f.line);
    }
    for (const auto& [frame_and_line, id] : line_locations_)
      location(out, id, frame_and_line.first, frame_and_line.second);
  }

  void location(ProtobufWriter& out, uint64_t id, uint32_t frame, uint32_t line_number) {
    ProtobufWriter line;
    line.varint(field::kFunctionId, frame + 1);
    if (line_number) line.int64(field::kLineNumber, line_number);
    ProtobufWriter location;
    location.varint(field::kLocationIdField, id);
    location.varint(field::kLocationMappingId, 1);
    location.message(field::kLine, line);
    out.message(field::kLocation, location);
  }

  void header(ProtobufWriter& out) {
    if (int64_t t = epoch_ns(p_.start_time)) out.int64(field::kTimeNanos, t);
    out.int64(field::kDurationNanos, static_cast<int64_t>(p_.duration_ns));
    if (auto period = sample_period_ns(p_)) {
      out.message(field::kPeriodType,
                  value_type(strings_, {std::string(time_kind(p_)), "nanoseconds"}));
      out.int64(field::kPeriod, std::llround(*period));
    } else if (p_.memory.heap_sampling) {  // as Go's heap profile: the sampling rate in bytes
      out.message(field::kPeriodType, value_type(strings_, {"space", "bytes"}));
      out.int64(field::kPeriod, static_cast<int64_t>(p_.memory.heap_sampling->rate_bytes));
    }
    for (const std::string& comment : comments())
      out.int64(field::kComment, strings_.index(comment));
    if (!default_type_.empty()) {
      out.int64(field::kDefaultSampleType, strings_.index(default_type_));
      return;
    }
    for (Column c : columns_)
      if (c == Column::SampledTime || c == Column::ExactTime)
        out.int64(field::kDefaultSampleType, strings_.index(type_of(p_, c).first));
  }

  std::vector<std::string> comments() const {
    std::vector<std::string> out{"aiprof " + p_.mode + " profile of " +
                                 (p_.program.empty() ? p_.session_name : p_.program)};
    if (p_.sampling) {
      out.push_back(fmt::format("{} clock, rate requested {:.0f} Hz, delivered {:.1f} Hz",
                                p_.sampling->clock, p_.sampling->rate_requested_hz,
                                p_.sampling->rate_delivered_hz));
    }
    if (p_.sampling)
      out.push_back("samples dropped: " + std::to_string(p_.sampling->dropped_samples) +
                    ", stacks truncated: " + std::to_string(p_.sampling->truncated_stacks));
    if (const auto& heap = p_.memory.heap_sampling)
      out.push_back("allocations sampled every " + std::to_string(heap->rate_bytes) +
                    " bytes on average (" + std::to_string(heap->sampled_allocations) +
                    " sampled); alloc and inuse figures are unbiased estimates");
    if (p_.profiler.filtered_spans)
      out.push_back("spans filtered (min_duration): " + std::to_string(p_.profiler.filtered_spans));
    return out;
  }

  const Profile& p_;
  std::vector<Column> columns_;
  std::string default_type_;  // "": the time column (if any), else pprof's choice (the last)
  StringTable strings_;
  std::set<uint32_t> used_frames_;      // frames with a Function
  std::set<uint32_t> frame_locations_;  // frames with a Location at their own line
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> line_locations_;  // (frame, line) -> id
};

class PprofWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions&) const override {
    return render_pprof(p);
  }
  std::string_view format_name() const override { return "pprof"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_pprof_writer() { return std::make_unique<PprofWriter>(); }

std::string render_pprof(const Profile& p, std::string_view default_sample_type) {
  return gzip(PprofEncoder(p, default_sample_type).encode());
}

}  // namespace aiprof::report
