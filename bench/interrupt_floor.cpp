// LD_PRELOAD shim: the floor under any sampler that interrupts the program's thread. Loaded
// into `anarchy run`, it samples every thread (the main one, and each one pthread_create
// starts: the interpreter runs programs on a thread of its own) the way aiprof's signal
// delivery does (a perf_event task-clock counter of the thread's CPU time, overflowing each
// period and sending SIGPROF to that thread) into a handler that does nothing but count. Whatever the program
// loses under it is the cost of being interrupted at that rate on this machine, before any
// profiler's work; bench/sampler_overhead.py runs it beside the profilers.
//
//   LD_PRELOAD=libinterrupt_floor.so AIPROF_FLOOR_HZ=1000 AIPROF_FLOOR_OUT=FILE anarchy run P
//
// FILE receives the number of signals the handler counted, when the program exits normally.
// Where perf_event_open is refused, FILE says "unavailable" and the program runs unsampled.
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "task_clock_signal.hpp"

namespace {

std::atomic<unsigned long> g_signals{0};
std::atomic<bool> g_opened{false};
double g_rate = 0;  // 0: not sampling

void count(int) { g_signals.fetch_add(1, std::memory_order_relaxed); }

struct Start {
  void* (*routine)(void*);
  void* arg;
};

void* sampled_start(void* data) {
  Start start = *static_cast<Start*>(data);
  delete static_cast<Start*>(data);
  if (g_rate > 0 && open_task_clock_signal(g_rate) >= 0) g_opened = true;
  return start.routine(start.arg);
}

__attribute__((constructor)) void start() {
  const char* hz = std::getenv("AIPROF_FLOOR_HZ");
  double rate = hz ? std::atof(hz) : 1000;
  if (rate < 1 || rate > 100000) return;
  struct sigaction action {};
  action.sa_handler = count;
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGPROF, &action, nullptr) != 0) return;
  g_rate = rate;
  if (open_task_clock_signal(rate) >= 0) g_opened = true;
}

__attribute__((destructor)) void report() {
  const char* path = std::getenv("AIPROF_FLOOR_OUT");
  if (!path) return;
  if (FILE* f = std::fopen(path, "w")) {
    if (g_opened)
      std::fprintf(f, "%lu\n", g_signals.load());
    else
      std::fprintf(f, "unavailable\n");
    std::fclose(f);
  }
}

}  // namespace

// Threads start sampled: the real pthread_create runs a trampoline that opens the thread's
// counter first.
extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                              void* (*routine)(void*), void* arg) {
  using Create = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static auto real = reinterpret_cast<Create>(dlsym(RTLD_NEXT, "pthread_create"));
  auto* start = new Start{routine, arg};
  int error = real(thread, attr, sampled_start, start);
  if (error != 0) delete start;
  return error;
}
