// One snapshot window built from the one-second windows LiveProgram::take_window hands over:
// the snapshot thread takes short windows so that SIGUSR2 can end the snapshot's window at
// once, and sums them here. Memory is one stack trie (O(distinct stacks)) and one figure set
// per thread, whatever the window's length. Not thread-safe (the snapshot thread owns it);
// not async-signal-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

#include "aiprof/sampler/sampled_session.hpp"
#include "aiprof/server/live_program.hpp"

namespace aiprof::server {

// A thread's figures for one step. Sampler::take_results documents the figures of a thread
// still registered as cumulative since its registration: then the step's share is `now`
// minus what the previous step reported. Figures that are the step's own (their wall time fits
// in the step) are taken as they are, so this stays right if a sampler hands over per-window
// figures.
sampler::ThreadFigures step_figures(const sampler::ThreadFigures& now,
                                    const sampler::ThreadFigures* previous, uint64_t step_ns);

class WindowAccumulator {
 public:
  // Adds one step (a window taken just after the previous one).
  void add(Window step);
  bool empty() const { return !window_; }
  uint32_t steps() const { return steps_; }
  // The window so far, and a new empty one begins. Requires !empty().
  Window take();

 private:
  void add_stacks(const sampler::SampledSession& step);
  void add_threads(const sampler::SampledSession& step, uint64_t step_ns);

  // The window so far (its `functions` apart: a FunctionRegistry is not assignable).
  struct Pending {
    sampler::SampledSession session;
    std::chrono::system_clock::time_point start, end;
    uint64_t duration_ns = 0;
    bool cut_short = false;
    double asked_rate_hz = 0;        // the steps' (they all ask the same)
    std::vector<std::string> notes;  // how the steps were served, each note once
  };
  std::optional<Pending> window_;
  std::optional<instrumentation::FunctionRegistry> functions_;
  uint32_t steps_ = 0;
  // Each thread's figures as the last step reported them (kept across windows).
  std::map<int64_t, sampler::ThreadFigures> last_reported_;
};

}  // namespace aiprof::server
