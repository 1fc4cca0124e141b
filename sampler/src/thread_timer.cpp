#include "thread_timer.hpp"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "signal_handler.hpp"

namespace aiprof::sampler::detail {

namespace {

timespec to_timespec(uint64_t ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1000000000u);
  ts.tv_nsec = static_cast<long>(ns % 1000000000u);
  return ts;
}

void delete_timer(ThreadSlot& slot) {
  if (slot.has_timer.exchange(false, std::memory_order_acq_rel)) timer_delete(slot.timer.load());
}

// A software task-clock counter of the slot's thread that sends SIGPROF to that thread each
// time it has run another period (it only counts while the thread runs, so the signal comes
// while the thread is on the CPU). Kernel time is counted where perf_event_paranoid allows.
std::string open_task_clock(ThreadSlot& slot) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = slot.period_ns.load(std::memory_order_relaxed);
  attr.disabled = 1;
  attr.wakeup_events = 1;
  long fd = syscall(SYS_perf_event_open, &attr, slot.tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0 && errno == EACCES) {
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd = syscall(SYS_perf_event_open, &attr, slot.tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
  }
  if (fd < 0) return std::string("perf_event_open: ") + std::strerror(errno);
  f_owner_ex owner{F_OWNER_TID, slot.tid};
  if (fcntl(static_cast<int>(fd), F_SETFL, O_ASYNC) != 0 ||
      fcntl(static_cast<int>(fd), F_SETSIG, SIGPROF) != 0 ||
      fcntl(static_cast<int>(fd), F_SETOWN_EX, &owner) != 0) {
    std::string error = std::string("fcntl on the perf counter: ") + std::strerror(errno);
    close(static_cast<int>(fd));
    return error;
  }
  int old = slot.perf_fd.exchange(static_cast<int>(fd), std::memory_order_acq_rel);
  note_perf_fd(slot, static_cast<int>(fd));
  slot.source.store(TimerSource::PerfTaskClock, std::memory_order_release);
  slot.armed.store(true, std::memory_order_release);
  delete_timer(slot);
  if (old >= 0) close(old);
  ioctl(static_cast<int>(fd), PERF_EVENT_IOC_ENABLE, 0);
  return "";
}

}  // namespace

std::string arm_timer(ThreadSlot& slot, TimerSource source) {
  if (source == TimerSource::PerfTaskClock) return open_task_clock(slot);
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
  bool had_timer = slot.has_timer.exchange(true, std::memory_order_acq_rel);
  timer_t previous = slot.timer.exchange(timer, std::memory_order_acq_rel);
  slot.armed.store(true, std::memory_order_release);

  uint64_t period = slot.period_ns.load(std::memory_order_relaxed);
  itimerspec spec{};
  uint64_t first = slot.jitter ? period / 2 + slot.rng_state % period : period;
  spec.it_value = to_timespec(first);
  slot.expiry_ns.store(monotonic_ns() + first, std::memory_order_relaxed);
  if (!slot.jitter) spec.it_interval = to_timespec(period);  // jitter re-arms in the handler
  if (timer_settime(timer, 0, &spec, nullptr) != 0) {
    std::string error = std::string("timer_settime: ") + std::strerror(errno);
    disarm_timer(slot);
    return error;
  }
  if (had_timer) timer_delete(previous);
  if (int fd = slot.perf_fd.exchange(-1, std::memory_order_acq_rel); fd >= 0) {
    note_perf_fd(slot, -1);
    close(fd);
  }
  return "";
}

void disarm_timer(ThreadSlot& slot) {
  slot.armed.store(false, std::memory_order_release);
  delete_timer(slot);
  if (int fd = slot.perf_fd.exchange(-1, std::memory_order_acq_rel); fd >= 0) {
    note_perf_fd(slot, -1);
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    close(fd);
  }
}

}  // namespace aiprof::sampler::detail
