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
// Ticks per steady_clock nanosecond over a short sleep. Two windows, the later one kept: the
// first warms up the frequency governor. 10 ms gives a factor good to well under 0.1%.
double measure_ns_per_tick() {
  double ns_per_tick = 1.0;
  for (int round = 0; round < 2; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    uint64_t c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto t1 = std::chrono::steady_clock::now();
    uint64_t c1 = __rdtsc();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    if (c1 > c0 && ns > 0) ns_per_tick = static_cast<double>(ns) / static_cast<double>(c1 - c0);
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
