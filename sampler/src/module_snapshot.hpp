// A copy of the dynamic loader's module list, for the SIGPROF handler's native unwinding.
//
// libunwind finds the unwind table of a PC it has not seen before by calling dl_iterate_phdr,
// which takes the dynamic loader's lock. Other threads hold that lock for a long time:
// libbacktrace (Boost.Stacktrace's symboliser, which the sampler's naming thread runs while
// the program runs, where no helper process names PCs) reads every module's debug information
// inside one dl_iterate_phdr callback, 150-300 ms with Debian's libc6-dbg installed. A handler that asked for the lock
// then stalled the interrupted program for that long, which was most of --native's overhead.
//
// So the opt-in object target aiprof::sampler_interposition (libc_interposition.cpp, which
// the `anarchy` command links) defines dl_iterate_phdr itself (except in sanitizer builds: see
// AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR in sampler.hpp) (the executable's definition comes first
// in symbol lookup, for libunwind as for everyone else). Called from a handler that is
// unwinding, it walks the copy taken here, without the lock; called from anywhere else it
// passes the call to the real one (the next definition: libc's, or a sanitizer's).
// Modules loaded after the copy was taken are not in it: a handler's unwind stops at their
// frames (the copy is refreshed each time native sampling is prepared). A program that links
// the sampler library without that target keeps libc's dl_iterate_phdr: the copy is then
// taken but unused.
//
// For the same handler's unwind, that target's sigprocmask leaves the signal mask alone:
// libunwind's blocking of all signals around its caches cost two system calls a time there,
// to no purpose.
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

// The dl_iterate_phdr the process would have without an interposed one (libc's, or a
// sanitizer's); 0 when there is none. Async-signal-safe once called outside a handler (the
// first call looks it up with dlsym; snapshot_loaded_modules makes that first call).
int call_real_dl_iterate_phdr(int (*callback)(dl_phdr_info*, size_t, void*), void* data);

// Whether the calling thread is inside the handler's native unwind (implemented beside the
// handler). Async-signal-safe.
bool unwinding_in_handler_on_this_thread();

}  // namespace aiprof::sampler::detail
