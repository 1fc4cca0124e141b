// A perf_event task-clock counter of the calling thread that sends it SIGPROF each `hz`-th of
// a second of its CPU time (what the sampler's signal delivery uses where perf_event is
// permitted): the kernel's hrtimer counts the thread's CPU time and each overflow is signalled
// through fasync. Header-only, shared by bench/interrupt_cost.cpp and bench/interrupt_floor.cpp.
#pragma once

#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// The counter's fd, enabled; -1 where perf_event_open (or its signal set-up) is refused.
inline int open_task_clock_signal(double hz) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = static_cast<unsigned long long>(1e9 / hz);
  attr.disabled = 1;
  attr.wakeup_events = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return -1;
  f_owner_ex owner{F_OWNER_TID, tid};
  if (fcntl(fd, F_SETFL, O_ASYNC) != 0 || fcntl(fd, F_SETSIG, SIGPROF) != 0 ||
      fcntl(fd, F_SETOWN_EX, &owner) != 0 || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}
