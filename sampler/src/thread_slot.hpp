// The sampler's per-thread state: the ring the handler writes, the timer that feeds it, the
// handler's counters. Created and destroyed by the owning thread (register / unregister);
// armed and disarmed under the sampler's registry mutex; read by the handler through the
// timer's sigev_value.
//
// Fields the handler reads are either set before the slot is published (and never change), or
// atomics. Counters have a single writer (the handler), so they are bumped with a relaxed
// load + store: no locked instruction in the handler.
#pragma once

#include <pthread.h>
#include <sys/types.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sample_ring.hpp"
#include "aiprof/sampler/sampler_config.hpp"
#include "cpu_credit.hpp"

namespace aiprof::sampler::detail {

// Where a thread's ticks come from.
enum class TimerSource : uint8_t {
  CpuTimer,           // timer_create on the thread's CPU-time clock
  WallTimer,          // timer_create on CLOCK_MONOTONIC, every tick samples (--clock wall)
  WallFilteredByCpu,  // CLOCK_MONOTONIC ticks that sample only per period of thread CPU time
  PerfTaskClock,      // a perf_event software task-clock counter overflowing per period of CPU
  SamplingThreadCpu,   // no timer: the sampling thread, per period of the thread's CPU time
  SamplingThreadWall,  // no timer: the sampling thread, every period of elapsed time
};

const char* describe(TimerSource source);

inline bool is_sampling_thread(TimerSource source) {
  return source == TimerSource::SamplingThreadCpu || source == TimerSource::SamplingThreadWall;
}

inline void bump(std::atomic<uint64_t>& counter, uint64_t by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct ThreadSlot {
  ThreadSlot(const SamplerConfig& config, uint32_t index, std::string name,
             const instrumentation::FrameStack* frames, const std::atomic<uint64_t>* live_bytes);

  // Fixed at registration.
  const uint32_t index;
  const std::string name;
  const instrumentation::FrameStack* const frames;  // null: a thread with native frames only
  const std::atomic<uint64_t>* const live_bytes;    // null: no heap to report
  const bool native;
  const bool jitter;
  pid_t tid = 0;
  pthread_t owner{};  // the registering thread, for the handler's cheap "is this mine" check
  clockid_t cpu_clock{};
  uint32_t table_index = UINT32_MAX;  // its entry in the handler's table (set when published)
  SampleRing ring;

  // Set under the registry mutex when (re)armed; read by the handler.
  std::atomic<bool> armed{false};
  std::atomic<TimerSource> source{TimerSource::CpuTimer};
  // The POSIX timer, or none. (Timer ids start at 0, so a null timer_t is a real timer: "none"
  // needs its own flag.)
  std::atomic<timer_t> timer{nullptr};
  std::atomic<bool> has_timer{false};
  std::atomic<int> perf_fd{-1};  // PerfTaskClock: the counter whose overflow signals this slot
  std::atomic<uint64_t> period_ns{1000000};
  std::atomic<uint64_t> origin_ns{0};  // monotonic time the session's clock starts at
  std::atomic<uint64_t> expiry_ns{0};  // jitter: when the one-shot timer is due (monotonic)

  // The CPU filter (WallFilteredByCpu, SamplingThreadCpu): set up by whoever switches the
  // source, then the handler's (or the sampling thread's).
  CpuCredit cpu_credit;

  // The handler's alone.
  uint64_t rng_state;
  uint64_t last_exit_ns = 0;  // when the last sample's handler returned
  uint64_t last_cost_ns = 0;  // what it cost (halved by each tick skipped for it)
  volatile int in_native_unwind = 0;

  // Single writer: the handler.
  std::atomic<uint64_t> ticks{0};
  std::atomic<uint64_t> samples{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> unsettled{0};  // dropped by the sampling thread: no consistent copy
  std::atomic<uint64_t> missed{0};  // timer expirations coalesced into a later signal
  std::atomic<uint64_t> late{0};       // filtered ticks skipped: delivered when the thread resumed
  std::atomic<uint64_t> throttled{0};  // ticks skipped by the overload guard
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> native_failures{0};
  std::atomic<uint64_t> handler_ns{0};

  // The registry's (under its mutex): the current armed window and totals of past ones.
  uint64_t cpu_at_arm = 0;
  uint64_t wall_at_arm = 0;
  uint64_t cpu_total_ns = 0;
  uint64_t wall_total_ns = 0;
  // The delivered-rate check of the current source: counted from here; done once per source.
  uint64_t cpu_at_source = 0;
  uint64_t ticks_at_source = 0;
  uint64_t samples_at_source = 0;
  uint64_t late_at_source = 0;
  int checked_source = -1;
};

// Monotonic and thread-CPU nanoseconds. Async-signal-safe (clock_gettime is).
uint64_t monotonic_ns();
uint64_t clock_ns(clockid_t clock);

}  // namespace aiprof::sampler::detail
