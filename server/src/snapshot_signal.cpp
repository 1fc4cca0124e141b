#include "snapshot_signal.hpp"

#include <atomic>

namespace aiprof::server {

namespace {

std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the handler needs a lock-free flag");

// Async-signal-safe: one lock-free store (errno is not touched).
void on_sigusr2(int) { g_requested.store(true, std::memory_order_relaxed); }

}  // namespace

SnapshotSignal::SnapshotSignal() {
  g_requested.store(false, std::memory_order_relaxed);
  struct sigaction action{};
  action.sa_handler = on_sigusr2;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &action, &previous_);
}

// A SIGUSR2 that arrives after the snapshots end (a script still sending them while the
// process exits) must not kill it: the default action becomes "ignore".
SnapshotSignal::~SnapshotSignal() {
  if (!(previous_.sa_flags & SA_SIGINFO) && previous_.sa_handler == SIG_DFL)
    previous_.sa_handler = SIG_IGN;
  sigaction(SIGUSR2, &previous_, nullptr);
}

bool SnapshotSignal::take_request() { return g_requested.exchange(false, std::memory_order_relaxed); }

}  // namespace aiprof::server
