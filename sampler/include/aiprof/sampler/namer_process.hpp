// Naming native PCs in a helper process.
//
// Boost.Stacktrace's first look-up reads the debug information of every loaded module (150-300
// ms with Debian's libc6-dbg), making thousands of mmap/munmap calls. Done by the sampler's
// reader thread, while the program runs, that made the program itself up to 50% slower on the
// virtual machine this was built on: address-space changes in one thread interrupt every other
// thread of the process (TLB shootdowns), and each interruption is expensive there. The same
// work in another process cost the program nothing measurable.
//
// So a program that can re-execute itself as a namer (the `anarchy` command can) registers how
// (enable_namer_process), and Symbolizers then send PCs, as module path + offset, to one helper
// process started on first use. It loads the same binary and libraries (at other addresses) and
// answers with names, files and lines. Anything it cannot answer (a module it does not have, a
// helper that died or stopped answering within 5 s) is named in-process instead.
//
// Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aiprof/sampler/symbolizer.hpp"

namespace aiprof::sampler {

// How to start the helper: `executable` run with `arguments`, which must lead it into
// run_namer_server(). A helper that gives no answer within answer_timeout_ms (the first answer
// waits for the debug information) is killed, and from then on PCs are named in-process.
// Call early (before any Symbolizer names a PC); a later call replaces the helper, and a
// failed one is tried again.
void enable_namer_process(std::string executable, std::vector<std::string> arguments,
                          int answer_timeout_ms = 5000);

// The helper's side: answers requests from `in` on `out` until `in` closes. Returns the exit
// status for the helper's main().
int run_namer_server(int in_fd, int out_fd);

// The client's side, used by Symbolizer: the symbol for `address` (already adjusted for a
// return address), or nothing when the helper is not enabled, not running, or cannot say.
std::optional<NativeSymbol> name_in_helper(uintptr_t address);

// Whether the helper answered at least one look-up (for reports).
bool namer_process_used();

}  // namespace aiprof::sampler
