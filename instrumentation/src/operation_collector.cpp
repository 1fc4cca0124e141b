#include "aiprof/instrumentation/operation_collector.hpp"

namespace aiprof::instrumentation {

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

OperationStats OperationCollector::finish(const IdNames* names) const {
  OperationStats out;
  out.enabled = options_.enabled;
  out.tracked = options_.tracked_operations;
  out.by_type = by_type_;
  // Element reads and writes count as array operations too.
  out.by_type[static_cast<size_t>(OperationType::Array)] += array_accesses_;
  out.array_accesses = array_accesses_;
  out.function_calls = sum(calls_);
  out.variable_accesses = sum(variables_);
  auto function_name = [&](uint32_t id) {
    return names ? names->function_name(id) : "#" + std::to_string(id);
  };
  auto variable_name = [&](uint32_t id) {
    return names ? names->variable_name(id) : "#" + std::to_string(id);
  };
  out.calls_by_function = by_name(calls_, function_name);
  out.accesses_by_variable = by_name(variables_, variable_name);
  for (size_t t = 0; t < properties_.size(); ++t) {
    if (!properties_[t]) continue;
    out.property_accesses += properties_[t];
    out.property_accesses_by_type[std::string(object_type_name(static_cast<ObjectType>(t)))] =
        properties_[t];
  }
  // Property accesses on objects are object operations.
  out.by_type[static_cast<size_t>(OperationType::Object)] +=
      properties_[static_cast<size_t>(ObjectType::Object)];
  for (uint16_t op = 0; op <= kDictionaryOpCount; ++op) {
    if (!dictionary_[op]) continue;
    out.string_dictionary += dictionary_[op];
    out.dictionary_by_operation[std::string(dictionary_op_name(op))] = dictionary_[op];
  }
  return out;
}

}  // namespace aiprof::instrumentation
