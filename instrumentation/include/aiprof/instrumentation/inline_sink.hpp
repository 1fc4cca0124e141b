// InlineSink: what the attached observer lets the interpreter do without a virtual call.
//
// Behind the InterpreterObserver interface every event costs a call through a vtable, and a
// listening operation or variable hook turns the interpreter's quick paths off (they skip the
// events). The exact observer instead publishes its counters and its call tree here: the hook
// sites then count with one increment (OperationCollector's methods are inline), open and close
// function and built-in spans with CallTree's inline enter and exit, and keep their quick paths,
// which count one execution of a CountSite instead of each operation and variable read.
//
// When `active` is false every site calls the observer as before. When it is true the sites
// named below use the members; a null member means the observer would have done nothing there.
// Set by the observer right after attach_observer() (which clears it), cleared when it detaches.
// Owner thread only; nothing here is async-signal-safe.
#pragma once

#include "aiprof/instrumentation/call_tree.hpp"
#include "aiprof/instrumentation/hooks.hpp"
#include "aiprof/instrumentation/operation_collector.hpp"

namespace aiprof::instrumentation {

struct InlineSink {
  bool active = false;
  // Variable, operation, property, array and dictionary events (never null while active).
  OperationCollector* counts = nullptr;
  // Count-site executions: set when the quick paths may stay on (the interpreter's CountSites are
  // known to the collector's finish and an operation or variable hook listens).
  OperationCollector* sites = nullptr;
  OperationCollector* calls = nullptr;  // guest function calls, when they are counted
  CallTree* spans = nullptr;            // guest function and built-in spans, when they are kept
};

extern InlineSink g_inline;

// The call hooks (kHookCall, kHookBuiltin) when the sink is active.
[[gnu::always_inline]] inline void inline_call_enter(uint32_t function_id) {
  if (g_inline.calls) g_inline.calls->on_call(function_id);
  if (g_inline.spans) g_inline.spans->enter(span_key(SpanType::Function, function_id));
}
[[gnu::always_inline]] inline void inline_span_exit() {
  if (g_inline.spans) g_inline.spans->exit();
}
[[gnu::always_inline]] inline void inline_builtin_enter(uint32_t frame_id) {
  if (g_inline.spans) g_inline.spans->enter(span_key(SpanType::Builtin, frame_id));
}

}  // namespace aiprof::instrumentation

// A counting hook site (variable, operation, property, array, dictionary): an increment when
// the sink is active, else the observer's virtual method of the same name and arguments.
#if AIPROF_ENABLE_HOOKS
#define AIPROF_COUNT_HOOK(bit, call)                                             \
  do {                                                                           \
    if (::aiprof::instrumentation::hook_listens(::aiprof::instrumentation::bit)) { \
      if (::aiprof::instrumentation::g_inline.active)                            \
        ::aiprof::instrumentation::g_inline.counts->call;                        \
      else                                                                       \
        ::aiprof::instrumentation::g_observer->call;                             \
    }                                                                            \
  } while (0)
#else
#define AIPROF_COUNT_HOOK(bit, call) AIPROF_HOOK(bit, call)
#endif
