#include "aiprof/server/live_program.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "aiprof/server/query.hpp"
#include "shared_runs.hpp"

namespace aiprof::server {

namespace {

// How long a request waits for the program's thread to attach (it does so as soon as it
// starts; the server is listening a moment earlier).
constexpr auto kAttachWait = std::chrono::seconds(2);
// Copies of a changing stack tried before one is returned as it stands.
constexpr int kCopyAttempts = 16;

uint64_t elapsed_ns(std::chrono::steady_clock::time_point since) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - since)
                                   .count());
}

}  // namespace

LiveProgram::LiveProgram(ProgramInfo info)
    : info_(std::move(info)), runs_(std::make_unique<SharedRuns>()) {}

LiveProgram::~LiveProgram() = default;

LiveProgram::Attachment LiveProgram::attach(const instrumentation::FrameStack* frames,
                                            const instrumentation::FunctionRegistry* functions) {
  Attachment a;
  a.registrations = runs_->register_current_thread(frames);
  std::lock_guard<std::mutex> lock(mutex_);
  frames_ = frames;
  functions_ = functions;
  attached_ = true;
  changed_.notify_all();
  return a;
}

void LiveProgram::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_ = true;
  changed_.notify_all();
  changed_.wait(lock, [&] { return readers_ == 0; });
}

bool LiveProgram::acquire(std::unique_lock<std::mutex>& lock, Refusal* why) {
  changed_.wait_for(lock, kAttachWait, [&] { return attached_ || finished_; });
  if (finished_ || !attached_) {
    *why = finished_ ? Refusal::Finished : Refusal::NotStarted;
    return false;
  }
  ++readers_;
  return true;
}

void LiveProgram::release() {
  std::lock_guard<std::mutex> lock(mutex_);
  --readers_;
  changed_.notify_all();
}

std::string LiveProgram::native_problem() const { return runs_->native_problem(); }

std::optional<Window> LiveProgram::take_window(std::chrono::seconds length,
                                               sampler::SampleClock clock, Refusal* why,
                                               WindowOptions options) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!acquire(lock, why)) return std::nullopt;
  }
  auto start = std::chrono::system_clock::now();
  auto began = std::chrono::steady_clock::now();
  auto opened = runs_->open(clock, options.rate_hz, options.native);
  if (std::holds_alternative<std::string>(opened)) {
    release();
    *why = Refusal::NativeUnavailable;
    return std::nullopt;
  }
  const SharedRuns::Ticket& ticket = std::get<SharedRuns::Ticket>(opened);
  bool cut_short;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    cut_short = changed_.wait_for(lock, length, [&] { return finished_; });
  }
  std::optional<Window> w(std::in_place,
                          Window{runs_->close(ticket), functions_->snapshot(), start,
                                 std::chrono::system_clock::now(), elapsed_ns(began), cut_short,
                                 options.rate_hz, {}});
  release();
  if (ticket.run_hz != ticket.asked_hz)
    w->notes.push_back(fmt::format(
        "this window asked for {:.0f} Hz but shared a run at {:.0f} Hz: every sampler of its "
        "clock was busy with overlapping windows at other rates (the rate figures are the run's)",
        ticket.asked_hz, ticket.run_hz));
  return w;
}

std::optional<std::vector<ThreadStack>> LiveProgram::thread_stacks(Refusal* why) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!acquire(lock, why)) return std::nullopt;
  }
  std::array<uint32_t, kMaxStackFrames> ids{};
  uint32_t copied = 0;
  ThreadStack stack;
  stack.thread_name = "main";
  stack.unsettled = true;
  for (int i = 0; i < kCopyAttempts && stack.unsettled; ++i)
    stack.unsettled =
        !frames_->copy_ids_from_other_thread(ids.data(), kMaxStackFrames, &stack.truncated, &copied);
  instrumentation::FunctionRegistry names = functions_->snapshot();
  release();
  for (uint32_t i = 0; i < copied; ++i)
    if (ids[i] < names.size()) stack.frames.push_back(names.at(ids[i]));
  return std::vector<ThreadStack>{std::move(stack)};
}

}  // namespace aiprof::server
