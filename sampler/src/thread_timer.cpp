#include "thread_timer.hpp"

#include <signal.h>

#include <cerrno>
#include <cstring>

namespace aiprof::sampler::detail {

namespace {

timespec to_timespec(uint64_t ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1000000000u);
  ts.tv_nsec = static_cast<long>(ns % 1000000000u);
  return ts;
}

}  // namespace

std::string arm_timer(ThreadSlot& slot, TimerSource source) {
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = SIGPROF;
  event.sigev_value.sival_ptr = &slot;
  event._sigev_un._tid = slot.tid;
  clockid_t clock = source == TimerSource::CpuTimer ? slot.cpu_clock : CLOCK_MONOTONIC;
  timer_t timer;
  if (timer_create(clock, &event, &timer) != 0)
    return std::string("timer_create: ") + std::strerror(errno);

  slot.source.store(source, std::memory_order_release);
  timer_t previous = slot.timer.exchange(timer, std::memory_order_acq_rel);
  slot.armed.store(true, std::memory_order_release);

  uint64_t period = slot.period_ns.load(std::memory_order_relaxed);
  itimerspec spec{};
  spec.it_value = to_timespec(slot.jitter ? period / 2 + slot.rng_state % period : period);
  if (!slot.jitter) spec.it_interval = to_timespec(period);  // jitter re-arms in the handler
  if (timer_settime(timer, 0, &spec, nullptr) != 0) {
    std::string error = std::string("timer_settime: ") + std::strerror(errno);
    disarm_timer(slot);
    return error;
  }
  if (previous) timer_delete(previous);
  return "";
}

void disarm_timer(ThreadSlot& slot) {
  slot.armed.store(false, std::memory_order_release);
  if (timer_t timer = slot.timer.exchange(nullptr, std::memory_order_acq_rel)) timer_delete(timer);
}

}  // namespace aiprof::sampler::detail
