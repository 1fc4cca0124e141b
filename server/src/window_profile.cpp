#include "window_profile.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "aiprof/report/build_profile.hpp"

namespace aiprof::server {

report::Profile build_window_profile(const Window& window, const ProgramInfo& program) {
  report::ProfileSources sources;
  sources.samples = &window.session;
  sources.naming = {&window.functions, program.is_native_boundary, true};
  sources.sampled_run.session_name = std::filesystem::path(program.program).stem().string();
  sources.sampled_run.start = window.start;
  sources.sampled_run.end = window.end;
  sources.sampled_run.duration_ns = window.duration_ns;
  sources.sampled_run.no_memory_reason = "the live endpoint samples stacks only";
  report::Profile p = report::build_profile({program.program, std::nullopt, program.labels}, sources);
  p.profiler.notes.push_back(fmt::format(
      "live window of {:.3f} s from the pprof endpoint{}", static_cast<double>(p.duration_ns) / 1e9,
      window.cut_short ? " (cut short: the program exited)" : ""));
  for (const std::string& note : window.notes) p.profiler.notes.push_back(note);
  return p;
}

}  // namespace aiprof::server
