// Chrome's Trace Event Format (JSON object form), for Perfetto and chrome://tracing: the
// exact spans as complete ("X") events per thread (recorded, or laid out from the exact call
// tree when no timeline was recorded; otherData says which), GC runs as X events on a track of
// their own, live heap bytes as a counter ("C") track, and metadata ("M") naming the process
// and threads. Timestamps and durations are microseconds (fractions keep nanoseconds).
//
// A recorded timeline holds up to a million spans, so span events are written straight into
// the output text (each frame's constant part escaped once), never built as JSON values: a
// JSON value per event cost about 1 KB and most of the writing time.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "aiprof/report/report_writer.hpp"
#include "timeline_spans.hpp"

namespace aiprof::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;

double us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Trace tids: the OS id when the profile knows it, else the thread's index + 1 (viewers treat
// tid 0 as the idle task). The GC track gets the first id after all of them.
struct TrackIds {
  std::vector<int64_t> by_thread;
  int64_t gc = 0;
};

TrackIds track_ids(const Profile& p, const TimelineSpans& spans) {
  TrackIds ids;
  uint32_t count = static_cast<uint32_t>(p.threads.size());
  for (const TimelineEvent& e : spans.events) count = std::max(count, e.thread + 1);
  ids.by_thread.resize(count);
  std::set<int64_t> taken;
  for (uint32_t t = 0; t < count; ++t) {
    int64_t tid = t + 1;
    for (const ThreadInfo& info : p.threads)
      if (info.id == t && info.tid > 0 && !taken.count(info.tid)) tid = info.tid;
    while (taken.count(tid)) ++tid;
    ids.by_thread[t] = tid;
    taken.insert(tid);
  }
  ids.gc = taken.empty() ? 1 : *taken.rbegin() + 1;
  return ids;
}

Json metadata(const char* name, int64_t tid, const std::string& value) {
  return Json{
      {"name", name}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", {{"name", value}}}};
}

void name_tracks(const Profile& p, const TrackIds& ids, Json& events) {
  std::string process = "anarchy " + (p.program.empty() ? p.session_name : p.program);
  events.push_back(metadata("process_name", ids.by_thread.empty() ? 1 : ids.by_thread[0], process));
  for (uint32_t t = 0; t < ids.by_thread.size(); ++t)
    events.push_back(metadata("thread_name", ids.by_thread[t], thread_name(p, t)));
  if (!p.memory.gc_runs.empty()) events.push_back(metadata("thread_name", ids.gc, "GC"));
}

// The part of a span event that depends on its frame alone, up to "tid": written once.
std::string span_event_head(const Frame& f) {
  Json head{{"name", f.name}, {"cat", frame_kind_name(f.kind)}, {"ph", "X"}, {"pid", kPid}};
  if (!f.file.empty()) head["args"] = {{"file", f.file}, {"line", f.line}};
  std::string text = head.dump();
  text.pop_back();  // the closing brace: ts, dur and tid follow
  return text;
}

// Nanoseconds as microseconds with up to three decimals ("12", "12.5", "0.001"), from integers:
// a million spans' times are most of the trace, and integer formatting is the cheap kind.
template <typename Integer>
void append_integer(Integer value, fmt::memory_buffer& out) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_us(uint64_t ns, fmt::memory_buffer& out) {
  append_integer(ns / 1000, out);
  uint64_t fraction = ns % 1000;
  if (fraction == 0) return;
  char digits[4] = {'.', static_cast<char>('0' + fraction / 100),
                    static_cast<char>('0' + fraction / 10 % 10), static_cast<char>('0' + fraction % 10)};
  size_t length = fraction % 100 == 0 ? 2 : fraction % 10 == 0 ? 3 : 4;
  out.append(digits, digits + length);
}

// Writes ",{...}" per span: the events array already holds the metadata before them.
void spans(const Profile& p, const TimelineSpans& s, const TrackIds& ids, std::string& out) {
  std::vector<std::string> heads(p.frames.size());
  fmt::memory_buffer buffer;
  for (const TimelineEvent& e : s.events) {
    std::string& head = heads[e.frame];
    if (head.empty()) head = span_event_head(p.frames[e.frame]);
    buffer.push_back(',');
    buffer.append(head);
    buffer.append(std::string_view(R"(,"ts":)"));
    append_us(e.start_ns, buffer);
    buffer.append(std::string_view(R"(,"dur":)"));
    append_us(e.duration_ns, buffer);
    buffer.append(std::string_view(R"(,"tid":)"));
    append_integer(ids.by_thread[e.thread], buffer);
    buffer.push_back('}');
  }
  out.append(buffer.data(), buffer.size());
}

void gc_runs(const Profile& p, const TrackIds& ids, Json& events) {
  for (const GcEvent& gc : p.memory.gc_runs)
    events.push_back(Json{
        {"name", "GC"},
        {"cat", "gc"},
        {"ph", "X"},
        {"ts", us(gc.start_ns)},
        {"dur", us(gc.duration_ns)},
        {"pid", kPid},
        {"tid", ids.gc},
        {"args",
         {{"reclaimed_bytes", gc.reclaimed_bytes}, {"reclaimed_objects", gc.reclaimed_objects}}}});
}

void heap_counter(const Profile& p, Json& events) {
  for (const TimeSeriesPoint& point : p.memory.heap_bytes)
    events.push_back(Json{{"name", "heap bytes"},
                          {"ph", "C"},
                          {"ts", us(point.t_ns)},
                          {"pid", kPid},
                          {"args", {{"live", point.value}}}});
}

Json other_data(const Profile& p, const TimelineSpans& s) {
  Json data{{"session", p.session_name},
            {"program", p.program},
            {"mode", p.mode},
            {"start_time", p.start_time},
            {"duration_ns", p.duration_ns},
            {"timeline", timeline_source(s)},
            {"timeline_dropped", p.profiler.timeline_dropped}};
  if (p.profiler.timeline_dropped) {
    data["timeline_floor_ns"] = p.profiler.timeline_floor_ns;
    data["timeline_drop_rule"] =
        timeline_drop_rule(p.profiler.timeline_dropped, p.profiler.timeline_floor_ns);
  }
  for (const auto& [key, value] : p.labels) data["label." + key] = value;
  return data;
}

// Events other than spans are few (tracks, GC runs, heap points): JSON values, dumped.
void append_events(const Json& events, std::string& out) {
  for (const Json& e : events) {
    if (out.back() != '[') out += ',';
    out += e.dump();
  }
}

class ChromeTraceWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions&) const override {
    TimelineSpans s = timeline_spans(p);
    TrackIds ids = track_ids(p, s);
    Json tracks = Json::array(), others = Json::array();
    name_tracks(p, ids, tracks);
    gc_runs(p, ids, others);
    heap_counter(p, others);
    std::string out = R"({"traceEvents":[)";
    append_events(tracks, out);  // never empty: the process is always named
    spans(p, s, ids, out);
    append_events(others, out);
    out += R"(],"displayTimeUnit":"ns","otherData":)";
    out += other_data(p, s).dump();
    out += "}\n";
    return out;
  }
  std::string_view format_name() const override { return "chrome-trace"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_chrome_trace_writer() {
  return std::make_unique<ChromeTraceWriter>();
}

}  // namespace aiprof::report
