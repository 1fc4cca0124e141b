// The sampler's delivered-rate check and fallback policy (sampler/src/rate_policy.hpp), as pure
// functions: no timer, no thread, no signal.
#include <gtest/gtest.h>

#include "rate_policy.hpp"

namespace {

using namespace aiprof::sampler;
using detail::SourceWindow;
using detail::TimerSource;

constexpr uint64_t kMs = 1'000'000;

SamplerConfig config_at(double rate_hz, Delivery delivery = Delivery::Signal,
                        SampleClock clock = SampleClock::Cpu) {
  SamplerConfig config;
  config.rate_hz = rate_hz;
  config.delivery = delivery;
  config.clock = clock;
  return config;
}

TEST(RatePolicyTest, NewThreadsStartOnTheDeliveryAndClockAsked) {
  EXPECT_EQ(detail::initial_source(config_at(100, Delivery::Thread), TimerSource::CpuTimer),
            TimerSource::SamplingThreadCpu);
  EXPECT_EQ(detail::initial_source(config_at(100, Delivery::Thread, SampleClock::Wall),
                                   TimerSource::CpuTimer),
            TimerSource::SamplingThreadWall);
  EXPECT_EQ(detail::initial_source(config_at(100, Delivery::Signal, SampleClock::Wall),
                                   TimerSource::PerfTaskClock),
            TimerSource::WallTimer);
  // On the CPU clock, signals start where an earlier thread's fallback ended.
  EXPECT_EQ(detail::initial_source(config_at(100), TimerSource::CpuTimer), TimerSource::CpuTimer);
  EXPECT_EQ(detail::initial_source(config_at(100), TimerSource::PerfTaskClock),
            TimerSource::PerfTaskClock);
}

TEST(RatePolicyTest, FallbackGoesTimerThenPerfThenFilteredWall) {
  EXPECT_EQ(detail::next_source(TimerSource::CpuTimer, TimerSource::CpuTimer),
            TimerSource::PerfTaskClock);
  EXPECT_EQ(detail::next_source(TimerSource::PerfTaskClock, TimerSource::PerfTaskClock),
            TimerSource::WallFilteredByCpu);
  // A sampling thread hands a thread to the CPU-time signal source in use.
  EXPECT_EQ(detail::next_source(TimerSource::SamplingThreadCpu, TimerSource::PerfTaskClock),
            TimerSource::PerfTaskClock);
  EXPECT_TRUE(detail::rate_is_checked(TimerSource::CpuTimer));
  EXPECT_TRUE(detail::rate_is_checked(TimerSource::PerfTaskClock));
  EXPECT_TRUE(detail::rate_is_checked(TimerSource::SamplingThreadCpu));
  EXPECT_FALSE(detail::rate_is_checked(TimerSource::WallTimer));
  EXPECT_FALSE(detail::rate_is_checked(TimerSource::WallFilteredByCpu));
  EXPECT_FALSE(detail::rate_is_checked(TimerSource::SamplingThreadWall));
}

TEST(RatePolicyTest, CheckWaitsForItsWindowAndTenDueSamples) {
  SamplerConfig config = config_at(1000);  // rate_check_cpu_ms = 20
  EXPECT_FALSE(detail::rate_check_due(config, TimerSource::CpuTimer, 19 * kMs));
  EXPECT_TRUE(detail::rate_check_due(config, TimerSource::CpuTimer, 20 * kMs));
  // A sampling thread is judged over at least 100 ms.
  EXPECT_FALSE(detail::rate_check_due(config, TimerSource::SamplingThreadCpu, 99 * kMs));
  EXPECT_TRUE(detail::rate_check_due(config, TimerSource::SamplingThreadCpu, 100 * kMs));
  // At 10 Hz, ten samples are due only after a second.
  SamplerConfig slow = config_at(10);
  EXPECT_FALSE(detail::rate_check_due(slow, TimerSource::CpuTimer, 999 * kMs));
  EXPECT_TRUE(detail::rate_check_due(slow, TimerSource::CpuTimer, 1000 * kMs));
}

TEST(RatePolicyTest, TimerShortfallBelowTheMinimumShare) {
  SamplerConfig config = config_at(1000);  // min_delivered_share = 0.9
  SourceWindow window{100 * kMs, 90, 0, 0};
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::CpuTimer, window), "");
  window.ticks = 25;
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::CpuTimer, window),
            "delivered 250 Hz of the 1000 Hz asked (CPU-time timers are checked on the kernel "
            "tick)");
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::PerfTaskClock, window),
            "delivered 250 Hz of the 1000 Hz asked");
}

TEST(RatePolicyTest, JitteredPerfCounterIsHeldToEightyPercentOfTheShare) {
  SamplerConfig config = config_at(1000);
  config.jitter = true;
  SourceWindow window{100 * kMs, 73, 0, 0};  // 0.9 * 0.8 = 72% of 100 due
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::PerfTaskClock, window), "");
  window.ticks = 71;
  EXPECT_NE(detail::delivery_shortfall(config, TimerSource::PerfTaskClock, window), "");
  EXPECT_NE(detail::delivery_shortfall(config, TimerSource::CpuTimer, SourceWindow{100 * kMs, 73, 0, 0}), "");
}

TEST(RatePolicyTest, SamplingThreadMustDeliverAndFindTheThreadOnTheCpu) {
  SamplerConfig config = config_at(1000, Delivery::Thread);
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::SamplingThreadCpu,
                                       SourceWindow{100 * kMs, 0, 95, 5}),
            "");
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::SamplingThreadCpu,
                                       SourceWindow{100 * kMs, 0, 50, 0}),
            "delivered 500 Hz of the 1000 Hz asked (the CPUs are all busy: it shares them with "
            "the program)");
  EXPECT_EQ(detail::delivery_shortfall(config, TimerSource::SamplingThreadCpu,
                                       SourceWindow{100 * kMs, 0, 90, 10}),
            "found the thread off the CPU at 10% of its samples (the CPUs are shared)");
}

}  // namespace
