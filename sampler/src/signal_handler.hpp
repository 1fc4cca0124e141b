// The SIGPROF handler and the table of slots it may write to.
//
// A tick names its slot in the timer's sigev_value; the handler writes only to a slot it finds
// in the table, so a SIGPROF from anyone else (kill, another profiler's timer) is ignored.
// Async-signal-safe: the handler itself. install/uninstall/publish/withdraw are not (they run
// under the sampler's registry mutex or at registration).
#pragma once

#include <cstdint>
#include <string>

#include "thread_slot.hpp"

namespace aiprof::sampler::detail {

// Installs the handler (SA_SIGINFO | SA_RESTART) on first use, for the rest of the process's
// life: a timer signal can stay pending after timer_delete (seen on Linux 6.18), and under the
// default disposition a late one would kill the process. A SIGPROF that is not one of ours is
// passed to the handler installed before, if there was one. Throws std::runtime_error on
// failure.
void install_handler();

// Makes a slot visible to the handler (false: the table of kMaxThreads is full), and hides it.
constexpr uint32_t kMaxThreads = 1024;
// The slot's owner must be set first.
bool publish_slot(ThreadSlot* slot);
void withdraw_slot(ThreadSlot* slot);
// Tells the handler which perf counter's signals are the slot's (-1: none).
void note_perf_fd(const ThreadSlot& slot, int fd);

// Runs what the handler runs for a tick, on the calling thread (tests, warm-up). overrun: timer
// expirations the kernel coalesced into this signal (the thread was not running to take them).
void take_sample(ThreadSlot& slot, const void* interrupted_pc, int overrun = 0);

// libunwind initialises itself on first use; do that outside any handler.
void warm_up_unwinder();

}  // namespace aiprof::sampler::detail
