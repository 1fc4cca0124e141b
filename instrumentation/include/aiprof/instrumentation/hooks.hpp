// Hook sites: where the interpreter tells an attached profiler what it is doing.
//
// Each integration point of profiling-design.md is one AIPROF_HOOK(bit, call) in the
// interpreter. With no observer attached the cost is one load and one predictable branch; with
// the build option AIPROF_HOOKS=OFF the macro expands to nothing at all.
//
// Not async-signal-safe: hooks run on the interpreter thread, in ordinary context.
#pragma once

#include <cstddef>
#include <cstdint>

#ifndef AIPROF_ENABLE_HOOKS
#define AIPROF_ENABLE_HOOKS 1
#endif

#if defined(__GNUC__)
#define AIPROF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define AIPROF_UNLIKELY(x) (x)
#endif

namespace aiprof::instrumentation {

// One bit per integration point, so an observer pays only for what it asked for.
enum HookBit : uint32_t {
  kHookNode = 1u << 0,        // execute_node: every AST node evaluated
  kHookBlock = 1u << 1,       // execute_nodes: a block of statements
  kHookOperation = 1u << 2,   // binary / unary operations
  kHookAllocate = 1u << 3,    // heap allocate / free
  kHookCollect = 1u << 4,     // cycle collection runs
  kHookRefcount = 1u << 5,    // increment / decrement of reference counts
  kHookValueCreate = 1u << 6, // value creation by type
  kHookProperty = 1u << 7,    // property access
  kHookArray = 1u << 8,       // array operations
  kHookModule = 1u << 9,      // module loading (variable initialisation)
  kHookImport = 1u << 10,     // import resolution (read + parse of a file)
  kHookCall = 1u << 11,       // guest function enter / exit
  kHookVariable = 1u << 12,   // variable accesses
  kHookDictionary = 1u << 13, // string-dictionary operations
  kHookBuiltin = 1u << 14,    // built-in function / method enter / exit
  // Not an observer's: the interpreter's own bit (never in g_hook_mask) for "push a frame per
  // built-in call", tested with kHookBuiltin in one branch.
  kHookBuiltinFrame = 1u << 31,
};

// Kinds of heap objects and operations, shared by the interpreter and the collectors.
enum class ObjectType : uint8_t { String, Array, Object, Function, Native, Module, Env, Count };
enum class OperationType : uint8_t { Arithmetic, Comparison, Logical, String, Array, Object, Count };

struct SourcePos {
  uint32_t line;
  uint32_t column;
};

// What a profiler implements to hear from the interpreter. Every method has an empty default,
// so an observer overrides only the hooks whose bits it sets.
class InterpreterObserver {
 public:
  virtual ~InterpreterObserver() = default;
  // Every expression evaluated, bracketed (exit also runs when the expression throws).
  virtual void on_node_enter(uint16_t /*node_kind*/, SourcePos) {}
  virtual void on_node_exit(uint16_t /*node_kind*/) {}
  virtual void on_block_enter(SourcePos) {}
  virtual void on_block_exit() {}
  virtual void on_operation(OperationType, uint16_t /*operator*/) {}
  virtual void on_allocate(ObjectType, size_t /*bytes*/) {}
  virtual void on_free(ObjectType, size_t /*bytes*/, uint32_t /*refcount_at_peak*/) {}
  virtual void on_collect_begin() {}
  virtual void on_collect_end(size_t /*objects_freed*/, size_t /*bytes_freed*/) {}
  virtual void on_refcount(int /*delta*/, uint32_t /*new_count*/) {}
  virtual void on_value_create(ObjectType) {}
  virtual void on_property(ObjectType /*receiver*/, const char* /*key*/, size_t /*len*/) {}
  virtual void on_array_op(uint16_t /*op*/) {}
  virtual void on_module_enter(uint32_t /*frame_id*/) {}
  virtual void on_module_exit(uint32_t /*frame_id*/) {}
  virtual void on_import_begin(const char* /*path*/) {}
  virtual void on_import_end(const char* /*path*/) {}
  virtual void on_call_enter(uint32_t /*function_id*/) {}
  virtual void on_call_exit(uint32_t /*function_id*/) {}
  // A built-in called by guest code; frame_id names it in the FunctionRegistry (kind Builtin).
  virtual void on_builtin_enter(uint32_t /*frame_id*/) {}
  virtual void on_builtin_exit(uint32_t /*frame_id*/) {}
  virtual void on_variable(uint32_t /*variable_id*/) {}
  virtual void on_dictionary(uint16_t /*op*/) {}
};

// The attached observer and the bits it listens to. One process-wide observer: the
// interpreter thread reads these on every hook site, so they are plain globals (attach and
// detach happen before and after a run, never during it).
extern InterpreterObserver* g_observer;
extern uint32_t g_hook_mask;

// Also turns the inline sink off (inline_sink.hpp): an observer that wants it sets it after.
void attach_observer(InterpreterObserver* observer, uint32_t mask);

// Whether the attached observer listens to any of bits: the one mask test of every hook site
// (AIPROF_HOOK, and the sites that call out of line themselves), one load and one predictable
// branch; a constant false, folded away, when hook sites are compiled out. Sites on hot paths
// keep the observer call itself in a cold out-of-line function, so the test is all the hot
// code holds.
[[gnu::always_inline]] inline bool hook_listens(uint32_t bits) {
#if AIPROF_ENABLE_HOOKS
  return AIPROF_UNLIKELY(g_hook_mask & bits);
#else
  static_cast<void>(bits);
  return false;
#endif
}

}  // namespace aiprof::instrumentation

#if AIPROF_ENABLE_HOOKS
#define AIPROF_HOOK(bit, call)                                              \
  do {                                                                      \
    if (::aiprof::instrumentation::hook_listens(::aiprof::instrumentation::bit)) \
      ::aiprof::instrumentation::g_observer->call;                          \
  } while (0)
#else
// Compiled out: the call is still type-checked, so its arguments count as used (no unused-
// parameter warnings at the sites), but it is never evaluated and no code is emitted.
#define AIPROF_HOOK(bit, call)                             \
  do {                                                     \
    if (false) ::aiprof::instrumentation::g_observer->call; \
  } while (0)
#endif
