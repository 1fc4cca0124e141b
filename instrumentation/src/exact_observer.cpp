#include "aiprof/instrumentation/exact_observer.hpp"

#include "aiprof/instrumentation/inline_sink.hpp"

namespace aiprof::instrumentation {

namespace {

constexpr TrackedOperation kTrackedFor[] = {
    TrackedOperation::Arithmetic, TrackedOperation::Comparison, TrackedOperation::Logical,
    TrackedOperation::String,     TrackedOperation::Array,      TrackedOperation::Object};
static_assert(std::size(kTrackedFor) == static_cast<size_t>(OperationType::Count));

uint32_t time_bits(const ProfilerConfig& config) {
  if (!config.time_profiling.enabled) return 0;
  uint32_t bits = kHookModule | kHookImport | kHookCollect;
  if (config.granularity != Granularity::Module) bits |= kHookCall | kHookBuiltin;
  if (config.granularity == Granularity::Expression) bits |= kHookNode | kHookBlock;
  return bits;
}

uint32_t memory_bits(const MemoryProfiling& memory) {
  if (!memory.enabled) return 0;
  uint32_t bits = kHookCollect | kHookValueCreate;
  if (memory.track_allocations || memory.track_deallocations || memory.track_peak_memory)
    bits |= kHookAllocate;
  return bits;
}

uint32_t operation_bits(const OperationProfiling& operations) {
  if (!operations.enabled) return 0;
  const OperationSet& ops = operations.tracked_operations;
  uint32_t bits = 0;
  for (TrackedOperation op : kTrackedFor)
    if (ops.has(op)) bits |= kHookOperation;
  if (ops.has(TrackedOperation::Array)) bits |= kHookArray;
  if (ops.has(TrackedOperation::Object) || ops.has(TrackedOperation::PropertyAccess))
    bits |= kHookProperty;
  if (ops.has(TrackedOperation::FunctionCall)) bits |= kHookCall;
  if (ops.has(TrackedOperation::VariableAccess)) bits |= kHookVariable;
  if (ops.has(TrackedOperation::StringDictionary)) bits |= kHookDictionary;
  return bits;
}

}  // namespace

uint32_t hook_mask_for(const ProfilerConfig& config) {
  if (!config.enabled) return 0;
  return time_bits(config) | memory_bits(config.memory_profiling) |
         operation_bits(config.operation_profiling);
}

ExactObserver::ExactObserver(Profiler& profiler, InterpreterNames names)
    : profiler_(profiler), names_(names) {}

ExactObserver::~ExactObserver() {
  detach();
  profiler_.set_describer(nullptr);
}

void ExactObserver::attach() {
  const ProfilerConfig& config = profiler_.config();
  if (!profiler_.enabled() || !profiler_.session_active()) return;
  tree_ = &profiler_.tree();
  memory_ = &profiler_.memory();
  operations_ = &profiler_.operations();
  const OperationProfiling& ops = config.operation_profiling;
  function_spans_ = config.time_profiling.enabled && config.granularity != Granularity::Module;
  gc_spans_ = config.time_profiling.enabled;
  gc_counts_ = config.memory_profiling.enabled;
  count_calls_ = ops.enabled && ops.tracked_operations.has(TrackedOperation::FunctionCall);
  for (size_t t = 0; t < tracked_.size(); ++t)
    tracked_[t] = ops.enabled && ops.tracked_operations.has(kTrackedFor[t]);
  gc_key_ = profiler_.named_key(SpanType::GC, "<gc>");
  callback_cost_.begin(&tree_->clock());
  profiler_.set_describer(this);
  uint32_t mask = hook_mask_for(config);
  attach_observer(this, mask);
  publish_inline_sink(mask);
  attached_ = true;
}

// What the inline sink's members stand for is what the methods above would do: count every
// counting event, count calls when FunctionCall is tracked, keep function spans when asked.
// Operations of an untracked type are counted too and left out by OperationCollector::finish.
// Not at expression granularity: every expression then comes through the virtual node hooks
// anyway (the quick paths are off), so inline counters would save little, and the callbacks'
// own probes keep timing the counters for the overhead figure (TimelineExactMode's heavily
// instrumented run).
void ExactObserver::publish_inline_sink(uint32_t mask) const {
  if (mask & kHookNode) return;
  InlineSink sink;
  sink.active = true;
  sink.counts = operations_;
  if (names_.count_sites && (mask & (kHookOperation | kHookVariable))) sink.sites = operations_;
  if (count_calls_) sink.calls = operations_;
  if (function_spans_) sink.spans = tree_;
  g_inline = sink;
}

void ExactObserver::detach() {
  if (attached_ && g_observer == this) attach_observer(nullptr, 0);
  if (attached_ && profiler_.session_active())
    profiler_.add_event_source_cost_ns(
        callback_cost_.total_ticks() * tree_->clock().ns_per_tick(), callback_cost_.callbacks());
  attached_ = false;
}

// A collection is a span when time is profiled (so its time shows under whatever triggered
// it) and a GC run for the memory figures when memory is.
void ExactObserver::on_collect_begin() {
  if (gc_counts_) memory_->on_collect_begin(tree_->clock().now());
  if (gc_spans_) tree_->enter(gc_key_);
}

void ExactObserver::on_collect_end(size_t objects_freed, size_t bytes_freed) {
  if (gc_spans_) tree_->exit();
  if (gc_counts_) memory_->on_collect_end(tree_->clock().now(), objects_freed, bytes_freed);
}

void ExactObserver::on_import_begin(const char* path) {
  tree_->enter(profiler_.named_key(SpanType::Import, std::string("import ") + path,
                                   SourceLocation{path, 0, 0}));
}

SourceLocation ExactObserver::location_of(uint32_t function_id) const {
  if (!names_.functions || function_id >= names_.functions->size()) return {};
  const FunctionInfo& info = names_.functions->at(function_id);
  return SourceLocation{info.file, info.line, info.column};
}

SpanDescription ExactObserver::describe(SpanKey key) const {
  SpanType type = span_type_of(key);
  if (type == SpanType::Function || type == SpanType::Module || type == SpanType::Builtin) {
    auto id = static_cast<uint32_t>(span_payload(key));
    return SpanDescription{function_name(id), type, location_of(id)};
  }
  if (type == SpanType::Expression || type == SpanType::Block) {
    uint32_t line = expression_line(key), column = expression_column(key);
    std::string kind = type == SpanType::Block ? "Block"
                       : names_.node_kind_name
                           ? std::string(names_.node_kind_name(expression_kind(key)))
                           : "node" + std::to_string(expression_kind(key));
    return SpanDescription{kind + " @" + std::to_string(line) + ":" + std::to_string(column), type,
                           SourceLocation{"", line, column}};
  }
  return SpanDescription{"?", type, {}};
}

std::string ExactObserver::function_name(uint32_t id) const {
  if (!names_.functions || id >= names_.functions->size()) return "#" + std::to_string(id);
  return names_.functions->at(id).name;
}

std::string ExactObserver::variable_name(uint32_t id) const {
  if (!names_.variables || id >= names_.variables->size()) return "#" + std::to_string(id);
  return (*names_.variables)[id];
}

}  // namespace aiprof::instrumentation
