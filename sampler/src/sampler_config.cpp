#include "aiprof/sampler/sampler_config.hpp"

#include <sched.h>

#include <cstdio>

namespace aiprof::sampler {

const char* to_string(SampleClock clock) { return clock == SampleClock::Cpu ? "cpu" : "wall"; }

std::optional<SampleClock> parse_sample_clock(std::string_view text) {
  if (text == "cpu") return SampleClock::Cpu;
  if (text == "wall") return SampleClock::Wall;
  return std::nullopt;
}

const char* to_string(Delivery delivery) {
  switch (delivery) {
    case Delivery::Auto:
      return "auto";
    case Delivery::Signal:
      return "signal";
    case Delivery::Thread:
      return "thread";
  }
  return "?";
}

std::optional<Delivery> parse_delivery(std::string_view text) {
  if (text == "auto") return Delivery::Auto;
  if (text == "signal") return Delivery::Signal;
  if (text == "thread") return Delivery::Thread;
  return std::nullopt;
}

namespace {

// CPUs this process may run on (its affinity mask, not the machine's count).
int usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

}  // namespace

DeliveryChoice resolve_delivery(const SamplerConfig& c) {
  if (c.delivery == Delivery::Signal) return {Delivery::Signal, "asked for"};
  if (c.delivery == Delivery::Thread) return {Delivery::Thread, "asked for"};
  if (c.native) return {Delivery::Signal, "native frames can only be unwound on the thread itself"};
  if (usable_cpus() < 2)
    return {Delivery::Signal, "one CPU: a sampling thread would take turns with the program"};
  return {Delivery::Thread, "a sampling thread on another core does not interrupt the program"};
}

std::string validate(const SamplerConfig& c) {
  char message[160];
  auto fail = [&](const char* what) { return std::string(what); };
  // Below 1 Hz a run shows nothing; above 100 kHz the handler alone would eat the CPU.
  if (!(c.rate_hz >= 1 && c.rate_hz <= 100000)) {
    std::snprintf(message, sizeof message, "the sampling rate must be 1 to 100000 Hz (not %g)",
                  c.rate_hz);
    return message;
  }
  if (c.max_stack < 1 || c.max_stack > 65536) return fail("max_stack must be 1 to 65536 frames");
  if (c.native && (c.max_native < 1 || c.max_native > 512))
    return fail("max_native must be 1 to 512 frames");
  if (c.native && c.delivery == Delivery::Thread)
    return fail("native frames need signal delivery (a sampling thread cannot unwind another "
                "thread's native stack)");
  if (c.ring_records < 16 || c.ring_records > (1u << 24))
    return fail("ring_records must be 16 to 16777216");
  if (c.drain_interval_ms < 1 || c.drain_interval_ms > 10000)
    return fail("drain_interval_ms must be 1 to 10000");
  if (!(c.min_delivered_share > 0 && c.min_delivered_share <= 1))
    return fail("min_delivered_share must be in (0, 1]");
  return "";
}

}  // namespace aiprof::sampler
