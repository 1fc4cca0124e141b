#include "window_profile.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/time_format.hpp"

namespace aiprof::server {

report::Profile build_window_profile(const Window& window, const ProgramInfo& program) {
  report::Profile p;
  p.session_name = std::filesystem::path(program.program).stem().string();
  p.mode = "sampling";
  p.program = program.program;
  p.start_time = report::iso8601_utc(window.start);
  p.end_time = report::iso8601_utc(window.end);
  p.duration_ns = window.duration_ns;
  p.time_measured = false;  // no exact spans: times are estimated from samples
  p.labels = program.labels;
  p.memory.measured = false;
  p.operations.measured = false;
  report::SampleNaming naming{&window.functions, report::is_interpreter_boundary, true};
  report::add_samples(p, window.session, naming);
  p.profiler.overhead_percent = p.sampling->overhead_percent;
  p.profiler.notes.push_back(fmt::format(
      "live window of {:.3f} s from the pprof endpoint{}", static_cast<double>(p.duration_ns) / 1e9,
      window.cut_short ? " (cut short: the program exited)" : ""));
  p.profiler.notes.push_back("memory and operation counts are not measured by the live endpoint");
  return p;
}

}  // namespace aiprof::server
