// The opt-in object target aiprof::sampler_interposition (see sampler/CMakeLists.txt and
// docs/sampling.md, "Native frames"): definitions of dl_iterate_phdr and sigprocmask for the
// whole process, so that the SIGPROF handler's native unwind never waits for the dynamic
// loader's lock nor makes libunwind's signal-mask system calls. The `anarchy` command links it;
// a program that links only aiprof::sampler keeps libc's own functions (its native samples
// then may wait for the loader's lock while another thread holds it).
//
// Both functions are async-signal-safe (from the handler they touch only the module copy and a
// thread-local flag; elsewhere they are libc's).

#include "module_snapshot.hpp"

#include "aiprof/sampler/sampler.hpp"  // AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR

#include <pthread.h>
#include <signal.h>

#include <cerrno>

#if AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR
// The process's dl_iterate_phdr (see module_snapshot.hpp): the copy for a handler that is
// unwinding, the real one for everyone else.
extern "C" int dl_iterate_phdr(int (*callback)(dl_phdr_info*, size_t, void*), void* data) {
  using namespace aiprof::sampler::detail;
  int result = 0;
  if (unwinding_in_handler_on_this_thread() && iterate_module_snapshot(callback, data, &result))
    return result;
  return call_real_dl_iterate_phdr(callback, data);
}

// The process's sigprocmask. libunwind blocks every signal around its caches and allocations
// (so that a signal handler that unwinds cannot find them half-changed): two system calls a
// time, ten or so per PC it has not seen before. In the SIGPROF handler's own unwind that is
// wasted (SIGPROF is already blocked there, and the handler does not re-enter the unwinder),
// and on virtual machines where every kernel entry costs the program tens of microseconds,
// it was the larger part of what --native cost beyond the signal itself. So during that
// unwind the mask is left as it is; everyone else gets pthread_sigmask, which is what glibc's
// sigprocmask is.
extern "C" int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  if (aiprof::sampler::detail::unwinding_in_handler_on_this_thread()) {
    if (old) sigemptyset(old);  // (only ever handed back to this function, which ignores it)
    return 0;
  }
  int error = pthread_sigmask(how, set, old);
  if (error == 0) return 0;
  errno = error;
  return -1;
}
#endif
