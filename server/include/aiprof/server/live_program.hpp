// What the endpoint reads of a running program: its guest frame stack, the names of its frame
// ids, and samplers the program's thread is registered with (one per clock, no timer running
// until a request starts one).
//
//   LiveProgram live({"prog.ai", labels});            // before the server starts
//   // on the program's thread:
//   auto attachment = live.attach(&interp.frames(), &interp.functions());
//   int status = interp.run_file(...);
//   live.finish();       // ends open windows early; waits for requests still reading frames
//   // attachment destroyed here, on the same thread, before the interpreter
//
// Requests (server threads, or a snapshot thread) call take_window() and thread_stacks().
// Windows overlap freely: those on one clock at one rate share one sampler run, each with the
// samples of its own interval (shared_runs.hpp); none waits for another, none is refused for
// one. Requests never block the program's thread; finish() ends every open window at once and
// waits only while a request copies stacks or takes its results.
// Thread-safe: every member function. Not async-signal-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/sampler/sampled_session.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "aiprof/server/query.hpp"

namespace aiprof::server {

struct ProgramInfo {
  std::string program;                        // the guest program's file
  std::map<std::string, std::string> labels;  // attached to every profile
  // The interpreter's native boundary (anarchy::is_evaluator_frame); null: keep every frame.
  std::function<bool(const std::string& native_symbol)> is_native_boundary;
};

// One profile window: the samples, the names of their ids, and when it ran.
struct Window {
  sampler::SampledSession session;
  instrumentation::FunctionRegistry functions;  // a snapshot, taken after the window
  std::chrono::system_clock::time_point start, end;
  uint64_t duration_ns = 0;
  bool cut_short = false;  // the program exited before the window's end
  double asked_rate_hz = 0;  // what the request asked (the session's config has the run's)
  std::vector<std::string> notes;  // how the window was served, for the profile's notes
};

// What a window asks besides its length and clock.
struct WindowOptions {
  double rate_hz = kServedRateHz;  // the sampling rate asked (Go's 100 Hz by default)
  bool native = false;             // native frames beneath the guest ones (SIGPROF delivery)
};

// The guest stack of one interpreter thread at one moment, outermost frame first.
struct ThreadStack {
  std::string thread_name;
  std::vector<instrumentation::FunctionInfo> frames;
  bool truncated = false;  // deeper than kMaxStackFrames: the outermost frames are left out
  bool unsettled = false;  // the stack kept changing under every copy: this one may be stale
};

constexpr uint32_t kMaxStackFrames = 512;

class SharedRuns;  // shared_runs.hpp (private)

class LiveProgram {
 public:
  explicit LiveProgram(ProgramInfo info);
  ~LiveProgram();
  LiveProgram(const LiveProgram&) = delete;
  LiveProgram& operator=(const LiveProgram&) = delete;

  // The program thread's registrations; destroy them on that thread, after finish().
  struct Attachment {
    std::vector<sampler::ThreadRegistration> registrations;  // one per live sampler
  };
  // Program thread, before it runs guest code. Throws std::runtime_error when the sampler
  // cannot register the thread.
  Attachment attach(const instrumentation::FrameStack* frames,
                    const instrumentation::FunctionRegistry* functions);
  // Program thread, after its last guest statement.
  void finish();

  const ProgramInfo& info() const { return info_; }

  // NativeUnavailable: native=1 asked where no native sampler could register the program.
  enum class Refusal { NotStarted, Finished, NativeUnavailable };
  // Server thread: samples the program for `length` (less if it exits first) on `clock`, at
  // options.rate_hz where it can (see shared_runs.hpp). Overlaps other windows freely.
  // nullopt + *why when there is no program to sample.
  std::optional<Window> take_window(std::chrono::seconds length, sampler::SampleClock clock,
                                    Refusal* why, WindowOptions options = {});
  // "" when native windows can be served (once the program attached), else why not.
  std::string native_problem() const;
  // Server thread: every interpreter thread's stack now (empty + *why: no program).
  std::optional<std::vector<ThreadStack>> thread_stacks(Refusal* why);

 private:
  struct Lease;
  bool acquire(std::unique_lock<std::mutex>& lock, Refusal* why);
  void release();

  ProgramInfo info_;
  std::unique_ptr<SharedRuns> runs_;  // the samplers and their runs
  std::mutex mutex_;  // everything below
  std::condition_variable changed_;
  const instrumentation::FrameStack* frames_ = nullptr;
  const instrumentation::FunctionRegistry* functions_ = nullptr;
  bool attached_ = false, finished_ = false;
  uint32_t readers_ = 0;  // requests reading frames_, functions_ or a sampler now
};

}  // namespace aiprof::server
