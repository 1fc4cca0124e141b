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

#include "anarchy/interpreter/errors.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "ast.hpp"

namespace anarchy {

enum class Flow : uint8_t { Normal, Return, Break, Continue };

// Thrown when RunOptions::step_budget runs out (fuzzing). Guest code cannot catch it.
struct BudgetExhausted {};

struct Interpreter::Impl {
  explicit Impl(Interpreter& owner);
  ~Impl();

  // ---- program loading (program.cpp) ----
  int run(const std::string& path, const std::string* source);

  // ---- evaluation (eval.cpp) ----
  Value eval(const Node* n);
  Flow exec(const Node* n);
  Flow exec_statements(const std::vector<Node*>& body);
  Flow exec_block(const BlockStmt* b);
  Value call_value(const Value& callee, const Value* args, size_t argc, const Node* site);
  Value call_function(FuncObj* f, const Value* args, size_t argc, const Node* site);
  Value call_native(NativeObj* n, const Value* args, size_t argc, const Node* site);

  [[noreturn]] void raise(ErrorKind kind, const std::string& message, const Node* at);
  [[noreturn]] void raise_at(ErrorKind kind, const std::string& message, uint32_t line,
                             uint32_t column);
  std::vector<TraceEntry> traceback(uint32_t line, uint32_t column) const;
  void check_budget() {
    if (budget_limited && --budget == 0) throw BudgetExhausted{};
  }
  // Where the innermost frame stands (for errors raised without a node).
  void set_position(const Node* n) {
    if (n && frames.depth() > 0) {
      auto& f = frames.top();
      f.line = n->line;
      f.column = n->column;
    }
  }

  Interpreter& in;
  Heap& heap;
  aiprof::instrumentation::FrameStack& frames;
  std::vector<std::unique_ptr<FileNode>> files;  // the import graph, main file first
  std::vector<Value> globals;
  std::unordered_map<std::string, uint32_t> global_index;
  std::vector<std::string> variable_names;
  Env* env = nullptr;  // the innermost environment of the running code
  Value ret;           // the value of a Flow::Return in flight
  bool budget_limited = false;
  uint64_t budget = 0;
  const char* stack_limit = nullptr;  // below this the native stack is nearly exhausted
};

// The name print shows for a guest function value ("" for an anonymous one).
std::string_view function_name(const FuncObj* f);

}  // namespace anarchy
