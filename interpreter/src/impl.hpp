// The evaluator's state behind Interpreter (private to the interpreter library).
//
// A tree-walking evaluator: names were resolved to (hops, slot) before the run, statements
// report return/break/continue as a Flow code (no C++ exceptions for control flow), guest
// errors travel as ScriptError exceptions. Nothing here is async-signal-safe.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/inline_sink.hpp"
#include "anarchy/interpreter/errors.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "ast.hpp"

namespace anarchy {

enum class Flow : uint8_t { Normal, Return, Break, Continue };

// Thrown when RunOptions::step_budget runs out (fuzzing). Guest code cannot catch it.
struct BudgetExhausted {};
// Thrown when RunOptions::interrupt was set. Guest code cannot catch it.
struct Interrupted {};

struct Interpreter::Impl {
  explicit Impl(Interpreter& owner);
  ~Impl();

  // ---- program loading (program.cpp) ----
  RunResult run(const std::string& path, const std::string* source);

  // ---- evaluation (evaluator.hpp, instantiated by eval.cpp and eval_hooked.cpp) ----
  // The evaluator is instantiated twice (issue 13, 5.1). Hooked = true tests the hook mask at
  // every hook site, as an attached profiler needs; Hooked = false has no hook code at all, so
  // a run without an observer (`anarchy run`) pays nothing for the hook sites compiled in. The
  // entry points eval(n) and call_value(...) choose once per entry from the hook mask, which
  // does not change during a run (hooks.hpp: attach and detach happen outside runs).
  static bool hooked() { return aiprof::instrumentation::hook_listens(~0u); }
  // Whether the instantiation H has an observer listening to any of bits (a constant false
  // in the instantiation without hooks).
  template <bool H>
  [[gnu::always_inline]] static bool listens(uint32_t bits) {
    if constexpr (H) return aiprof::instrumentation::hook_listens(bits);
    return false;
  }

  Value eval(const Node* n);  // entry point (module variables): picks the instantiation
  // Evaluates an expression (the hook site "execute_node"). Inlined into every caller, so an
  // evaluation costs one call of eval_node, which hands the node to its kind's function.
  template <bool H>
  [[gnu::always_inline]] Value eval(const Node* n) {
    if constexpr (H) {
      if (AIPROF_UNLIKELY(nodes_observed<H>())) return eval_observed(n);
    }
    return eval_node<H>(n);
  }
  template <bool H>
  [[gnu::always_inline]] static bool nodes_observed() {
    return listens<H>(aiprof::instrumentation::kHookNode);
  }
  template <bool H>
  Value eval_node(const Node* n);
  Value eval_observed(const Node* n);  // (eval_hooked.cpp)
  template <bool H>
  void exec_expression(const Node* n);  // evaluates for effect only
  template <bool H>
  bool condition(const Node* n);

  // An operand read without copying when it is a literal or a local variable of this
  // environment; otherwise evaluated into tmp.
  template <bool H>
  [[gnu::always_inline]] const Value& operand(const Node* n, Value& tmp) {
    if (nodes_observed<H>()) {
      tmp = eval<H>(n);
      return tmp;
    }
    if (n->kind == NodeKind::Number) {
      tmp = Value::number(static_cast<const NumberExpr*>(n)->value);
      return tmp;
    }
    if (n->kind == NodeKind::Name) {
      auto* name = static_cast<const NameExpr*>(n);
      if (name->binding.kind == Binding::Local && name->binding.hops == 0) {
        const Value& v = env->slots()[name->binding.slot];
        if (!v.is_unset()) {
          if constexpr (H) AIPROF_COUNT_HOOK(kHookVariable, on_variable(name->variable_id));
          return v;
        }
      }
    }
    tmp = eval<H>(n);
    return tmp;
  }
  // Whether a hook listens that the quick paths (quick_number and the operators built on it)
  // would skip: nodes, or variable reads and operations unless they are counted by count site
  // (InlineSink::sites; the quick paths then call count_quick).
  template <bool H>
  [[gnu::always_inline]] static bool quick_hooks_listen() {
    using namespace aiprof::instrumentation;
    // One test when none of the three listens (time only); the sink is read only when one does.
    return listens<H>(kHookNode | kHookVariable | kHookOperation) &&
           (listens<H>(kHookNode) || !g_inline.sites);
  }
  // A quick tree rooted at b ran to its end: its operations and variable reads, counted as
  // one execution of its count site when they are counted that way.
  template <bool H>
  [[gnu::always_inline]] static void count_quick(const BinaryExpr* b) {
    if constexpr (H) {
      if (aiprof::instrumentation::OperationCollector* sites = aiprof::instrumentation::g_inline.sites)
        sites->on_count_site(b->count_site);
    }
  }
  // Whether a variable read may skip read_name (which reports it): the hook does not listen, or
  // the read is counted inline (count_variable).
  template <bool H>
  [[gnu::always_inline]] static bool variable_reads_inline() {
    return !listens<H>(aiprof::instrumentation::kHookVariable) ||
           aiprof::instrumentation::g_inline.active;
  }
  template <bool H>
  [[gnu::always_inline]] static void count_variable(const NameExpr* name) {
    if constexpr (H) {
      if (listens<H>(aiprof::instrumentation::kHookVariable))
        aiprof::instrumentation::g_inline.counts->on_variable(name->variable_id);
    }
  }
  // The number n stands for, read in place, when n is a numeric literal or a local of this
  // environment holding a number (callers check quick_hooks_listen() first).
  [[gnu::always_inline]] bool quick_number(const Node* n, double& out) const {
    if (n->kind == NodeKind::Number) {
      out = static_cast<const NumberExpr*>(n)->value;
      return true;
    }
    if (n->kind == NodeKind::Name) {
      auto* name = static_cast<const NameExpr*>(n);
      if (name->binding.kind == Binding::Local && name->binding.hops == 0) {
        const Value& v = env->slots()[name->binding.slot];
        if (v.is_number()) {
          out = v.as_number();
          return true;
        }
      }
    }
    return false;
  }
  // Evaluating n cannot run code that assigns (a literal or a variable read).
  static bool side_effect_free(const Node* n) {
    return n->kind == NodeKind::Number || n->kind == NodeKind::Name || n->kind == NodeKind::String;
  }
  template <bool H>
  Flow exec(const Node* n);
  template <bool H>
  Flow exec_statements(const std::vector<Node*>& body);
  template <bool H>
  Flow exec_block(const BlockStmt* b);
  // Entry point (main, built-ins calling back): picks the instantiation.
  Value call_value(const Value& callee, const Value* args, size_t argc, const Node* site);
  template <bool H>
  Value call_value(const Value& callee, const Value* args, size_t argc, const Node* site);
  template <bool H>
  Value call_function(FuncObj* f, const Value* args, size_t argc, const Node* site);
  // As call_function, leaving args moved-from (saves a reference count round trip per value).
  template <bool H>
  Value call_function_moving(FuncObj* f, Value* args, size_t argc, const Node* site);
  void check_call(const FunctionNode* fn, size_t argc, const Node* site);
  template <bool H, class Fill>
  Value invoke(FuncObj* f, size_t argc, const Node* site, Fill&& fill);
  template <bool H>
  Value call_native(NativeObj* n, const Value* args, size_t argc, const Node* site);

  [[noreturn]] void raise(ErrorKind kind, const std::string& message, const Node* at);
  [[noreturn]] void raise_at(ErrorKind kind, const std::string& message, uint32_t line,
                             uint32_t column);
  std::vector<TraceEntry> traceback(uint32_t line, uint32_t column) const;
  // At every loop iteration and call: one predictable branch. `attention` is the caller's
  // interrupt flag when only that was given (so nothing is spent until it is set), else our
  // own flag, true when there is a step budget to count.
  void check_budget() {
    if (attention->load(std::memory_order_relaxed)) spend_budget();
  }
  void spend_budget() {
    if (interrupt && interrupt->load(std::memory_order_relaxed)) throw Interrupted{};
    if (step_limited && --budget == 0) throw BudgetExhausted{};
  }
  // Where the innermost frame stands (for errors raised without a node).
  void set_position(const Node* n) {
    if (n && frames.depth() > 0) frames.top().set_position(n->line, n->column);
  }
  // Where the innermost guest call's frame stands, for the samples' hot lines: one relaxed
  // store per statement (frame_stack.hpp) into the frame ActiveCall pushed.
  [[gnu::always_inline]] void note_position(const Node* statement) {
    aiprof::instrumentation::Frame::store_position(current_position, statement->line,
                                                   statement->column);
  }

  // The frame id of the built-in named `name` ("String.split", "print"): registered (kind
  // Builtin) on first use, so ids cost nothing for built-ins a program never calls.
  uint32_t builtin_frame(const std::string& name);
  // The frame id a native function value's calls push (cached in the object).
  uint32_t native_frame(NativeObj* n);

  Interpreter& in;
  Heap& heap;
  aiprof::instrumentation::FrameStack& frames;
  std::vector<std::unique_ptr<FileNode>> files;  // the import graph, main file first
  std::vector<Value> globals;
  std::unordered_map<std::string, uint32_t> global_index;
  std::unordered_map<std::string, uint32_t> builtin_frames;  // name -> frame id
  std::vector<std::string> variable_names;
  // What one execution of each quick tree counts (BinaryExpr::count_site; InlineSink::sites).
  std::vector<aiprof::instrumentation::CountSite> count_sites;
  Env* env = nullptr;  // the innermost environment of the running code
  // The position of the innermost guest call's frame (ActiveCall sets and restores it);
  // before any call, a word no reader sees.
  uint64_t no_call_position = 0;
  uint64_t* current_position = &no_call_position;
  Value ret;           // the value of a Flow::Return in flight
  std::atomic<bool> budget_limited{false};  // there is a step budget
  const std::atomic<bool>* attention = &budget_limited;
  bool step_limited = false;
  // Hook bits that make a built-in call push its frame (kHookBuiltinFrame when
  // RunOptions::builtin_frames), or'ed with g_hook_mask at each built-in call.
  uint32_t builtin_frame_bits = 0;
  uint64_t budget = 0;
  const std::atomic<bool>* interrupt = nullptr;
  const char* stack_limit = nullptr;  // below this the native stack is nearly exhausted
  const char* stack_low = nullptr;    // the lowest address of this thread's stack

  // After a guest exception was caught: under AddressSanitizer, clears the poisoning the
  // unwound frames left below the current one. (ASan does this itself only for unwinds of
  // less than 64 MiB; the call-depth limit unwinds more.) No-op in other builds.
  void forget_unwound_stack() const;

  // Environments of calls to functions without closures cannot outlive the call, so they
  // are carved from this stack instead of the heap (no allocation, no reference counting).
  std::unique_ptr<unsigned char[]> value_stack;
  size_t value_stack_size = 0, value_stack_top = 0;
};

// The name print shows for a guest function value ("" for an anonymous one).
std::string_view function_name(const FuncObj* f);

}  // namespace anarchy
