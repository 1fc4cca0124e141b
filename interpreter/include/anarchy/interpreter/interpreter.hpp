// The interpreter: loads a program (the whole import graph), resolves it, runs main.
//
// Errors of the guest program are values (run_result.hpp): execute_file / execute_source
// return them with their report in the format of LANGUAGE.md section 6; run_file / run_source
// print that report on the error stream and return the exit status (65 syntax, 70 runtime).
// None of them throws for a guest error.
// Nothing here is async-signal-safe; frames() is what the sampler reads from a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "aiprof/instrumentation/count_site.hpp"
#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/instrumentation/function_registry.hpp"
#include "anarchy/interpreter/heap.hpp"
#include "anarchy/interpreter/objects.hpp"
#include "anarchy/interpreter/run_result.hpp"
#include "anarchy/interpreter/string_dict.hpp"

namespace anarchy {

struct RunOptions {
  uint32_t max_depth = 10000;     // guest call depth limit (RangeError beyond it)
  uint64_t seed = 0x5eed;         // Math.random seed: runs repeat unless changed
  uint64_t step_budget = 0;       // 0 = unlimited; else loop iterations + calls before a stop
  // When set and it becomes true (a SIGINT handler may set it), the run stops at the next loop
  // iteration or call with exit status 130; guest code cannot catch it.
  const std::atomic<bool>* interrupt = nullptr;
  std::vector<std::string> args;  // passed to main(args)
  bool allow_file_io = true;      // false: the file built-ins throw IOError (fuzzing, sandboxes)
  FILE* out = stdout;             // where print writes
  FILE* err = stderr;             // where errors are reported
  FILE* in = stdin;               // what input() reads
  // Built-in calls push frames of their own onto frames() ("String.split"), for a sampler that
  // reads it; off, they cost one predictable branch. (An exact profiler listening to built-ins
  // turns them on too; the collector's "<gc>" frame is always pushed.)
  bool builtin_frames = false;
};

class Program;  // parsed + resolved import graph (private)

class Interpreter {
 public:
  explicit Interpreter(RunOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Runs the program in `path`: main's status, or the guest error that stopped it.
  RunResult execute_file(const std::string& path);
  // Runs source text as if read from `path` (imports resolve relative to path's folder).
  RunResult execute_source(std::string_view source, const std::string& path);
  // As execute_file / execute_source, then prints the error's report on options().err and
  // returns the process exit status (exit_status()).
  int run_file(const std::string& path);
  int run_source(std::string_view source, const std::string& path);

  // ---- for built-ins ----
  // Calls a guest or native function value; guest errors propagate as ScriptError.
  Value call(const Value& fn, Args args);
  // As call(), but passes no more arguments than a guest function declares (callbacks).
  Value call_callback(const Value& fn, Args args);
  double random() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  StringDictionary& dictionary() { return dict_; }
  void write_output(std::string_view text);
  FILE* input() const { return options_.in; }
  void flush_output();
  Heap& heap() { return heap_; }

  // ---- for the profiler ----
  aiprof::instrumentation::FrameStack& frames() { return frames_; }
  const aiprof::instrumentation::FunctionRegistry& functions() const { return functions_; }
  const RunOptions& options() const { return options_; }
  // Qualified variable names ("m.main.x"), indexed by the id on_variable() reports.
  const std::vector<std::string>& variable_names() const;
  // What one execution of each count site counts (InterpreterNames::count_sites), indexed by
  // the id on_count_site() reports. Grows as the run finds its quick trees.
  const std::vector<aiprof::instrumentation::CountSite>& count_sites() const;

  struct Impl;  // the evaluator's state (interpreter/src)

 private:
  RunResult run_program(const std::string& path, const std::string* source);
  int report_and_status(const RunResult& result);
  RunOptions options_;
  Heap heap_;
  aiprof::instrumentation::FrameStack frames_;
  aiprof::instrumentation::FunctionRegistry functions_;
  StringDictionary dict_;
  std::mt19937_64 rng_;
  std::unique_ptr<Impl> impl_;
  friend struct Impl;
};

// The name of the AST node kind the on_node_enter hook reports ("Binary", "Call"), for the
// profiler's expression spans.
std::string_view node_kind_name(uint16_t kind);

// Runs fn on a thread with a native stack large enough for `max_depth` guest frames, so the
// depth limit, not the native stack, is what stops deep recursion. Returns fn's result.
int run_with_large_stack(uint32_t max_depth, int (*fn)(void*), void* arg);

}  // namespace anarchy
