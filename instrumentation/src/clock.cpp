#include "aiprof/instrumentation/clock.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#if AIPROF_HAVE_RDTSC
#include <cpuid.h>
#endif

namespace aiprof::instrumentation {

bool cpu_has_invariant_tsc() {
#if AIPROF_HAVE_RDTSC
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000007u) return false;
  __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
  return (edx >> 8) & 1u;
#else
  return false;
#endif
}

namespace {

#if AIPROF_HAVE_RDTSC
// A steady_clock reading and the TSC at the same moment: the TSC is read on both sides of the
// clock, and of a few tries the tightest pair is kept. (A thread preempted between the two
// reads of one try, on a loaded machine, would skew a 10 ms window by milliseconds.)
struct ClockPair {
  int64_t ns;
  uint64_t ticks;
};

ClockPair read_together() {
  ClockPair best{0, 0};
  uint64_t best_gap = UINT64_MAX;
  for (int i = 0; i < 8; ++i) {
    uint64_t before = __rdtsc();
    auto now = std::chrono::steady_clock::now();
    uint64_t after = __rdtsc();
    if (after - before < best_gap) {
      best_gap = after - before;
      best = {std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
              before + (after - before) / 2};
    }
  }
  return best;
}

// Ticks per steady_clock nanosecond over a short sleep. Two windows, the later one kept: the
// first warms up the frequency governor. 10 ms gives a factor good to well under 0.1%.
double measure_ns_per_tick() {
  double ns_per_tick = 1.0;
  for (int round = 0; round < 2; ++round) {
    ClockPair start = read_together();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ClockPair end = read_together();
    int64_t ns = end.ns - start.ns;
    if (end.ticks > start.ticks && ns > 0)
      ns_per_tick = static_cast<double>(ns) / static_cast<double>(end.ticks - start.ticks);
  }
  return ns_per_tick;
}
#endif

}  // namespace

SpanClock SpanClock::calibrate() {
#if AIPROF_HAVE_RDTSC
  if (cpu_has_invariant_tsc()) return SpanClock(ClockSource::Tsc, measure_ns_per_tick());
#endif
  return monotonic();
}

uint64_t SpanClock::now_from_clock_gettime() const {
  timespec ts;
  clock_gettime(source_ == ClockSource::ThreadCpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

SpanClock SpanClock::monotonic() { return SpanClock(ClockSource::Monotonic, 1.0); }

SpanClock SpanClock::thread_cpu() { return SpanClock(ClockSource::ThreadCpu, 1.0); }

std::string SpanClock::describe() const {
  if (source_ == ClockSource::Monotonic)
    return "clock_gettime(CLOCK_MONOTONIC) (wall time; no invariant TSC)";
  if (source_ == ClockSource::ThreadCpu)
    return "clock_gettime(CLOCK_THREAD_CPUTIME_ID) (CPU time of the interpreter thread)";
  char text[128];
  std::snprintf(text, sizeof text,
                "rdtsc (invariant TSC, %.3f GHz, calibrated against steady_clock)",
                1.0 / ns_per_tick_);
  return text;
}

}  // namespace aiprof::instrumentation
