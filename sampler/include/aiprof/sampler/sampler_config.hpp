// What the sampler is asked to do: how often, on which clock, how deep, with native frames.
// Plain data; nothing here runs in the signal handler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aiprof::sampler {

// cpu: one sample per period of the thread's own CPU time (an idle thread is not sampled).
// wall: one sample per period of elapsed time, running or not (finds time spent waiting).
enum class SampleClock : uint8_t { Cpu, Wall };

const char* to_string(SampleClock clock);
std::optional<SampleClock> parse_sample_clock(std::string_view text);

// How a sample is taken.
// signal: a per-thread timer sends the thread SIGPROF and the handler copies its stack. Needed
//   for native frames; each signal interrupts the program (on some virtual machines every
//   kernel entry costs the program tens of microseconds afterwards: see docs/sampling.md).
// thread: a sampling thread, on another core, copies each registered thread's guest frame
//   stack; nothing interrupts the program.
// auto: thread, unless native frames are asked for or the process may use only one CPU.
enum class Delivery : uint8_t { Auto, Signal, Thread };

const char* to_string(Delivery delivery);
std::optional<Delivery> parse_delivery(std::string_view text);

struct SamplerConfig {
  double rate_hz = 1000;               // samples per second of the clock, per thread
  SampleClock clock = SampleClock::Cpu;
  uint32_t max_stack = 256;            // guest frames kept per sample (innermost first)
  Delivery delivery = Delivery::Auto;
  bool native = false;                 // also record native PCs with libunwind (signal only)
  uint32_t max_native = 24;            // native frames kept per sample (innermost first):
                                       // enough to reach the evaluator beneath a guest frame
  bool jitter = false;                 // randomise each interval in [0.5, 1.5) periods
  uint32_t ring_records = 1024;        // per-thread ring capacity: 1 s at 1 kHz, drained each 10 ms
  uint32_t drain_interval_ms = 10;     // how often the reader thread empties the rings
  // The delivered-rate check (Sampler, check_delivered_rate). A CPU-time signal source must
  // deliver at least this share of rate_hz once the thread has run rate_check_cpu_ms of CPU
  // time on it and 10 samples are due (checked once per source; with jitter the perf counter is
  // held to 80% of this share, see sampler.cpp), or the thread moves to the next source: from the
  // CPU-clock timer to a perf task-clock counter, and from that (or where perf_event_open is
  // refused) to a CLOCK_MONOTONIC timer that samples once per period of the thread's CPU time.
  // A sampling thread (thread delivery, CPU clock) is checked at every drain once the thread
  // has run max(rate_check_cpu_ms, 100) ms on it: under this share, or the thread found off the
  // CPU at over 5% of its due samples, and the thread moves to signals (the CPU-time source
  // the sampler is on at that moment, the CPU-clock timer first).
  double min_delivered_share = 0.9;
  uint32_t rate_check_cpu_ms = 20;
};

// Checks ranges; returns an error message, or "" when the configuration is usable.
std::string validate(const SamplerConfig& config);

// Delivery::Signal or Delivery::Thread: what Auto means for this configuration here, and why.
struct DeliveryChoice {
  Delivery delivery;
  std::string reason;
};
DeliveryChoice resolve_delivery(const SamplerConfig& config);

}  // namespace aiprof::sampler
