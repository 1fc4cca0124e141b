// The delivered-rate check and the fallback policy, as pure functions of the configuration
// and what a thread's current source delivered (the Sampler applies them at each drain).
//
// A CPU-clock timer is checked on the kernel's tick (250 Hz on many kernels), whatever rate
// was asked; a sampling thread falls behind, or keeps finding the thread off the CPU, when the
// threads on the machine keep every CPU busy. Once a thread has run long enough to tell, the
// delivered rate is compared with the rate asked; a source that under-delivers gives way to
// the next: a sampling thread to signals, a CPU-clock timer to a perf task-clock counter
// (where the kernel permits; else, as after a perf counter, to wall ticks filtered by the
// thread's CPU time). Not async-signal-safe (they build messages); nothing here runs in a
// handler.
#pragma once

#include <cstdint>
#include <string>

#include "aiprof/sampler/sampler_config.hpp"
#include "thread_slot.hpp"

namespace aiprof::sampler::detail {

// What a thread's current source delivered since it began.
struct SourceWindow {
  uint64_t cpu_ns = 0;   // CPU time the thread ran on it
  uint64_t ticks = 0;    // ticks handled (timers)
  uint64_t samples = 0;  // samples taken (sampling thread)
  uint64_t late = 0;     // ticks that found the thread off the CPU (sampling thread)
};

// The source a newly armed thread starts on. cpu_fallback: the CPU-time source new threads
// get once the CPU-clock timer was found to under-deliver (else CpuTimer).
TimerSource initial_source(const SamplerConfig& config, TimerSource cpu_fallback);

// The source that replaces an under-delivering one (before perf's availability is known).
TimerSource next_source(TimerSource source, TimerSource cpu_fallback);

// Whether a source's delivered rate is checked at all (wall sources deliver what they are
// asked; the filtered one is the last resort).
bool rate_is_checked(TimerSource source);

// Whether a thread has run long enough on its source for the check to tell: its window of
// CPU time (longer for a sampling thread, whose first periods include its start) and at least
// a few samples due.
bool rate_check_due(const SamplerConfig& config, TimerSource source, uint64_t cpu_ns);

// Why the source under-delivered, in words ("" when it delivers). A timer is checked once (its
// rate does not change); a sampling thread all along (the machine's load can change), and it
// must also find the thread on the CPU when a sample is due: a thread found off the CPU is
// sampled later, where it resumes, and points where threads are preempted (system-call exits)
// would gather more than their share.
std::string delivery_shortfall(const SamplerConfig& config, TimerSource source,
                               const SourceWindow& window);

}  // namespace aiprof::sampler::detail
