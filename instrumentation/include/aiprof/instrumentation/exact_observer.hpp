// ExactObserver: turns the interpreter's hook calls into exact spans and collector counts.
//
// At every granularity, module initialisation, import resolution and cycle collections are
// spans; `function` adds a span per guest call, `expression` a span per expression and block
// (aggregated per site of each function, not per path: CallTree::enter_site).
// Allocations are charged to the innermost open span. The hook mask it asks for follows the
// configuration, so a metric that is switched off costs nothing. The non-span callbacks time
// themselves now and then (CallbackCost); detach() hands the estimate to the profiler's
// overhead figure.
//
// Attached alone (and at function or module granularity), it also publishes its counters and
// call tree in the InlineSink, so the interpreter's call, built-in and counting hook sites reach
// them with no virtual call (those events then never come through the methods below, and
// CallbackCost does not see them: they are an increment each) and its quick paths stay on,
// counting CountSites. Its count sites must then be in InterpreterNames (without them,
// counting events come one by one as before).
//
// Runs on the interpreter thread; nothing here is async-signal-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aiprof/instrumentation/callback_cost.hpp"
#include "aiprof/instrumentation/count_site.hpp"
#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/instrumentation/hooks.hpp"
#include "aiprof/instrumentation/profiler.hpp"

namespace aiprof::instrumentation {

// What the interpreter can tell about the ids its hooks report. The registries must outlive
// the session's end (names are looked up when it ends).
struct InterpreterNames {
  const FunctionRegistry* functions = nullptr;
  const std::vector<std::string>* variables = nullptr;
  std::string_view (*node_kind_name)(uint16_t kind) = nullptr;  // "Binary", "Call", ...
  const std::vector<CountSite>* count_sites = nullptr;  // by the ids on_count_site() reports
};

// The hook bits a configuration needs.
uint32_t hook_mask_for(const ProfilerConfig& config);

class ExactObserver final : public InterpreterObserver, public SpanDescriber {
 public:
  ExactObserver(Profiler& profiler, InterpreterNames names);
  ~ExactObserver() override;
  ExactObserver(const ExactObserver&) = delete;
  ExactObserver& operator=(const ExactObserver&) = delete;

  // Starts listening (the profiler's session must be running and profiling enabled; if it is
  // disabled nothing is attached). detach() stops; the session can then be ended.
  void attach();
  void detach();

  void on_call_enter(uint32_t function_id) override {
    if (count_calls_) operations_->on_call(function_id);
    if (function_spans_) tree_->enter(span_key(SpanType::Function, function_id));
  }
  void on_call_exit(uint32_t) override {
    if (function_spans_) tree_->exit();
  }
  // Built-ins are spans as guest functions are (cProfile lists them too), so exact and sampled
  // self times split alike in hybrid mode. They are not counted as function calls.
  void on_builtin_enter(uint32_t frame_id) override {
    if (function_spans_) tree_->enter(span_key(SpanType::Builtin, frame_id));
  }
  void on_builtin_exit(uint32_t) override {
    if (function_spans_) tree_->exit();
  }
  void on_node_enter(uint16_t kind, SourcePos pos) override {
    tree_->enter_site(expression_key(SpanType::Expression, kind, pos.line, pos.column));
  }
  void on_node_exit(uint16_t) override { tree_->exit(); }
  void on_block_enter(SourcePos pos) override {
    tree_->enter_site(expression_key(SpanType::Block, 0, pos.line, pos.column));
  }
  void on_block_exit() override { tree_->exit(); }
  void on_operation(OperationType type, uint16_t) override {
    CallbackCost::Scope probe(callback_cost_);
    if (tracked_[static_cast<size_t>(type)]) operations_->on_operation(type);
  }
  void on_allocate(ObjectType type, size_t bytes) override {
    CallbackCost::Scope probe(callback_cost_);
    memory_->on_allocate(type, bytes);
    tree_->attribute_allocation(bytes);
  }
  void on_free(ObjectType, size_t bytes, uint32_t) override {
    CallbackCost::Scope probe(callback_cost_);
    memory_->on_free(bytes);
  }
  void on_value_create(ObjectType type) override {
    CallbackCost::Scope probe(callback_cost_);
    memory_->on_object_created(type);
  }
  void on_collect_begin() override;
  void on_collect_end(size_t objects_freed, size_t bytes_freed) override;
  void on_property(ObjectType receiver, const char*, size_t) override {
    CallbackCost::Scope probe(callback_cost_);
    operations_->on_property(receiver);
  }
  void on_array_op(uint16_t) override {
    CallbackCost::Scope probe(callback_cost_);
    operations_->on_array_op();
  }
  void on_module_enter(uint32_t frame_id) override {
    tree_->enter(span_key(SpanType::Module, frame_id));
  }
  void on_module_exit(uint32_t) override { tree_->exit(); }
  void on_import_begin(const char* path) override;
  void on_import_end(const char*) override { tree_->exit(); }
  void on_variable(uint32_t variable_id) override {
    CallbackCost::Scope probe(callback_cost_);
    operations_->on_variable(variable_id);
  }
  void on_dictionary(uint16_t op) override {
    CallbackCost::Scope probe(callback_cost_);
    operations_->on_dictionary(op);
  }

  // SpanDescriber
  SpanDescription describe(SpanKey key) const override;
  std::string function_name(uint32_t id) const override;
  std::string variable_name(uint32_t id) const override;
  const std::vector<CountSite>* count_sites() const override { return names_.count_sites; }

 private:
  SourceLocation location_of(uint32_t function_id) const;
  void publish_inline_sink(uint32_t mask) const;

  Profiler& profiler_;
  InterpreterNames names_;
  CallTree* tree_ = nullptr;
  MemoryCollector* memory_ = nullptr;
  OperationCollector* operations_ = nullptr;
  bool function_spans_ = false;
  bool count_calls_ = false;
  bool gc_spans_ = false;
  bool gc_counts_ = false;
  bool attached_ = false;
  std::array<bool, static_cast<size_t>(OperationType::Count)> tracked_{};
  SpanKey gc_key_ = 0;
  CallbackCost callback_cost_;
};

}  // namespace aiprof::instrumentation
