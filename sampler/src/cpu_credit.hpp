// A thread's CPU time not yet paid for by a sample: how wall ticks (WallFilteredByCpu) and the
// sampling thread (SamplingThreadCpu) take one sample per period of the thread's CPU time.
// Reset by whoever switches the thread's source; then used by one writer at a time (the
// handler, or the sampling thread). Async-signal-safe: every member (relaxed atomics, no lock).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace aiprof::sampler::detail {

class CpuCredit {
 public:
  // Starts counting from cpu_now, with no credit.
  void reset(uint64_t cpu_now) {
    last_cpu_ns_.store(cpu_now, std::memory_order_relaxed);
    credit_ns_.store(0, std::memory_order_relaxed);
  }

  // Adds the CPU time run since the last call (or reset); returns the whole periods the credit
  // now holds (0 when not yet one).
  uint64_t accrue(uint64_t cpu_now, uint64_t period_ns) {
    int64_t credit = credit_ns_.load(std::memory_order_relaxed) +
                     static_cast<int64_t>(cpu_now - last_cpu_ns_.load(std::memory_order_relaxed));
    last_cpu_ns_.store(cpu_now, std::memory_order_relaxed);
    credit_ns_.store(credit, std::memory_order_relaxed);
    return credit > 0 && period_ns ? static_cast<uint64_t>(credit) / period_ns : 0;
  }

  // Pays for `periods` samples' worth of CPU time.
  void spend(uint64_t periods, uint64_t period_ns) {
    int64_t spent = static_cast<int64_t>(periods * period_ns);
    credit_ns_.store(credit_ns_.load(std::memory_order_relaxed) - spent,
                     std::memory_order_relaxed);
  }

  // Keeps at most max_ns of credit: a burst (a long run between ticks) buys no more than that.
  void cap(int64_t max_ns) {
    credit_ns_.store(std::min(credit_ns_.load(std::memory_order_relaxed), max_ns),
                     std::memory_order_relaxed);
  }

 private:
  std::atomic<uint64_t> last_cpu_ns_{0};
  std::atomic<int64_t> credit_ns_{0};
};

}  // namespace aiprof::sampler::detail
