#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "aiprof/report/output_file.hpp"
#include "aiprof/report/report_writer.hpp"
#include "aiprof/server/snapshots.hpp"
#include "snapshot_files.hpp"
#include "snapshot_signal.hpp"
#include "window_accumulator.hpp"
#include "window_profile.hpp"

namespace aiprof::server {

namespace {

// The step the snapshot thread samples in: how soon SIGUSR2 or the program's exit ends a
// window. take_window counts whole seconds.
constexpr auto kStep = std::chrono::seconds(1);

}  // namespace

struct SnapshotWriter::State {
  LiveProgram& live;
  SnapshotOptions options;
  ProblemSink on_problem;
  std::optional<SnapshotSignal> signal;
  std::atomic<bool> requested{false};
  std::atomic<uint64_t> written{0};
  uint64_t sequence = 0;
  WindowAccumulator window;  // the snapshot thread's alone
  std::thread thread;

  State(LiveProgram& l, SnapshotOptions o, ProblemSink p)
      : live(l), options(std::move(o)), on_problem(std::move(p)) {}

  bool asked() {
    bool by_call = requested.exchange(false, std::memory_order_relaxed);
    bool by_signal = signal && SnapshotSignal::take_request();
    return by_call || by_signal;
  }

  void run();
  void write(Window w, const std::string& why);
};

// Steps of one second until the program finishes; a window ends when it has lasted `every`,
// when asked, or when the program exits (then it is the last).
void SnapshotWriter::State::run() {
  for (;;) {
    LiveProgram::Refusal why{};
    std::optional<Window> step = live.take_window(kStep, options.clock, &why);
    if (!step) {
      if (why == LiveProgram::Refusal::Finished) break;
      continue;  // not attached yet (take_window waited for it)
    }
    bool last = step->cut_short;
    window.add(std::move(*step));
    bool by_request = asked();
    bool due = options.every.count() > 0 && window.steps() >= options.every.count();
    if (by_request || due || last)
      write(window.take(), by_request ? "asked for (SIGUSR2)"
                           : last     ? "the program exited"
                                      : fmt::format("every {} s", options.every.count()));
    if (last) break;
  }
  if (!window.empty()) write(window.take(), "the program exited");
}

void SnapshotWriter::State::write(Window w, const std::string& why) {
  report::Profile profile = build_window_profile(w, live.info());
  // build_window_profile's last note names the endpoint: say what this window was instead.
  if (!profile.profiler.notes.empty() && profile.profiler.notes.back().rfind("live window", 0) == 0)
    profile.profiler.notes.pop_back();
  profile.profiler.notes.push_back(fmt::format("snapshot window of {:.3f} s, ended because {}",
                                               static_cast<double>(w.duration_ns) / 1e9, why));
  std::string stem = snapshot_stem(w.end, ::getpid(), ++sequence);
  std::filesystem::path base = std::filesystem::path(options.dir) / stem;
  try {
    report::write_file_atomically(base.string() + ".pb.gz",
                                  report::make_pprof_writer()->render(profile, {}));
    if (options.json)
      report::write_file_atomically(base.string() + ".json",
                                    report::make_json_writer()->render(profile, {}));
    written.fetch_add(1, std::memory_order_relaxed);
  } catch (const report::OutputError& e) {
    if (on_problem) on_problem(fmt::format("snapshot not written: {}", e.what()));
  }
  rotate_snapshots(options.dir, options.keep);
}

SnapshotWriter::SnapshotWriter(LiveProgram& live, SnapshotOptions options, ProblemSink on_problem)
    : state_(std::make_unique<State>(live, std::move(options), std::move(on_problem))) {
  if (state_->options.keep < 1) state_->options.keep = 1;
  if (state_->options.on_sigusr2) state_->signal.emplace();
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

SnapshotWriter::~SnapshotWriter() { stop(); }

void SnapshotWriter::request_snapshot() { state_->requested.store(true, std::memory_order_relaxed); }

void SnapshotWriter::stop() {
  if (state_->thread.joinable()) state_->thread.join();
  state_->signal.reset();
}

uint64_t SnapshotWriter::snapshots_written() const {
  return state_->written.load(std::memory_order_relaxed);
}

}  // namespace aiprof::server
