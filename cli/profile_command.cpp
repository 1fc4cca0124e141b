// anarchy profile [--mode exact|sampling|hybrid] [--granularity ...] [--config FILE]
//                 [--min-duration D] [--clock wall|cpu] [--compensate] [--rate HZ] [--native]
//                 [--jitter] [--delivery auto|signal|thread] [--max-stack N] [--label K=V]...
//                 [--pprof-http HOST:PORT] [--profile-every D] [--profile-dir DIR]
//                 [--profile-keep K] [--profile-json]
//                 [-o FILE]... [--quiet] [--top N] [--verbose] [--lines] FILE [--] [ARGS...]
//
// Settings come from the defaults, then the config file, then the flags (flags win). The
// program's own output stays on stdout; reports go to the -o files (format by extension, any
// format of report_writer.hpp's table), each announced on stderr with how to open it (unless
// --quiet), or, without -o, to stderr. A program that never started (unreadable, a syntax or
// import error) gets no report, only its error. The exit status is the program's, or 2 for a
// usage error or a report that could not be written.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "aiprof/report/output_file.hpp"
#include "aiprof/report/report_writer.hpp"
#include "aiprof/report/session_report.hpp"
#include "aiprof/report/exact_cost_notes.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "commands.hpp"
#include "live_options.hpp"
#include "messages.hpp"
#include "profile.hpp"
#include "report_hints.hpp"

namespace anarchy::cli {

namespace inst = aiprof::instrumentation;
namespace rep = aiprof::report;
namespace sam = aiprof::sampler;

namespace {

constexpr const char* kOutsideGuestCode = "<interpreter: start-up and teardown>";

struct ProfileRequest {
  ProgramRun program;
  std::string config_file;
  std::string mode;
  std::string granularity;
  std::string min_duration;
  std::string clock;
  bool compensate = false;
  std::vector<std::string> outputs;
  std::optional<double> rate;
  std::optional<uint64_t> heap_rate;
  std::optional<uint32_t> max_stack;
  bool native = false;
  bool jitter = false;
  std::string delivery;
  std::vector<std::string> labels;
  LiveRequest live;  // --pprof-http and the snapshot flags
  bool quiet = false;
  std::optional<uint32_t> top;  // rows of the text report's Top Functions table
  bool verbose = false;         // the text report adds the profiler's internals
  bool lines = false;           // folded stacks name each guest frame's line
};

int usage_error(const std::string& message) {
  print_message("anarchy profile", message);
  return kExitUsage;
}

// Defaults, then the config file, then each flag that was given.
ProfileSettings settings_for(const ProfileRequest& req) {
  ProfileSettings s;
  if (!req.config_file.empty()) apply_config_file(req.config_file, s);
  if (!req.mode.empty() && !parse_mode(req.mode, s.mode))
    throw SettingsError("--mode must be exact, sampling or hybrid (not '" + req.mode + "')");
  if (!req.granularity.empty()) {
    auto g = inst::parse_granularity(req.granularity);
    if (!g)
      throw SettingsError("--granularity must be function, expression or module (not '" +
                          req.granularity + "')");
    s.profiler.granularity = *g;
  }
  if (!req.min_duration.empty()) {
    auto d = inst::parse_duration(req.min_duration);
    if (!d)
      throw SettingsError("--min-duration must be a duration such as 250us or 2ms (not '" +
                          req.min_duration + "')");
    s.profiler.time_profiling.min_duration = *d;
  }
  if (!req.clock.empty()) {
    // One flag for both clocks: the spans' (exact) and the sampler's ticks (sampling).
    auto c = inst::parse_time_clock(req.clock);
    auto sc = sam::parse_sample_clock(req.clock);
    if (!c || !sc) throw SettingsError("--clock must be wall or cpu (not '" + req.clock + "')");
    s.profiler.time_profiling.clock = *c;
    s.sampler.clock = *sc;
  }
  // Hybrid compares span times with sample counts: both on one clock (spans are wall time
  // unless --clock cpu), or time off the CPU would read as a disagreement.
  if (s.mode == ProfileMode::Hybrid && req.clock.empty())
    s.sampler.clock = s.profiler.time_profiling.clock == inst::TimeClock::Cpu
                          ? sam::SampleClock::Cpu
                          : sam::SampleClock::Wall;
  if (req.compensate) s.profiler.time_profiling.compensate = true;
  if (req.rate) s.sampler.rate_hz = *req.rate;
  if (req.heap_rate) s.heap_rate = *req.heap_rate;
  if (req.max_stack) s.sampler.max_stack = *req.max_stack;
  if (req.native) s.sampler.native = true;
  if (req.jitter) s.sampler.jitter = true;
  if (!req.delivery.empty()) {
    auto d = sam::parse_delivery(req.delivery);
    if (!d)
      throw SettingsError("--delivery must be auto, signal or thread (not '" + req.delivery + "')");
    s.sampler.delivery = *d;
  }
  for (const std::string& label : req.labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0)
      throw SettingsError("--label must be key=value (not '" + label + "')");
    s.labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  if (std::string problem = sam::validate(s.sampler); !problem.empty()) throw SettingsError(problem);
  if (!req.outputs.empty()) s.outputs = req.outputs;
  // Timeline formats draw recorded spans; record them only when one is asked for.
  for (const std::string& path : s.outputs)
    if (auto format = rep::format_for_path(path); format && rep::format_needs_timeline(*format))
      s.profiler.timeline.enabled = true;
  return s;
}

// Checked before the program runs, so a long run is not wasted on an unusable -o.
void check_outputs(const std::vector<std::string>& outputs) {
  for (const std::string& path : outputs) {
    if (!rep::format_for_path(path)) {
      std::string known;
      for (const std::string& f : rep::known_formats()) known += (known.empty() ? "" : ", ") + f;
      throw SettingsError("cannot tell the report format of '" + path +
                          "' from its extension (known: " + known + ")");
    }
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (folder.empty()) folder = ".";
    if (::access(folder.c_str(), W_OK) != 0)
      throw SettingsError(
          "cannot write '" + path + "': folder '" + folder.string() + "' " +
          (::access(folder.c_str(), F_OK) != 0 ? "does not exist" : "is not writable"));
  }
}

// One mode, one function.
ProfileOutcome run_mode(const ProgramRun& program, const ProfileSettings& settings) {
  switch (settings.mode) {
    case ProfileMode::Exact:
      return run_exact_mode(program, settings);
    case ProfileMode::Sampling:
      return run_sampling_mode(program, settings);
    case ProfileMode::Hybrid:
      return run_hybrid_mode(program, settings);
  }
  return run_sampling_mode(program, settings);
}

// Writes every report; returns false (after saying why) when one could not be written.
bool write_reports(const ProfileOutcome& outcome, const ProfileSettings& settings,
                   const ProfileRequest& req) {
  rep::RenderOptions options = rep::render_options_for(settings.profiler.output);
  if (req.top) options.top_functions = *req.top;
  options.verbose = req.verbose;
  options.folded_lines = req.lines;
  if (settings.outputs.empty()) {
    auto writer = rep::writer_for_format(settings.profiler.output.default_format);
    std::string text = writer->render(outcome.profile, options);
    std::fflush(stdout);
    std::fwrite(text.data(), 1, text.size(), stderr);
    return true;
  }
  bool ok = true;
  for (const std::string& path : settings.outputs) {
    try {
      std::string format = *rep::format_for_path(path);
      std::string report = rep::writer_for_format(format)->render(outcome.profile, options);
      rep::write_file_atomically(path, report);
      if (!req.quiet)
        print_message("anarchy profile", "wrote " + path + ": " + how_to_open(format, path));
    } catch (const rep::OutputError& e) {
      print_message("anarchy profile", e.what());
      ok = false;
    }
  }
  return ok;
}

int profile(ProfileRequest& req) {
  req.program.args = program_arguments();
  ProfileSettings settings;
  try {
    settings = settings_for(req);
    check_outputs(settings.outputs);
    if (std::string problem = program_file_problem(req.program.file); !problem.empty())
      throw SettingsError(problem);
  } catch (const SettingsError& e) {
    return usage_error(e.what());
  }
  std::string problem;
  bool failed = false;
  std::unique_ptr<aiprof::Serving> serving =
      start_live(req.live, req.program.file, settings.labels, &problem, &failed);
  if (failed) return usage_error(problem);
  req.program.serving = serving.get();
  InterruptToStop ctrl_c;
  ProfileOutcome outcome = run_mode(req.program, settings);
  if (serving) serving->stop();  // answers the requests still open, writes the last snapshot
  if (!outcome.program_started) return outcome.exit_status;  // the interpreter said why
  // Time and samples outside every guest frame: the interpreter reading, parsing and resolving
  // the program before it runs, and freeing what main held after it returns (issue 19, 4).
  rep::attribute_root_self(outcome.profile, kOutsideGuestCode);
  if (ctrl_c.interrupted())
    outcome.profile.profiler.notes.push_back("the run was interrupted (SIGINT); the profile covers it up to then");
  if (!write_reports(outcome, settings, req)) return kExitUsage;
  if (const rep::ProfilerCost& cost = outcome.profile.profiler; cost.timeline_dropped)
    print_message("anarchy profile", rep::timeline_drop_rule(cost.timeline_dropped,
                                                             cost.timeline_floor_ns));
  if (std::string hint = too_few_samples_hint(outcome.profile); !hint.empty())
    print_message("anarchy profile", hint);
  return outcome.exit_status;
}

}  // namespace

bool program_started(const Interpreter& interp) {
  // Each loaded module registers its <init> frame when it is resolved, just before it runs.
  const aiprof::instrumentation::FunctionRegistry& functions = interp.functions();
  for (uint32_t id = 0; id < functions.size(); ++id)
    if (functions.at(id).kind == aiprof::instrumentation::FrameKind::Module) return true;
  return false;
}

Action add_profile_command(CLI::App& app) {
  auto req = std::make_shared<ProfileRequest>();
  CLI::App* cmd = app.add_subcommand(
      "profile",
      "Profile a program: anarchy profile [--mode exact] [-o FILE]... FILE [--] [ARGS...]; "
      "options go before FILE, every word after it (but a first '--') to the program");
  cmd->add_option("--mode", req->mode, "exact, sampling (default) or hybrid");
  cmd->add_option("--granularity", req->granularity,
                  "Exact spans per: function (default), expression or module");
  cmd->add_option("--config", req->config_file,
                  "Settings file (.toml or .json); flags override it");
  cmd->add_option("--min-duration", req->min_duration,
                  "Do not record spans shorter than this (e.g. 10us)");
  cmd->add_option("--clock", req->clock,
                  "cpu or wall: sampling ticks per CPU time (default) or elapsed time; exact "
                  "span times in wall (default) or CPU time");
  cmd->add_flag("--compensate", req->compensate, "Subtract the measured span cost from the times");
  cmd->add_option("--rate", req->rate, "Samples per second per thread (default 1000)");
  cmd->add_option("--heap-rate", req->heap_rate,
                  "Mean bytes allocated between sampled allocations (default 524288; exact "
                  "mode 1: every allocation; 0: no allocation sampling)");
  cmd->add_flag("--native", req->native,
                "Also record native frames (libunwind), shown beneath the guest frame");
  cmd->add_flag("--jitter", req->jitter,
                "Randomise sampling intervals (avoids lock-step with periodic work)");
  cmd->add_option("--delivery", req->delivery,
                  "How samples are taken: thread (a sampling thread on another core reads the "
                  "stacks; nothing interrupts the program), signal (SIGPROF; needed for "
                  "--native) or auto (default: thread where it can work)");
  cmd->add_option("--max-stack", req->max_stack,
                  "Guest frames kept per sample; deeper stacks are truncated and counted "
                  "(default 256)");
  cmd->add_option("--label", req->labels, "key=value attached to the reports (repeatable)")
      ->allow_extra_args(false);
  add_live_options(cmd, req->live);
  cmd->add_option("-o,--output", req->outputs,
                  "Report file, format by extension (.txt .json .folded .speedscope.json "
                  ".trace.json .pb.gz .html); repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("-q,--quiet", req->quiet, "Do not list the report files written on stderr");
  cmd->add_option("--top", req->top, "Rows of the text report's Top Functions table (default 20)")
      ->check(CLI::Range(1u, 100000u));
  cmd->add_flag("--verbose", req->verbose,
                "Text report: add the sampler's and the spans' clocks, costs, per-thread figures "
                "and internal notes, and the system");
  cmd->add_flag("--lines", req->lines,
                "Folded stacks: each guest frame with the line it stood at (m.f:12; sampled)");
  cmd->add_option("--max-depth", req->program.max_depth,
                  "Guest call depth limit (RangeError beyond it)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  cmd->add_option("--seed", req->program.seed, "Seed of Math.random")->capture_default_str();
  cmd->add_option("file", req->program.file, "The program (.ai)")->required();
  return [req]() { return profile(*req); };
}

}  // namespace anarchy::cli
