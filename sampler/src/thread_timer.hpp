// Creating and deleting the per-thread timer that feeds a slot (timer_create with
// SIGEV_THREAD_ID, so the signal goes to that thread and only that thread).
// Not async-signal-safe; called under the sampler's registry mutex.
#pragma once

#include <string>

#include "thread_slot.hpp"

namespace aiprof::sampler::detail {

// Creates a timer of `source` for the slot's thread and starts it at the slot's period (a
// random first interval when jittered). The previous timer, if any, is deleted after the new
// one runs, so a switch loses no tick. Returns "" or what failed.
std::string arm_timer(ThreadSlot& slot, TimerSource source);

// Stops ticks: the handler ignores the slot from now on, and the timer (or perf counter) is
// deleted. A signal of it may still be pending; the handler ignores it.
void disarm_timer(ThreadSlot& slot);

}  // namespace aiprof::sampler::detail
