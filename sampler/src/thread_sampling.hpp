// Sampling from a thread of the sampler's own (Delivery::Thread): no signal interrupts the
// program; the sampling thread copies each registered thread's guest frame ids into that
// thread's ring (it is then the ring's only producer, and also its consumer).
// Runs under the sampler's registry mutex, so a slot cannot go away while it is read.
// Not async-signal-safe (nothing here runs in a handler).
#pragma once

#include <cstdint>

#include "thread_slot.hpp"

namespace aiprof::sampler::detail {

// Starts a slot's window: no timer, just the CPU-time baseline the CPU clock counts from.
void arm_sampling_thread(ThreadSlot& slot, TimerSource source);

// One tick of the sampling thread for one slot. missed_ticks: whole periods the sampling
// thread slept past (they weigh this sample, on the wall clock). On the CPU clock a sample is
// taken once the thread has run another period of CPU time since the last one, weighed by the
// periods it ran.
void sample_other_thread(ThreadSlot& slot, uint64_t missed_ticks);

}  // namespace aiprof::sampler::detail
