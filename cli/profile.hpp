// `anarchy profile`: what its parts share. profile_command.cpp parses the command line and
// dispatches on the mode, profile_config.cpp reads a config file, one profile_<mode>.cpp per
// mode runs the program and produces the Profile.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aiprof/instrumentation/config.hpp"
#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/report/profile.hpp"
#include "aiprof/sampler/sampler_config.hpp"
#include "aiprof/server/serve.hpp"
#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy::cli {

enum class ProfileMode { Exact, Sampling, Hybrid };

// Everything a profile run needs, after defaults, the config file and flags were applied.
struct ProfileSettings {
  ProfileMode mode = ProfileMode::Sampling;  // DESIGN.md: sampling is the default mode
  aiprof::instrumentation::ProfilerConfig profiler;
  aiprof::sampler::SamplerConfig sampler;      // sampling and hybrid modes
  std::map<std::string, std::string> labels;   // --label key=value, on every report
  // --heap-rate: mean bytes between sampled allocations (0: off, 1: every allocation); none:
  // the mode's default (kDefaultHeapRate; exact mode 1, as it observes every allocation).
  std::optional<uint64_t> heap_rate;
  std::vector<std::string> outputs;  // report files; none: a report in default_format on stderr
};

// A bad config file or option value: one line, exit status 2.
class SettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies a TOML (.toml) or JSON (.json) config file to `settings` (docs/exact-mode.md lists
// the keys). Throws SettingsError for an unreadable or malformed file, an unknown key or a
// value of the wrong type.
void apply_config_file(const std::string& path, ProfileSettings& settings);
// The same for the text of such a file; `path` gives its format and names it in messages.
void apply_config_text(std::string_view text, const std::string& path, ProfileSettings& settings);

const char* mode_name(ProfileMode mode);
bool parse_mode(const std::string& text, ProfileMode& mode);

// The program to run and how (the options `anarchy run` has too).
struct ProgramRun {
  std::string file;
  std::vector<std::string> args;
  uint32_t max_depth = 10000;
  uint64_t seed = 0x5eed;
  aiprof::Serving* serving = nullptr;  // --pprof-http, snapshots: the live side to attach to
};

// What a mode produced: the program's exit status and the profile of its run.
struct ProfileOutcome {
  int exit_status = 0;
  // False when the program never started (unreadable, a syntax or an import error): there is
  // nothing to report, and the interpreter has said why.
  bool program_started = true;
  aiprof::report::Profile profile;
};

// Whether `interp` got as far as running the program (profile_command.cpp), for the modes.
bool program_started(const Interpreter& interp);

// Exact mode (profile_exact.cpp): every call (or expression) an exact span.
ProfileOutcome run_exact_mode(const ProgramRun& program, const ProfileSettings& settings);
// Hybrid mode (profile_exact.cpp): exact spans and the sampler in one run, reconciled.
ProfileOutcome run_hybrid_mode(const ProgramRun& program, const ProfileSettings& settings);
// Sampling mode (profile_sampling.cpp): the sampler on the interpreter's thread, delivered as
// settings.sampler.delivery says (auto by default: a sampling thread on another core where it can
// work, else SIGPROF on the interpreter's thread).
ProfileOutcome run_sampling_mode(const ProgramRun& program, const ProfileSettings& settings);

// While it lives, SIGINT (Ctrl-C) stops the profiled program at its next loop iteration or call
// (exit status 130) instead of killing the process, so the reports are still written.
class InterruptToStop {
 public:
  InterruptToStop();
  ~InterruptToStop();
  InterruptToStop(const InterruptToStop&) = delete;
  InterruptToStop& operator=(const InterruptToStop&) = delete;
  bool interrupted() const;

 private:
  struct sigaction previous_;
};

// Shared by the modes (profile_run_support.cpp). report::build_profile makes their Profile.
RunOptions run_options_for(const ProgramRun& program);

// The program's thread attached to program.serving (if any) for the live side; nullopt (with a
// warning) when it cannot be sampled there. Destroy it after the run, before the interpreter.
std::optional<aiprof::Serving::Attached> attach_live(const ProgramRun& program, Interpreter& interp);

constexpr uint64_t kDefaultHeapRate = 512 * 1024;  // Go's runtime.MemProfileRate
// Starts allocation sampling on interp's heap at the settings' rate (issue 16), reading its
// own frame stack, its draws seeded from the program's --seed (runs repeat unless it changes);
// null when it is off (rate 0, profiling or memory profiling disabled).
std::shared_ptr<aiprof::instrumentation::HeapSampleTable> start_heap_sampling(
    Interpreter& interp, const ProgramRun& program, const ProfileSettings& settings);

// When the profiled run started and ended.
struct RunClock {
  std::chrono::system_clock::time_point start, end;
  std::chrono::steady_clock::time_point steady_start, steady_end;
  void begin();
  void finish();
  uint64_t duration_ns() const;
};

}  // namespace anarchy::cli
