// Chrome's Trace Event Format (JSON object form), for Perfetto and chrome://tracing: the
// exact spans as complete ("X") events per thread (recorded, or laid out from the exact call
// tree when no timeline was recorded; otherData says which), GC runs as X events on a track of
// their own, live heap bytes as a counter ("C") track, and metadata ("M") naming the process
// and threads. Timestamps and durations are microseconds (fractions keep nanoseconds).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

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

Json span_event(const Profile& p, const TimelineEvent& e, int64_t tid) {
  const Frame& f = p.frames[e.frame];
  Json event{{"name", f.name},
             {"cat", frame_kind_name(f.kind)},
             {"ph", "X"},
             {"ts", us(e.start_ns)},
             {"dur", us(e.duration_ns)},
             {"pid", kPid},
             {"tid", tid}};
  if (!f.file.empty()) event["args"] = {{"file", f.file}, {"line", f.line}};
  return event;
}

void spans(const Profile& p, const TimelineSpans& s, const TrackIds& ids, Json& events) {
  for (const TimelineEvent& e : s.events)
    events.push_back(span_event(p, e, ids.by_thread[e.thread]));
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
  for (const auto& [key, value] : p.labels) data["label." + key] = value;
  return data;
}

class ChromeTraceWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions&) const override {
    TimelineSpans s = timeline_spans(p);
    TrackIds ids = track_ids(p, s);
    Json events = Json::array();
    name_tracks(p, ids, events);
    spans(p, s, ids, events);
    gc_runs(p, ids, events);
    heap_counter(p, events);
    Json trace;
    trace["traceEvents"] = std::move(events);
    trace["displayTimeUnit"] = "ns";
    trace["otherData"] = other_data(p, s);
    return trace.dump() + "\n";
  }
  std::string_view format_name() const override { return "chrome-trace"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_chrome_trace_writer() {
  return std::make_unique<ChromeTraceWriter>();
}

}  // namespace aiprof::report
