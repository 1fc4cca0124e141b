#include "aiprof/instrumentation/operation_collector.hpp"

namespace aiprof::instrumentation {

static_assert(static_cast<int>(OperationType::Arithmetic) ==
                  static_cast<int>(TrackedOperation::Arithmetic) &&
              static_cast<int>(OperationType::Object) == static_cast<int>(TrackedOperation::Object),
              "finish() maps an OperationType to the TrackedOperation of the same value");

std::string_view operation_type_name(OperationType type) {
  switch (type) {
    case OperationType::Arithmetic:
      return "arithmetic";
    case OperationType::Comparison:
      return "comparison";
    case OperationType::Logical:
      return "logical";
    case OperationType::String:
      return "string";
    case OperationType::Array:
      return "array";
    case OperationType::Object:
      return "object";
    case OperationType::Count:
      break;
  }
  return "?";
}

std::string_view dictionary_op_name(uint16_t op) {
  constexpr std::string_view kNames[kDictionaryOpCount] = {"get", "set", "use", "load", "save"};
  return op < kDictionaryOpCount ? kNames[op] : "other";
}

namespace {

// Name -> count for the non-zero counters (two ids may share a name: their counts add).
template <class Namer>
std::map<std::string, uint64_t> by_name(const std::vector<uint64_t>& counts, Namer name_of) {
  std::map<std::string, uint64_t> out;
  for (uint32_t id = 0; id < counts.size(); ++id)
    if (counts[id]) out[name_of(id)] += counts[id];
  return out;
}

uint64_t sum(const std::vector<uint64_t>& counts) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  return total;
}

}  // namespace

void OperationCollector::grow(std::vector<uint64_t>& counts, uint32_t id) {
  counts.resize(size_t{id} * 2 + 16);
}

namespace {

// The counts each event made, plus what the count sites' executions stand for.
struct Totals {
  std::array<uint64_t, kOperationTypeCount> by_type;
  std::vector<uint64_t> variables;
};

Totals with_sites(const std::array<uint64_t, kOperationTypeCount>& by_type,
                  const std::vector<uint64_t>& variables,
                  const std::vector<uint64_t>& site_executions, const IdNames* names) {
  Totals out{by_type, variables};
  const std::vector<CountSite>* sites = names ? names->count_sites() : nullptr;
  for (uint32_t id = 0; id < site_executions.size(); ++id) {
    uint64_t runs = site_executions[id];
    if (runs == 0 || !sites || id >= sites->size()) continue;
    const CountSite& site = (*sites)[id];
    for (size_t t = 0; t < kOperationTypeCount; ++t) out.by_type[t] += runs * site.operations[t];
    for (uint32_t variable : site.variables) {
      if (variable >= out.variables.size()) out.variables.resize(size_t{variable} + 1);
      out.variables[variable] += runs;
    }
  }
  return out;
}

}  // namespace

OperationStats OperationCollector::finish(const IdNames* names) const {
  const Totals totals = with_sites(by_type_, variables_, site_executions_, names);
  OperationStats out;
  out.enabled = options_.enabled;
  out.tracked = options_.tracked_operations;
  auto tracked = [&](TrackedOperation op) { return options_.enabled && out.tracked.has(op); };
  // OperationType's first six values are TrackedOperation's first six, in the same order.
  for (size_t t = 0; t < kOperationTypeCount; ++t)
    if (tracked(static_cast<TrackedOperation>(t))) out.by_type[t] = totals.by_type[t];
  // Element reads and writes count as array operations too. One hook can serve two categories
  // (a property access on an object is an object operation too), so each figure is kept only
  // when its own category was asked for: tracking one never reports another.
  if (tracked(TrackedOperation::Array)) {
    out.by_type[static_cast<size_t>(OperationType::Array)] += array_accesses_;
    out.array_accesses = array_accesses_;
  }
  auto function_name = [&](uint32_t id) {
    return names ? names->function_name(id) : "#" + std::to_string(id);
  };
  auto variable_name = [&](uint32_t id) {
    return names ? names->variable_name(id) : "#" + std::to_string(id);
  };
  if (tracked(TrackedOperation::FunctionCall)) {
    out.function_calls = sum(calls_);
    out.calls_by_function = by_name(calls_, function_name);
  }
  if (tracked(TrackedOperation::VariableAccess)) {
    out.variable_accesses = sum(totals.variables);
    out.accesses_by_variable = by_name(totals.variables, variable_name);
  }
  if (tracked(TrackedOperation::PropertyAccess))
    for (size_t t = 0; t < properties_.size(); ++t) {
      if (!properties_[t]) continue;
      out.property_accesses += properties_[t];
      out.property_accesses_by_type[std::string(object_type_name(static_cast<ObjectType>(t)))] =
          properties_[t];
    }
  // Property accesses on objects are object operations.
  if (tracked(TrackedOperation::Object))
    out.by_type[static_cast<size_t>(OperationType::Object)] +=
        properties_[static_cast<size_t>(ObjectType::Object)];
  if (tracked(TrackedOperation::StringDictionary))
    for (uint16_t op = 0; op <= kDictionaryOpCount; ++op) {
      if (!dictionary_[op]) continue;
      out.string_dictionary += dictionary_[op];
      out.dictionary_by_operation[std::string(dictionary_op_name(op))] = dictionary_[op];
    }
  return out;
}

}  // namespace aiprof::instrumentation
