// The samplers a live program's thread registers with, and the runs overlapping windows share
// (issue 15, section 3). A window never waits for another and is never refused for one:
//
// - Lanes: one per clock (cpu, wall) and per native=0|1. Each lane has a few samplers
//   (kRunsPerLane, one with native frames), registered with the program's thread when it
//   attaches (registration must happen on that thread); none runs until a window opens.
// - A window joins the run of its lane already going at the rate it asks; else it starts an
//   idle sampler of its lane at that rate; else (every sampler of the lane busy at other rates)
//   it joins the lane's fastest run, and its Window says it asked one rate and got another.
// - A window takes a SampleMark when it opens and Sampler::since(mark) when it closes: only the
//   samples inside it. The last window of a run stops the sampler and discards what it kept.
// Thread-safe: every member function (one mutex; sampler calls are made under it, none waits
// on the program). Not async-signal-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sampler.hpp"

namespace aiprof::server {

// Samplers per (clock, native=0) lane: as many distinct rates can run at once on one clock.
constexpr size_t kRunsPerLane = 3;
// Ring records per registration: 5 s at 100 Hz, 50 ms at 10 kHz (drained every 10 ms).
constexpr uint32_t kLiveRingRecords = 512;

class SharedRuns {
 public:
  SharedRuns();
  ~SharedRuns();
  SharedRuns(const SharedRuns&) = delete;
  SharedRuns& operator=(const SharedRuns&) = delete;

  // Program thread: registers it with every sampler. A sampler it cannot join (native frames
  // where no signal timer can be made) is left out, and native_problem() says why.
  std::vector<sampler::ThreadRegistration> register_current_thread(
      const instrumentation::FrameStack* frames);
  // "" when native windows can be served, else why not.
  std::string native_problem() const;

  // An open window.
  struct Ticket {
    size_t run = 0;
    sampler::SampleMark mark;
    double asked_hz = 0, run_hz = 0;
  };
  // Opens a window (see above); a reason when its lane has no usable sampler.
  std::variant<Ticket, std::string> open(sampler::SampleClock clock, double rate_hz, bool native);
  // Closes it: the samples inside it.
  sampler::SampledSession close(const Ticket& ticket);

 private:
  struct Run;
  std::variant<size_t, std::string> choose(sampler::SampleClock clock, double rate_hz, bool native);
  std::string native_problem_locked() const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Run>> runs_;
};

}  // namespace aiprof::server
