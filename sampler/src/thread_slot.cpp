#include "thread_slot.hpp"

#include <chrono>

namespace aiprof::sampler::detail {

ThreadSlot::ThreadSlot(const SamplerConfig& config, uint32_t index_, std::string name_,
                       const instrumentation::FrameStack* frames_,
                       const std::atomic<uint64_t>* live_bytes_)
    : index(index_),
      name(std::move(name_)),
      frames(frames_),
      live_bytes(live_bytes_),
      native(config.native),
      jitter(config.jitter),
      ring(config.ring_records, config.max_stack, config.native ? config.max_native : 0,
           config.delivery != Delivery::Thread),
      rng_state(0x9E3779B97F4A7C15ull ^ (uint64_t{index_} << 32) ^
                static_cast<uint64_t>(
                    std::chrono::steady_clock::now().time_since_epoch().count())) {
  period_ns.store(static_cast<uint64_t>(1e9 / config.rate_hz + 0.5), std::memory_order_relaxed);
  if (rng_state == 0) rng_state = 1;
}

const char* describe(TimerSource source) {
  switch (source) {
    case TimerSource::CpuTimer:
      return "timer_create(thread CPU-time clock)";
    case TimerSource::WallTimer:
      return "timer_create(CLOCK_MONOTONIC)";
    case TimerSource::WallFilteredByCpu:
      return "timer_create(CLOCK_MONOTONIC), sampling once per period of thread CPU time";
    case TimerSource::PerfTaskClock:
      return "perf_event task-clock (overflows per period of thread CPU time)";
    case TimerSource::SamplingThreadCpu:
      return "a sampling thread reading the frame stack, once per period of thread CPU time";
    case TimerSource::SamplingThreadWall:
      return "a sampling thread reading the frame stack, every period of elapsed time";
  }
  return "?";
}

}  // namespace aiprof::sampler::detail
