// The span clock: a cheap monotonic tick counter and its calibration to nanoseconds.
//
// Spans read the clock twice each, so it must be as cheap as the machine allows: rdtsc when
// the CPU says its TSC is invariant (constant rate, keeps counting in sleep states), else
// clock_gettime(CLOCK_MONOTONIC). Ticks are converted to nanoseconds only after the run,
// with a factor calibrated against std::chrono::steady_clock.
//
// The "cpu" clock (CLOCK_THREAD_CPUTIME_ID) instead counts only the time the thread ran: a
// descheduled span is not charged for the wait. It is a system call here (~700 ns a read), so
// it suits coarse spans and noisy machines, not call-heavy profiles.
//
// Async-signal-safe: SpanClock::now() (rdtsc or clock_gettime, both safe). calibrate() is not.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define AIPROF_HAVE_RDTSC 1
#else
#define AIPROF_HAVE_RDTSC 0
#endif

namespace aiprof::instrumentation {

enum class ClockSource : uint8_t { Tsc, Monotonic, ThreadCpu };

class SpanClock {
 public:
  // Wall time: picks the source and calibrates it (takes about 20 ms when the TSC is used).
  static SpanClock calibrate();
  // A clock on clock_gettime(CLOCK_MONOTONIC), whatever the CPU offers (tests, comparisons).
  static SpanClock monotonic();
  // The calling thread's CPU time (read it on that thread only).
  static SpanClock thread_cpu();

  // Plain rdtsc, no fence: spans need a monotonic count, not a serialised one (an lfence
  // would wait for every earlier instruction to finish, tens of cycles per read). Inline, with
  // the clock_gettime sources out of line, so a span's read is one instruction in the caller.
  [[gnu::always_inline]] uint64_t now() const {
#if AIPROF_HAVE_RDTSC
    if (source_ == ClockSource::Tsc) [[likely]]
      return __rdtsc();
#endif
    return now_from_clock_gettime();
  }

  ClockSource source() const { return source_; }
  double ns_per_tick() const { return ns_per_tick_; }
  uint64_t to_ns(uint64_t ticks) const {
    return static_cast<uint64_t>(static_cast<double>(ticks) * ns_per_tick_ + 0.5);
  }
  uint64_t to_ticks(uint64_t ns) const {
    return static_cast<uint64_t>(static_cast<double>(ns) / ns_per_tick_);
  }
  // For reports: "rdtsc (invariant TSC, 2.450 GHz, calibrated against steady_clock)".
  std::string describe() const;

 private:
  SpanClock(ClockSource source, double ns_per_tick) : source_(source), ns_per_tick_(ns_per_tick) {}
  uint64_t now_from_clock_gettime() const;
  ClockSource source_;
  double ns_per_tick_;
};

// Whether cpuid reports an invariant TSC (leaf 0x80000007, EDX bit 8).
bool cpu_has_invariant_tsc();

}  // namespace aiprof::instrumentation
