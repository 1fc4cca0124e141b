// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one file,
// frames shared by its profiles. A "sampled" profile holds the call tree's samples (one
// stack per call path, weighted by its self samples, in nanoseconds when the rate is known);
// an "evented" profile per thread holds open/close events of the exact spans, from the
// recorded timeline or, without one, laid out from the exact call tree (its name says which);
// in sampling mode, of the sampled stacks' slices (sample_timeline.hpp).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "aiprof/report/report_writer.hpp"
#include "call_paths.hpp"
#include "timeline_spans.hpp"

namespace aiprof::report {

namespace {

using Json = nlohmann::ordered_json;

// Speedscope frame i is Profile frame i, so stacks and events use the profile's indices.
Json frames_json(const Profile& p) {
  Json frames = Json::array();
  for (const Frame& f : p.frames) {
    Json frame;
    frame["name"] = f.name.empty() ? "?" : f.name;
    if (!f.file.empty()) frame["file"] = f.file;
    if (f.line) frame["line"] = f.line;
    if (f.column) frame["col"] = f.column;
    frames.push_back(std::move(frame));
  }
  return frames;
}

Json sampled_json(const Profile& p) {
  std::optional<double> period = sample_period_ns(p);
  Json samples = Json::array(), weights = Json::array();
  double total = 0;
  for (uint32_t node = 0; node < p.nodes.size(); ++node) {
    uint64_t count = p.nodes[node].samples_self;
    if (count == 0) continue;
    double weight = period ? static_cast<double>(count) * *period : static_cast<double>(count);
    samples.push_back(frame_path(p, node));
    weights.push_back(weight);
    total += weight;
  }
  Json profile;
  profile["type"] = "sampled";
  profile["name"] = "samples (" + std::string(time_kind(p)) + ", " +
                    std::to_string(p.sampling->samples) + " samples)";
  profile["unit"] = period ? "nanoseconds" : "none";
  profile["startValue"] = 0;
  profile["endValue"] = total;
  profile["samples"] = std::move(samples);
  profile["weights"] = std::move(weights);
  return profile;
}

Json event(const char* type, uint64_t at, uint32_t frame) {
  return Json{{"type", type}, {"at", at}, {"frame", frame}};
}

// Open/close events of one thread's spans (ordered by start, parents first). A span reaching
// past its parent's end is cut there, so the events always nest.
Json events_json(const std::vector<TimelineEvent>& spans, uint32_t thread) {
  Json events = Json::array();
  std::vector<std::pair<uint32_t, uint64_t>> open;  // (frame, end)
  auto close_until = [&](uint64_t t) {
    while (!open.empty() && open.back().second <= t) {
      events.push_back(event("C", open.back().second, open.back().first));
      open.pop_back();
    }
  };
  for (const TimelineEvent& s : spans) {
    if (s.thread != thread) continue;
    close_until(s.start_ns);
    uint64_t end = s.start_ns + s.duration_ns;
    if (!open.empty()) end = std::min(end, open.back().second);
    events.push_back(event("O", s.start_ns, s.frame));
    open.emplace_back(s.frame, end);
  }
  close_until(UINT64_MAX);
  return events;
}

std::vector<uint32_t> threads_of(const TimelineSpans& spans) {
  std::vector<uint32_t> threads;
  for (const TimelineEvent& e : spans.events)
    if (threads.empty() || threads.back() != e.thread) threads.push_back(e.thread);
  return threads;
}

Json evented_json(const Profile& p, const TimelineSpans& spans, uint32_t thread) {
  Json profile;
  profile["type"] = "evented";
  profile["name"] = thread_name(p, thread) + (spans.sampled ? ": " : ": exact spans, ") +
                    timeline_source(spans);
  profile["unit"] = "nanoseconds";
  profile["startValue"] = 0;
  profile["endValue"] = spans.end_ns;
  profile["events"] = events_json(spans.events, thread);
  return profile;
}

class SpeedscopeWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions&) const override {
    Json file;
    file["$schema"] = "https://www.speedscope.app/file-format-schema.json";
    file["shared"]["frames"] = frames_json(p);
    file["profiles"] = Json::array();
    if (p.sampling) file["profiles"].push_back(sampled_json(p));
    TimelineSpans spans = timeline_spans(p);
    for (uint32_t thread : threads_of(spans))
      file["profiles"].push_back(evented_json(p, spans, thread));
    if (file["profiles"].empty()) file["profiles"].push_back(evented_json(p, spans, 0));
    file["name"] = p.program.empty() ? p.session_name : p.program;
    file["activeProfileIndex"] = 0;
    file["exporter"] = "aiprof 0.1.0 (" + p.mode + " mode)";
    return file.dump() + "\n";
  }
  std::string_view format_name() const override { return "speedscope"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_speedscope_writer() {
  return std::make_unique<SpeedscopeWriter>();
}

}  // namespace aiprof::report
