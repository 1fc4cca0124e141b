#include "live_options.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "anarchy/interpreter/native_frames.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace srv = aiprof::server;

void add_live_options(CLI::App* cmd, LiveRequest& req) {
  cmd->add_option("--pprof-http", req.pprof_http,
                  "Serve Go's /debug/pprof endpoints on HOST:PORT while the program runs "
                  "(127.0.0.1:0 picks a free port; the address is printed on stderr)");
  cmd->add_option("--profile-every", req.profile_every,
                  "With --profile-dir: write a snapshot of each window of DURATION (30s, 5m, 1h)");
  cmd->add_option("--profile-dir", req.profile_dir,
                  "Write rolling profile snapshots (.pb.gz) into DIR; SIGUSR2 writes the window "
                  "so far at once");
  cmd->add_option("--profile-keep", req.profile_keep,
                  "Snapshots kept in --profile-dir, the oldest deleted (default 10)")
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_flag("--profile-json", req.profile_json,
                "Snapshots: also write each window as our JSON report (anarchy report renders it)");
}

namespace {

// The snapshot flags as options, or a one-line problem.
bool snapshot_options(const LiveRequest& req, srv::SnapshotOptions* out, std::string* problem) {
  if (req.profile_dir.empty()) {
    const char* orphan = !req.profile_every.empty() ? "--profile-every"
                         : req.profile_keep        ? "--profile-keep"
                         : req.profile_json        ? "--profile-json"
                                                   : nullptr;
    if (orphan) *problem = fmt::format("{} needs --profile-dir DIR", orphan);
    return orphan == nullptr;
  }
  out->dir = req.profile_dir;
  if (!req.profile_every.empty()) {
    auto every = srv::parse_snapshot_interval(req.profile_every, problem);
    if (!every) return false;
    out->every = *every;
  }
  if (req.profile_keep) out->keep = *req.profile_keep;
  out->json = req.profile_json;
  return true;
}

void announce(const aiprof::Serving& serving, const srv::SnapshotOptions& snapshots) {
  if (std::string url = serving.url(); !url.empty())
    fmt::print(stderr, "aiprof: serving /debug/pprof on {}\n", url);
  if (!snapshots.dir.empty() && snapshots.every.count() > 0)
    fmt::print(stderr,
               "aiprof: writing a profile snapshot every {} s to {} (the newest {} kept; SIGUSR2 "
               "writes one at once)\n", snapshots.every.count(), snapshots.dir, snapshots.keep);
  else if (!snapshots.dir.empty())
    fmt::print(stderr, "aiprof: writing a profile snapshot to {} on SIGUSR2 and at exit (the newest {} kept)\n",
               snapshots.dir, snapshots.keep);
  std::fflush(stderr);
}

}  // namespace

std::unique_ptr<aiprof::Serving> start_live(const LiveRequest& req, const std::string& program,
                                            const std::map<std::string, std::string>& labels,
                                            std::string* problem, bool* failed) {
  *failed = false;
  aiprof::ServeOptions options;
  if (!snapshot_options(req, &options.snapshots, problem)) {
    *failed = true;
    return nullptr;
  }
  if (!req.any()) return nullptr;
  options.program = program;
  options.labels = labels;
  options.is_native_boundary = anarchy::is_evaluator_frame;
  options.pprof_http = req.pprof_http;
  options.heap_rate = req.heap_rate;
  auto serving = aiprof::serve(options, problem);
  if (!serving) {
    *failed = true;
    return nullptr;
  }
  announce(*serving, options.snapshots);
  return serving;
}

}  // namespace anarchy::cli
