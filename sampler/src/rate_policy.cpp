#include "rate_policy.hpp"

#include <algorithm>
#include <cstdio>

namespace aiprof::sampler::detail {

namespace {

// A sampling thread that finds a thread off the CPU at more than this share of its due
// samples hands the thread to signal delivery.
constexpr double kMaxOffCpuShare = 0.05;
constexpr uint32_t kSamplingThreadCheckCpuMs = 100;
// A delivered rate is judged only once this many samples are due: at a low rate (10 Hz), 20 ms
// of CPU time is a fifth of a period, no tick is due yet, and every source "delivered 0 Hz".
constexpr double kMinDueForRateCheck = 10;
// With --jitter a perf counter gets each next period by an ioctl in the handler, which restarts
// its count: the time from the overflow to that ioctl (signal delivery, the handler) is in no
// period, 5-11% of the samples here. It is not the program's time, so no share is skewed by
// it; only the delivered-rate check allows for it.
constexpr double kJitteredPerfAllowance = 0.8;

double seconds(uint64_t ns) { return static_cast<double>(ns) * 1e-9; }

std::string timer_shortfall(const SamplerConfig& config, TimerSource source,
                            const SourceWindow& window) {
  double expected = seconds(window.cpu_ns) * config.rate_hz;
  double ticks = static_cast<double>(window.ticks);
  double share = config.min_delivered_share;
  if (source == TimerSource::PerfTaskClock && config.jitter) share *= kJitteredPerfAllowance;
  if (ticks >= share * expected) return "";
  char text[200];
  std::snprintf(text, sizeof text, "delivered %.0f Hz of the %.0f Hz asked%s",
                ticks / seconds(window.cpu_ns), config.rate_hz,
                source == TimerSource::CpuTimer
                    ? " (CPU-time timers are checked on the kernel tick)"
                    : "");
  return text;
}

std::string sampling_thread_shortfall(const SamplerConfig& config, const SourceWindow& window) {
  double samples = static_cast<double>(window.samples);
  double late = static_cast<double>(window.late);
  double expected = seconds(window.cpu_ns) * config.rate_hz;
  char text[240];
  if (samples < config.min_delivered_share * expected)
    std::snprintf(text, sizeof text,
                  "delivered %.0f Hz of the %.0f Hz asked (the CPUs are all busy: it shares "
                  "them with the program)",
                  samples / seconds(window.cpu_ns), config.rate_hz);
  else if (late > kMaxOffCpuShare * (samples + late))
    std::snprintf(text, sizeof text,
                  "found the thread off the CPU at %.0f%% of its samples (the CPUs are shared)",
                  100.0 * late / (samples + late));
  else
    return "";
  return text;
}

}  // namespace

TimerSource initial_source(const SamplerConfig& config, TimerSource cpu_fallback) {
  if (config.delivery == Delivery::Thread)
    return config.clock == SampleClock::Wall ? TimerSource::SamplingThreadWall
                                             : TimerSource::SamplingThreadCpu;
  if (config.clock == SampleClock::Wall) return TimerSource::WallTimer;
  return cpu_fallback;
}

TimerSource next_source(TimerSource source, TimerSource cpu_fallback) {
  if (source == TimerSource::SamplingThreadCpu) return cpu_fallback;
  return source == TimerSource::CpuTimer ? TimerSource::PerfTaskClock
                                         : TimerSource::WallFilteredByCpu;
}

bool rate_is_checked(TimerSource source) {
  return source == TimerSource::CpuTimer || source == TimerSource::PerfTaskClock ||
         source == TimerSource::SamplingThreadCpu;
}

bool rate_check_due(const SamplerConfig& config, TimerSource source, uint64_t cpu_ns) {
  uint64_t window_ms = source == TimerSource::SamplingThreadCpu
                           ? std::max(config.rate_check_cpu_ms, kSamplingThreadCheckCpuMs)
                           : config.rate_check_cpu_ms;
  return cpu_ns >= window_ms * 1000000u && seconds(cpu_ns) * config.rate_hz >= kMinDueForRateCheck;
}

std::string delivery_shortfall(const SamplerConfig& config, TimerSource source,
                               const SourceWindow& window) {
  return source == TimerSource::SamplingThreadCpu ? sampling_thread_shortfall(config, window)
                                                  : timer_shortfall(config, source, window);
}

}  // namespace aiprof::sampler::detail
