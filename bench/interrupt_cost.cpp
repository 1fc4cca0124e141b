// What being interrupted costs a running program on this machine, apart from the interrupt's
// own code: a fixed compute loop timed alone, under timer signals to an empty handler (a POSIX
// timer, and a perf_event task-clock counter), under
// system calls made at the same rate, and beside a thread that wakes at that rate on another
// core (the sampler's thread delivery). Whole-process timings, alternated, medians; ratios
// against the plain loop measured in the same run.
//
//   build/release/bin/interrupt_cost [RATE_HZ=4000] [ROUNDS=5]
//
// On the Firecracker VM this project was built on, every kernel entry costs the interrupted
// loop about 25 us after it returns (TLB and predictor state); see docs/benchmarks.md.
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "median.hpp"
#include "task_clock_signal.hpp"

namespace {

using bench::median;

constexpr uint64_t kIterations = 400'000'000;

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

volatile uint64_t g_sink;
std::atomic<uint64_t> g_signals{0};

void on_signal(int) { g_signals.fetch_add(1, std::memory_order_relaxed); }

// The loop; every `syscall_every` iterations it makes a system call (0: never).
double timed_loop(uint64_t syscall_every) {
  double start = now_s();
  uint64_t x = 1;
  for (uint64_t i = 0; i < kIterations; ++i) {
    x = x * 6364136223846793005ull + (x >> 13) + i;
    if (x & 1024) x ^= i;
    if (syscall_every && i % syscall_every == 0) syscall(SYS_getppid);
  }
  g_sink = x;
  return now_s() - start;
}

// SIGPROF counted by an empty handler.
void count_sigprof() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &action, nullptr);
}

// POSIX timer signals to this thread at `hz` while the loop runs.
double with_signals(double hz) {
  count_sigprof();
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = SIGPROF;
  event._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
  timer_t timer;
  timer_create(CLOCK_MONOTONIC, &event, &timer);
  long period = static_cast<long>(1e9 / hz);
  itimerspec spec{{0, period}, {0, period}};
  timer_settime(timer, 0, &spec, nullptr);
  double t = timed_loop(0);
  timer_delete(timer);
  return t;
}

// Signals from a perf_event task-clock counter (task_clock_signal.hpp). Returns 0 where
// perf_event_open is refused.
double with_perf_signals(double hz) {
  count_sigprof();
  int fd = open_task_clock_signal(hz);
  if (fd < 0) return 0;
  double t = timed_loop(0);
  ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
  close(fd);
  return t;
}

// perf_event task-clock samples written by the kernel into a ring buffer, with no signal: the
// thread is interrupted once per sample and nothing runs on it. `stack_bytes` > 0 also copies
// the user registers and that many bytes of the user stack into each sample (what offline
// native unwinding needs). A thread on the other core drains the ring, as a sampler would.
// Returns 0 where perf_event_open or its ring buffer is refused.
double with_perf_ring(double hz, uint32_t stack_bytes) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = static_cast<uint64_t>(1e9 / hz);
  attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
  if (stack_bytes) {
    attr.sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
    attr.sample_regs_user = 0xff0fff;  // x86-64: ax..ip, flags..ds..r8-r15 (all general ones)
    attr.sample_stack_user = stack_bytes;
  }
  attr.disabled = 1;
  attr.watermark = 1;
  attr.wakeup_watermark = 64 * 1024;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return 0;
  const size_t page = 4096, data_pages = 64;
  void* ring = mmap(nullptr, (data_pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (ring == MAP_FAILED) {
    close(fd);
    return 0;
  }
  auto* meta = static_cast<perf_event_mmap_page*>(ring);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bytes{0};
  std::thread drainer([&] {
    pollfd p{fd, POLLIN, 0};
    while (!done.load(std::memory_order_relaxed)) {
      poll(&p, 1, 10);
      uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
      bytes.fetch_add(head - meta->data_tail, std::memory_order_relaxed);
      __atomic_store_n(&meta->data_tail, head, __ATOMIC_RELEASE);
    }
  });
  ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
  double t = timed_loop(0);
  ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
  done = true;
  drainer.join();
  munmap(ring, (data_pages + 1) * page);
  close(fd);
  return t;
}

// A thread that wakes at `hz` (absolute deadlines) and reads the loop thread's CPU clock, as
// the sampling thread does.
double beside_a_waking_thread(double hz) {
  clockid_t target;
  pthread_getcpuclockid(pthread_self(), &target);
  std::atomic<bool> done{false};
  std::thread waker([&] {
    timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    long period = static_cast<long>(1e9 / hz);
    while (!done.load(std::memory_order_relaxed)) {
      next.tv_nsec += period;
      if (next.tv_nsec >= 1000000000) next.tv_nsec -= 1000000000, ++next.tv_sec;
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
      timespec cpu;
      clock_gettime(target, &cpu);
    }
  });
  double t = timed_loop(0);
  done = true;
  waker.join();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  double hz = argc > 1 ? std::atof(argv[1]) : 4000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  if (hz < 1 || hz > 100000 || rounds < 1) {
    std::fprintf(stderr, "usage: interrupt_cost [RATE_HZ 1..100000] [ROUNDS]\n");
    return 2;
  }
  // Calibrate: iterations per second, so system calls come at about `hz`.
  double plain = timed_loop(0);
  auto syscall_every = static_cast<uint64_t>(static_cast<double>(kIterations) / plain / hz);
  std::vector<std::pair<std::string, std::function<double()>>> cases = {
      {"plain loop", [] { return timed_loop(0); }},
      {"timer signals, empty handler", [&] { return with_signals(hz); }},
      {"perf task-clock signals", [&] { return with_perf_signals(hz); }},
      {"perf samples to a ring, no signal", [&] { return with_perf_ring(hz, 0); }},
      {"perf samples + regs + 8 KiB stack", [&] { return with_perf_ring(hz, 8192); }},
      {"perf samples + regs + 2 KiB stack", [&] { return with_perf_ring(hz, 2048); }},
      {"perf samples + regs + 32 KiB stack", [&] { return with_perf_ring(hz, 32768); }},
      {"system calls at the same rate", [&] { return timed_loop(syscall_every); }},
      {"a thread waking at the rate", [&] { return beside_a_waking_thread(hz); }},
  };
  std::map<std::string, std::vector<double>> times;
  for (int r = 0; r < rounds; ++r)
    for (auto& [name, run] : cases) times[name].push_back(run());
  double base = median(times["plain loop"]);
  std::printf("rate %.0f Hz, %d rounds, medians\n", hz, rounds);
  // Besides the ratio of medians, the median of each round's ratio to that round's plain loop:
  // this machine's speed drifts over a run, and a round's cases run minutes apart at most.
  for (auto& [name, run] : cases) {
    double t = median(times[name]);
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r) ratios.push_back(times[name][r] / times["plain loop"][r]);
    double per_event_us = (t - base) / (t * hz) * 1e6;
    std::printf("%-36s %7.3f s  %6.3fx  %+7.1f us per event  (per-round ratio %6.3fx)\n",
                name.c_str(), t, t / base, name == "plain loop" ? 0.0 : per_event_us,
                median(ratios));
  }
  return 0;
}
