// What the memory poller (instrumentation/memory_poller.hpp) costs: a plain program, no
// Google Benchmark.
//   1. Its own CPU: the main thread sleeps while the poller runs; the process's CPU time is
//      then the poller's (per wake-up, and as a share of one core).
//   2. What it costs a busy program: the same CPU-bound loop timed (wall and the loop thread's
//      CPU) with and without the poller beside it, in alternating rounds; the median of each.
//
//   usage: memory_poller_cost [ROUNDS]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "aiprof/instrumentation/memory_poller.hpp"
#include "median.hpp"

namespace {

using bench::median;

using aiprof::instrumentation::MemoryPoller;

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

std::atomic<uint64_t> g_heap_bytes{0};

// A CPU-bound loop that also moves the counter the poller reads (as allocations do).
uint64_t busy_loop() {
  uint64_t x = 1;
  for (uint64_t i = 0; i < 300'000'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    if ((i & 1023) == 0) g_heap_bytes.store(x & 0xffff, std::memory_order_relaxed);
  }
  return x;
}

struct Timing {
  double wall_s, cpu_s;
};

Timing timed_loop(bool with_poller) {
  MemoryPoller poller(&g_heap_bytes);
  if (with_poller) poller.start();
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_s();
  volatile uint64_t sink = busy_loop();
  (void)sink;
  Timing t{std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
           thread_cpu_s() - cpu_start};
  poller.stop();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  double cpu_before = process_cpu_s();
  MemoryPoller idle(&g_heap_bytes, std::chrono::milliseconds(1), 1u << 20);
  idle.start();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  idle.stop();
  double poller_cpu = process_cpu_s() - cpu_before;
  size_t points = idle.points().size();
  std::printf("poller alone: %zu points in 2 s, %.1f us CPU per point, %.3f%% of one core\n",
              points, 1e6 * poller_cpu / static_cast<double>(points), 100 * poller_cpu / 2.0);
  std::vector<double> wall[2], cpu[2];
  for (int r = 0; r < rounds; ++r)
    for (int with = 0; with < 2; ++with) {
      Timing t = timed_loop(with == 1);
      wall[with].push_back(t.wall_s);
      cpu[with].push_back(t.cpu_s);
    }
  std::printf("busy loop, median of %d: without %.4f s wall %.4f s CPU; with %.4f s wall "
              "%.4f s CPU (%.2fx wall, %.2fx CPU)\n",
              rounds, median(wall[0]), median(cpu[0]), median(wall[1]), median(cpu[1]),
              median(wall[1]) / median(wall[0]), median(cpu[1]) / median(cpu[0]));
  return 0;
}
