// pprof's profile.proto (github.com/google/pprof, proto/profile.proto), gzipped: what
// `go tool pprof`, Pyroscope and Parca read. One Sample per call path (its locations leaf
// first) with the path's self figures: samples and their time when sampled, else exact self
// time; allocations when memory was measured. One Function and one Location per frame.
// Profile::labels become string labels on every sample.
#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <set>
#include <unordered_map>

#include "aiprof/report/report_writer.hpp"
#include "call_paths.hpp"
#include "gzip.hpp"
#include "protobuf_writer.hpp"

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
enum class Column { Samples, SampledTime, ExactTime, Calls, AllocObjects, AllocSpace };

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
  explicit PprofEncoder(const Profile& p) : p_(p), columns_(columns_of(p)) {}

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
    for (uint32_t node = 0; node < p_.nodes.size(); ++node) {
      std::vector<uint64_t> values;
      bool any = false;
      for (Column c : columns_) {
        values.push_back(static_cast<uint64_t>(value_of(p_, p_.nodes[node], c)));
        any = any || values.back() != 0;
      }
      if (!any) continue;
      std::vector<uint32_t> path = frame_path(p_, node);
      std::vector<uint64_t> locations(path.rbegin(), path.rend());  // leaf first
      for (uint64_t& frame : locations) {
        used_frames_.insert(static_cast<uint32_t>(frame));
        frame += 1;  // location id = frame index + 1 (ids are nonzero)
      }
      ProtobufWriter sample;
      sample.packed(field::kLocationId, locations);
      sample.packed(field::kValue, values);
      for (const auto& [key, value] : p_.labels) sample.message(field::kLabel, label(key, value));
      out.message(field::kSample, sample);
    }
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
      ProtobufWriter line;
      line.varint(field::kFunctionId, frame + 1);
      if (f.line) line.int64(field::kLineNumber, f.line);
      ProtobufWriter location;
      location.varint(field::kLocationIdField, frame + 1);
      location.varint(field::kLocationMappingId, 1);
      location.message(field::kLine, line);
      out.message(field::kLocation, location);
    }
  }

  void header(ProtobufWriter& out) {
    if (int64_t t = epoch_ns(p_.start_time)) out.int64(field::kTimeNanos, t);
    out.int64(field::kDurationNanos, static_cast<int64_t>(p_.duration_ns));
    if (auto period = sample_period_ns(p_)) {
      out.message(field::kPeriodType,
                  value_type(strings_, {std::string(time_kind(p_)), "nanoseconds"}));
      out.int64(field::kPeriod, std::llround(*period));
    }
    for (const std::string& comment : comments())
      out.int64(field::kComment, strings_.index(comment));
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
    if (p_.profiler.filtered_spans)
      out.push_back("spans filtered (min_duration): " + std::to_string(p_.profiler.filtered_spans));
    return out;
  }

  const Profile& p_;
  std::vector<Column> columns_;
  StringTable strings_;
  std::set<uint32_t> used_frames_;
};

class PprofWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions&) const override {
    return gzip(PprofEncoder(p).encode());
  }
  std::string_view format_name() const override { return "pprof"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_pprof_writer() { return std::make_unique<PprofWriter>(); }

}  // namespace aiprof::report
