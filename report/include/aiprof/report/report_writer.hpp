// One writer per output format, behind one small interface (py-spy, Google Benchmark's
// reporters): render a Profile to the bytes of a report. Writers only read the Profile.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

struct RenderOptions {
  uint32_t max_call_stack_depth =
      64;                       // call-graph levels shown; deeper nodes are counted, not shown
  uint32_t top_functions = 20;  // rows of the text report's function table
  bool verbose = false;  // the text report adds the sampler's and the spans' internals
  uint32_t hot_lines = 10;     // rows of the text report's Hot Lines table (0: none)
  bool folded_lines = false;   // folded stacks name each guest frame's line: "m.f:12"
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual std::string render(const Profile& profile, const RenderOptions& options) const = 0;
  virtual std::string_view format_name() const = 0;  // "text", "json"
};

std::unique_ptr<ReportWriter> make_text_writer();
std::unique_ptr<ReportWriter> make_json_writer();
std::unique_ptr<ReportWriter> make_folded_writer();        // "folded": a;b;c 42
std::unique_ptr<ReportWriter> make_speedscope_writer();    // "speedscope": .speedscope.json
std::unique_ptr<ReportWriter> make_chrome_trace_writer();  // "chrome-trace": .trace.json
std::unique_ptr<ReportWriter> make_pprof_writer();         // "pprof": gzipped profile.proto
// The pprof writer's bytes, with `default_sample_type` ("inuse_space", "alloc_space") as the
// profile's default when given (as Go's /debug/pprof/allocs sets alloc_space).
std::string render_pprof(const Profile& profile, std::string_view default_sample_type = "");
std::unique_ptr<ReportWriter> make_html_writer();

// The writer of a format name, or nullptr when there is none.
std::unique_ptr<ReportWriter> writer_for_format(std::string_view format);
// The format a file name asks for by its extension (".txt" -> "text", ".json" -> "json"), or
// nullopt for an extension no writer handles.
std::optional<std::string> format_for_path(std::string_view path);
// The formats there are writers for, for messages.
std::vector<std::string> known_formats();
// Whether a format draws raw spans (chrome-trace, speedscope), so the profiler should record a
// timeline (ProfilerConfig::timeline) for it. Without one these formats lay spans out from the
// call tree instead.
bool format_needs_timeline(std::string_view format);

}  // namespace aiprof::report
