// The SIGPROF handler: copy the guest frame ids (and, if asked, native PCs) into the thread's
// ring, count what could not be kept, re-arm a jittered timer. Nothing here allocates, locks
// or touches stdio; errno is saved and restored.
#include "signal_handler.hpp"

#include "module_snapshot.hpp"
#include "xorshift.hpp"

#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <stdexcept>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

namespace aiprof::sampler::detail {

namespace {

// ThreadSanitizer runs a signal handler later, at a point of its choosing: the interrupted
// instruction is no longer on the stack, so every unwind would be refused. And unw_backtrace
// gives each thread a trace cache whose destructor, at thread exit, locks a mutex after TSan
// has finished the thread: the process crashed there. Under TSan no native unwind is tried
// (each sample counts as a failed unwind, which the reports state).
#if defined(__SANITIZE_THREAD__)
constexpr bool kUnwindInHandler = false;
#else
constexpr bool kUnwindInHandler = true;
#endif

// The slots the handler may write to. The handler never reads a slot that is not its own
// thread's: another thread may be freeing its slot at that moment. So what it matches on (the
// owner thread, the perf counter's fd) is kept here, beside the slot pointer.
struct TableEntry {
  std::atomic<ThreadSlot*> slot{nullptr};
  std::atomic<pthread_t> owner{};
  std::atomic<int> perf_fd{-1};
};
std::array<TableEntry, kMaxThreads> g_table{};
std::atomic<uint32_t> g_slot_limit{0};  // entries at or past this index were never used

std::mutex g_install_mutex;
bool g_installed = false;
struct sigaction g_previous{};  // written once, before our handler can run

// A SIGPROF someone else sent: theirs to handle, as if we were not here (default: ignored,
// since a stray tick of ours cannot be told from it by a default disposition).
void pass_on(int signo, siginfo_t* info, void* context) {
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) g_previous.sa_sigaction(signo, info, context);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signo);
  }
}

bool owned_here(const TableEntry& entry) {
  return pthread_equal(entry.owner.load(std::memory_order_acquire), pthread_self());
}

// The calling thread's published slot that a timer's signal names (a signal left pending by a
// deleted timer may name a slot since freed, or reused by another thread).
ThreadSlot* own_slot_named(const void* named) {
  uint32_t limit = g_slot_limit.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < limit; ++i)
    if (ThreadSlot* slot = g_table[i].slot.load(std::memory_order_acquire);
        slot && slot == named && owned_here(g_table[i]))
      return slot;
  return nullptr;
}

// A perf counter's signal names its file descriptor, not a slot.
ThreadSlot* own_slot_of_perf_fd(int fd) {
  uint32_t limit = g_slot_limit.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < limit; ++i)
    if (g_table[i].perf_fd.load(std::memory_order_acquire) == fd && owned_here(g_table[i]))
      return g_table[i].slot.load(std::memory_order_acquire);
  return nullptr;
}

// The calling thread's slot a SIGPROF is for: a POSIX timer's names it, a perf counter's
// names its fd (the kernel's F_SETSIG signals carry a POLL_* code). Null: not one of ours.
// (Only the slot's own thread frees it, so the slot returned stays valid in the handler.)
ThreadSlot* slot_of(const siginfo_t* info) {
  if (!info) return nullptr;
  if (info->si_code == SI_TIMER) return own_slot_named(info->si_value.sival_ptr);
  if (info->si_code > 0 && info->si_code <= POLL_HUP) return own_slot_of_perf_fd(info->si_fd);
  return nullptr;
}

// Jitter: the next interval is uniform in [0.5, 1.5) periods, so the mean rate is kept. A POSIX
// timer is re-armed as a one-shot; a perf counter is given its next period (the kernel restarts
// its count from now: one ioctl, a kernel entry, per sample, only with --jitter).
void rearm_jittered(ThreadSlot& s) {
  uint64_t period = s.period_ns.load(std::memory_order_relaxed);
  uint64_t next = jittered_interval(s.rng_state, period);
  if (s.source.load(std::memory_order_relaxed) == TimerSource::PerfTaskClock) {
    if (int fd = s.perf_fd.load(std::memory_order_relaxed); fd >= 0)
      ioctl(fd, PERF_EVENT_IOC_PERIOD, &next);
    return;
  }
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(next / 1000000000u);
  spec.it_value.tv_nsec = static_cast<long>(next % 1000000000u);
  s.expiry_ns.store(monotonic_ns() + next, std::memory_order_relaxed);
  timer_settime(s.timer.load(std::memory_order_relaxed), 0, &spec, nullptr);
}

// Whether this tick's signal came more than a quarter period after the timer expired.
// (A jittered timer is one-shot: its expiry was noted when it was armed.)
bool delivered_late(ThreadSlot& s, uint64_t now_ns) {
  int64_t period = static_cast<int64_t>(s.period_ns.load(std::memory_order_relaxed));
  int64_t since_expiry;
  if (s.jitter) {
    since_expiry = static_cast<int64_t>(now_ns) -
                   static_cast<int64_t>(s.expiry_ns.load(std::memory_order_relaxed));
  } else {
    itimerspec left{};
    if (timer_gettime(s.timer.load(std::memory_order_relaxed), &left) != 0) return false;
    since_expiry = period - (static_cast<int64_t>(left.it_value.tv_sec) * 1000000000 +
                             left.it_value.tv_nsec);
  }
  return since_expiry > period / 4;
}

// A one-shot (jittered) timer: whole periods between its expiry and now.
int periods_late(ThreadSlot& s, uint64_t now_ns) {
  uint64_t expiry = s.expiry_ns.load(std::memory_order_relaxed);
  uint64_t period = s.period_ns.load(std::memory_order_relaxed);
  return now_ns > expiry && period ? static_cast<int>(std::min<uint64_t>((now_ns - expiry) / period, INT32_MAX)) : 0;
}

// The CPU filter: a wall tick samples only once the thread ran a period of CPU time since the
// last sample, so the rate follows the thread's CPU time as a CPU timer's would.
bool cpu_period_elapsed(ThreadSlot& s) {
  uint64_t period = s.period_ns.load(std::memory_order_relaxed);
  bool elapsed = s.cpu_credit.accrue(clock_ns(CLOCK_THREAD_CPUTIME_ID), period) > 0;
  if (elapsed) s.cpu_credit.spend(1, period);
  // A burst of credit (a long run between ticks) cannot buy more than one extra sample.
  s.cpu_credit.cap(static_cast<int64_t>(period));
  return elapsed;
}

// Native PCs, innermost first, starting at the interrupted instruction (the handler's own
// frames are skipped). Returns the number kept, or 0 when unwinding failed or re-entered.
uint32_t copy_native(ThreadSlot& s, const void* interrupted_pc, uintptr_t* out, uint32_t max) {
  if (!kUnwindInHandler || s.in_native_unwind) return 0;
  s.in_native_unwind = 1;
  constexpr int kHandlerFrames = 16;  // room for the handler's frames above the interrupted one
  void* pcs[512 + kHandlerFrames];
  int want = static_cast<int>(std::min<uint32_t>(max, 512)) + kHandlerFrames;
  int n = unw_backtrace(pcs, want);
  s.in_native_unwind = 0;
  int first = -1;
  for (int i = 0; i < n && i < kHandlerFrames + 1; ++i)
    if (pcs[i] == interrupted_pc) {
      first = i;
      break;
    }
  if (first < 0) return 0;
  uint32_t kept = static_cast<uint32_t>(std::min<int>(n - first, static_cast<int>(max)));
  for (uint32_t i = 0; i < kept; ++i) out[i] = reinterpret_cast<uintptr_t>(pcs[first + i]);
  return kept;
}

void fill_record(ThreadSlot& s, SampleRecord& r, uint64_t now, const void* interrupted_pc) {
  r.t_ns = now - s.origin_ns.load(std::memory_order_relaxed);
  r.live_bytes = s.live_bytes ? s.live_bytes->load(std::memory_order_relaxed) : 0;
  r.flags = 0;
  bool truncated = false;
  r.guest_depth =
      s.frames ? s.frames->copy_ids(s.ring.guest_ids(&r), s.ring.max_guest(), &truncated,
                                    s.ring.guest_lines(&r))
               : 0;
  if (truncated) {
    r.flags |= kTruncated;
    bump(s.truncated);
  }
  r.native_depth = 0;
  if (s.native) {
    r.native_depth = interrupted_pc ? copy_native(s, interrupted_pc, s.ring.native_pcs(&r),
                                                  s.ring.max_native())
                                    : 0;
    if (r.native_depth == 0) {
      r.flags |= kNativeFailed;
      bump(s.native_failures);
    }
  }
}

void on_sigprof(int signo, siginfo_t* info, void* context) {
  int saved_errno = errno;
  // (Only the slot's own thread may write to its ring. pthread_self reads a register; a gettid
  // system call here cost a kernel entry per tick.)
  if (ThreadSlot* slot = slot_of(info)) {
    const void* pc = nullptr;
#if defined(__x86_64__)
    if (context) pc = reinterpret_cast<const void*>(
        static_cast<const ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#endif
    take_sample(*slot, pc, info->si_code == SI_TIMER ? info->si_overrun : 0);
  } else if (!(info && info->si_code == SI_TKILL && info->si_pid == getpid())) {
    pass_on(signo, info, context);  // (our own tgkill probes in measure_signal_cost_ns stop here)
  }
  errno = saved_errno;
}

}  // namespace

bool unwinding_in_handler_on_this_thread() {
  uint32_t limit = g_slot_limit.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < limit; ++i)
    if (owned_here(g_table[i]))  // (a slot this thread owns: safe to read)
      if (ThreadSlot* slot = g_table[i].slot.load(std::memory_order_acquire);
          slot && slot->in_native_unwind)
        return true;
  return false;
}

uint64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

void take_sample(ThreadSlot& s, const void* interrupted_pc, int overrun) {
  if (!s.armed.load(std::memory_order_acquire)) return;
  uint64_t start = monotonic_ns();
  bump(s.ticks);
  // Overload guard: at a rate whose period is near the handler's own cost (a high --rate with
  // --native, a slow build) the thread would do nothing but take samples. If it ran for less
  // time since the last sample than that sample took, skip this one (counted).
  if (start - s.last_exit_ns < s.last_cost_ns) {
    bump(s.throttled);
    s.last_cost_ns /= 2;  // decays, so one slow sample does not silence the ticks after it
    if (s.jitter) rearm_jittered(s);  // (a one-shot timer left alone would never tick again)
    return;
  }
  // Filtered ticks are weighed by CPU time instead: an overrun there is time off the CPU.
  TimerSource source = s.source.load(std::memory_order_acquire);
  bool filtered = source == TimerSource::WallFilteredByCpu;
  // A jittered wall timer is one-shot, so the kernel counts no overrun: the periods it was
  // delivered late by (the thread was off the CPU) are what the sample stands for beside itself.
  if (s.jitter && source == TimerSource::WallTimer) overrun = periods_late(s, start);
  uint32_t weight = filtered || overrun <= 0 ? 1 : 1 + static_cast<uint32_t>(overrun);
  if (weight > 1) bump(s.missed, weight - 1);
  // A filtered tick delivered late came when the thread got the CPU back, so it would sample
  // where the thread was preempted (mostly at system-call exits), not a random point of its
  // CPU time: skip it and keep the credit for the next tick that finds the thread running.
  if (filtered && (overrun > 0 || delivered_late(s, start))) {
    bump(s.late);
  } else if (!filtered || cpu_period_elapsed(s)) {
    if (SampleRecord* r = s.ring.claim()) {
      fill_record(s, *r, start, interrupted_pc);
      r->weight = weight;
      s.ring.publish();
      bump(s.samples);
    } else {
      bump(s.dropped);
    }
  }
  if (s.jitter) rearm_jittered(s);
  s.last_exit_ns = monotonic_ns();
  s.last_cost_ns = s.last_exit_ns - start;
  bump(s.handler_ns, s.last_cost_ns);
}

void install_handler() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (g_installed) return;
  struct sigaction action{};
  action.sa_sigaction = on_sigprof;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  struct sigaction previous{};
  if (sigaction(SIGPROF, nullptr, &previous) != 0)
    throw std::runtime_error("cannot read the SIGPROF disposition");
  g_previous = previous;
  if (sigaction(SIGPROF, &action, nullptr) != 0)
    throw std::runtime_error("cannot install the SIGPROF handler");
  g_installed = true;
}

bool publish_slot(ThreadSlot* slot) {
  for (uint32_t i = 0; i < kMaxThreads; ++i) {
    ThreadSlot* expected = nullptr;
    if (g_table[i].slot.compare_exchange_strong(expected, slot, std::memory_order_acq_rel)) {
      g_table[i].perf_fd.store(-1, std::memory_order_release);
      g_table[i].owner.store(slot->owner, std::memory_order_release);
      slot->table_index = i;
      uint32_t limit = g_slot_limit.load(std::memory_order_relaxed);
      while (limit < i + 1 &&
             !g_slot_limit.compare_exchange_weak(limit, i + 1, std::memory_order_acq_rel)) {
      }
      return true;
    }
  }
  return false;
}

void withdraw_slot(ThreadSlot* slot) {
  if (slot->table_index >= kMaxThreads) return;
  TableEntry& entry = g_table[slot->table_index];
  entry.perf_fd.store(-1, std::memory_order_release);
  entry.owner.store(pthread_t{}, std::memory_order_release);
  entry.slot.store(nullptr, std::memory_order_release);
  slot->table_index = kMaxThreads;
}

void note_perf_fd(const ThreadSlot& slot, int fd) {
  if (slot.table_index < kMaxThreads)
    g_table[slot.table_index].perf_fd.store(fd, std::memory_order_release);
}

void warm_up_unwinder() {
  snapshot_loaded_modules();
  if (!kUnwindInHandler) return;
  // A per-thread cache needs no lock: with the global one, libunwind blocks signals around
  // every cache access (two sigprocmask system calls per unwind, each a kernel entry).
  static const bool per_thread_cache [[maybe_unused]] =
      unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD) == 0;
  void* pcs[8];
  unw_backtrace(pcs, 8);
}

}  // namespace aiprof::sampler::detail
