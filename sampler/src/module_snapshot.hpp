// A copy of the dynamic loader's module list, for the SIGPROF handler's native unwinding.
//
// libunwind finds the unwind table of a PC it has not seen before by calling dl_iterate_phdr,
// which takes the dynamic loader's lock. Other threads hold that lock for a long time:
// libbacktrace (Boost.Stacktrace's symboliser, which the sampler's naming thread runs while
// the program runs, where no helper process names PCs) reads every module's debug information
// inside one dl_iterate_phdr callback, 150-300 ms with Debian's libc6-dbg installed. A handler that asked for the lock
// then stalled the interrupted program for that long, which was most of --native's overhead.
//
// So this library defines dl_iterate_phdr itself (except in sanitizer builds: see
// AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR in sampler.hpp) (the executable's definition comes first
// in symbol lookup, for libunwind as for everyone else). Called from a handler that is
// unwinding, it walks the copy taken here, without the lock; called from anywhere else it
// passes the call to the real one (the next definition: libc's, or a sanitizer's).
// Modules loaded after the copy was taken are not in it: a handler's unwind stops at their
// frames (the copy is refreshed each time native sampling is prepared).
//
// For the same handler's unwind, the library's sigprocmask leaves the signal mask alone (see
// module_snapshot.cpp): libunwind's blocking of all signals around its caches cost two system
// calls a time there, to no purpose.
#pragma once

#include <link.h>

namespace aiprof::sampler::detail {

// Takes (or refreshes) the copy. Not async-signal-safe: call it before timers that unwind
// start. Thread-safe.
void snapshot_loaded_modules();

// dl_iterate_phdr over the copy: false when no copy was taken; else *result is what the last
// callback returned (0 after the last module). Async-signal-safe.
bool iterate_module_snapshot(int (*callback)(dl_phdr_info*, size_t, void*), void* data,
                             int* result);

// Whether the calling thread is inside the handler's native unwind (implemented beside the
// handler). Async-signal-safe.
bool unwinding_in_handler_on_this_thread();

}  // namespace aiprof::sampler::detail
