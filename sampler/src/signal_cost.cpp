#include "signal_cost.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "thread_slot.hpp"  // monotonic_ns

namespace aiprof::sampler::detail {

double measure_signal_cost_ns(const std::function<bool()>& keep_going) {
  constexpr int kRuns = 5, kSignals = 16;
  std::vector<double> per_signal;
  pid_t pid = getpid();
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  do {
    uint64_t start = monotonic_ns();
    for (int i = 0; i < kSignals; ++i) syscall(SYS_tgkill, pid, tid, SIGPROF);
    per_signal.push_back(static_cast<double>(monotonic_ns() - start) / kSignals);
  } while (per_signal.size() < kRuns && keep_going());
  auto middle = per_signal.begin() + static_cast<long>(per_signal.size() / 2);
  std::nth_element(per_signal.begin(), middle, per_signal.end());
  return *middle;
}

}  // namespace aiprof::sampler::detail
