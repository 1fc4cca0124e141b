// Native PCs to function names and source lines, after the run (never in the handler):
// Boost.Stacktrace with its libbacktrace back end reads the binary's own debug information,
// in a helper process where the program enabled one (namer_process.hpp), else in this one.
// Not async-signal-safe. One Symbolizer is not thread-safe (its cache); Symbolizers on
// different threads are (their look-ups take one process-wide lock).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace aiprof::sampler {

struct NativeSymbol {
  std::string name;  // demangled function name, or "0x…" (in module) when unknown
  std::string file;  // source file, "" when the binary has no line information
  uint32_t line = 0;
};

class Symbolizer {
 public:
  // `return_address`: the PC is where a call returns to (every frame but the innermost), so
  // the call instruction itself (pc - 1) is looked up, which gives the calling line.
  const NativeSymbol& resolve(uintptr_t pc, bool return_address);

 private:
  std::unordered_map<uintptr_t, NativeSymbol> cache_;
};

// One look-up in this process, uncached (the helper process answers with it too).
NativeSymbol look_up_in_this_process(uintptr_t address);

}  // namespace aiprof::sampler
