// Snapshots without a server (issue 15, section 2): every DURATION, the window just ended is
// written into a directory as gzipped profile.proto (and, if asked, our JSON report), and the
// oldest snapshots past the K newest are deleted. SIGUSR2 ends the window at once (within a
// second) and writes it. Memory does not grow with run time: a window is one aggregated stack
// trie, and nothing else is kept between windows.
//
//   SnapshotOptions options{.dir = "snaps", .every = std::chrono::seconds(60)};
//   if (auto problem = check_snapshot_dir(options.dir); !problem.empty()) ...  // before the run
//   SnapshotWriter writer(live, options, on_problem);  // a thread of its own, from now on
//   ... the program runs attached to `live` ...
//   live.finish();  writer.stop();  // the window open at exit is written too
//
// Files: DIR/aiprof-<UTC end time>-p<pid>-<sequence>.pb.gz (and .json), so that names sort by
// time; written atomically (temporary file + rename). Rotation counts every snapshot in DIR
// named so (a .pb.gz and its .json are one snapshot).
// Thread-safe: every member function. Not async-signal-safe (the SIGUSR2 handler is internal:
// it only sets a flag the snapshot thread reads between its one-second steps).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aiprof/sampler/sampler_config.hpp"
#include "aiprof/server/live_program.hpp"

namespace aiprof::server {

constexpr uint32_t kDefaultSnapshotsKept = 10;
constexpr auto kMaxSnapshotInterval = std::chrono::hours(24);

struct SnapshotOptions {
  std::string dir;                   // "" = no snapshots
  std::chrono::seconds every{0};     // window length; 0 = windows end only on SIGUSR2 or exit
  uint32_t keep = kDefaultSnapshotsKept;  // snapshots kept in dir (>= 1)
  bool json = false;                 // also write our lossless JSON report beside each .pb.gz
  bool on_sigusr2 = true;            // SIGUSR2 writes the window so far
  sampler::SampleClock clock = sampler::SampleClock::Cpu;
};

// "30s", "5m", "1h", "1m30s", or a bare number of seconds: whole seconds from 1 s to 24 h.
// nullopt and *problem (one line) for anything else.
std::optional<std::chrono::seconds> parse_snapshot_interval(std::string_view text,
                                                            std::string* problem);

// Creates dir if it is missing and checks that a file can be created in it. "" when it can
// be used, else a one-line reason naming it.
std::string check_snapshot_dir(const std::string& dir);

class SnapshotWriter {
 public:
  using ProblemSink = std::function<void(const std::string& line)>;
  // Starts the snapshot thread, which takes windows of `live` until it finishes. Installs the
  // SIGUSR2 handler when options.on_sigusr2 (the previous one is restored by stop()).
  // on_problem hears one line per snapshot that could not be written (the run goes on).
  SnapshotWriter(LiveProgram& live, SnapshotOptions options, ProblemSink on_problem);
  ~SnapshotWriter();  // stop()
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Ends the current window now and writes it (as SIGUSR2 does).
  void request_snapshot();
  // Waits for the thread, which writes the open window once the program has finished
  // (LiveProgram::finish()); call finish() first, or this waits for the program to end.
  void stop();
  uint64_t snapshots_written() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace aiprof::server
