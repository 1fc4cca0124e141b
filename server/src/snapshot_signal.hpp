// SIGUSR2 asks for a snapshot. The handler only sets a lock-free flag (as Lua's hook does): the
// snapshot thread reads and clears it between its one-second steps. SA_RESTART, so a program
// thread the signal lands on resumes its system call; the default action (terminate) never
// happens while the handler is installed.
// Async-signal-safe: the handler alone. install/restore/take are for ordinary threads.
#pragma once

#include <signal.h>

namespace aiprof::server {

class SnapshotSignal {
 public:
  // Installs the handler; the previous disposition comes back with the destructor (SIG_IGN
  // where it was the default, so that a late signal cannot kill the process).
  SnapshotSignal();
  ~SnapshotSignal();
  SnapshotSignal(const SnapshotSignal&) = delete;
  SnapshotSignal& operator=(const SnapshotSignal&) = delete;

  // Whether SIGUSR2 arrived since the last call (and clears it).
  static bool take_request();

 private:
  struct sigaction previous_{};
};

}  // namespace aiprof::server
