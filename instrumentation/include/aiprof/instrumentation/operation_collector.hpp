// The operation metric collector: counts of arithmetic, comparison, logical, string, array and
// object operations, function calls by function, variable accesses by variable, property
// accesses by receiver type, and string-dictionary operations by kind.
//
// Hot counters are arrays indexed by the ids the interpreter reports (function id, variable
// id); names are attached once, when the session ends. The interpreter calls these methods
// directly (InlineSink), so each is an increment the compiler inlines into the hook site; the
// overloads with the observer's arguments let one macro call either. Owner thread only;
// nothing here is async-signal-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "aiprof/instrumentation/config.hpp"
#include "aiprof/instrumentation/count_site.hpp"
#include "aiprof/instrumentation/hooks.hpp"
#include "aiprof/instrumentation/memory_collector.hpp"

namespace aiprof::instrumentation {

constexpr size_t kOperationTypeCount = static_cast<size_t>(OperationType::Count);
constexpr size_t kDictionaryOpCount = 5;  // get set use load save (builtins_dict.cpp's codes)

std::string_view operation_type_name(OperationType type);  // "arithmetic", ...
std::string_view dictionary_op_name(uint16_t op);          // "get", "set", ... or "other"

// Resolves the ids the counters are indexed by (the interpreter's registries).
class IdNames {
 public:
  virtual ~IdNames() = default;
  virtual std::string function_name(uint32_t id) const = 0;
  virtual std::string variable_name(uint32_t id) const = 0;
  // What each count site's execution stands for (indexed by the site ids on_count_site()
  // reports), or null when the interpreter reported none.
  virtual const std::vector<CountSite>* count_sites() const { return nullptr; }
};

// The collector's result, part of a finished ProfilingSession.
struct OperationStats {
  bool enabled = true;
  OperationSet tracked = OperationSet::all();
  std::array<uint64_t, kOperationTypeCount> by_type{};  // indexed by OperationType
  uint64_t array_accesses = 0;                          // element reads and writes (on_array_op)
  uint64_t function_calls = 0;
  uint64_t variable_accesses = 0;
  uint64_t property_accesses = 0;
  uint64_t string_dictionary = 0;
  std::map<std::string, uint64_t> calls_by_function;
  std::map<std::string, uint64_t> accesses_by_variable;
  std::map<std::string, uint64_t> property_accesses_by_type;
  std::map<std::string, uint64_t> dictionary_by_operation;

  uint64_t count(OperationType type) const { return by_type[static_cast<size_t>(type)]; }
};

class OperationCollector {
 public:
  explicit OperationCollector(OperationProfiling options) : options_(options) {}

  void on_operation(OperationType type) { ++by_type_[static_cast<size_t>(type)]; }
  void on_array_op() { ++array_accesses_; }
  [[gnu::always_inline]] void on_call(uint32_t function_id) { bump(calls_, function_id); }
  [[gnu::always_inline]] void on_variable(uint32_t variable_id) { bump(variables_, variable_id); }
  void on_property(ObjectType receiver) { ++properties_[static_cast<size_t>(receiver)]; }
  void on_dictionary(uint16_t op) {
    ++dictionary_[op < kDictionaryOpCount ? op : kDictionaryOpCount];
  }
  // One execution of count site `site` (CountSite): its operations and variable reads.
  [[gnu::always_inline]] void on_count_site(uint32_t site) { bump(site_executions_, site); }
  // The observer's signatures (AIPROF_COUNT_HOOK calls these or the observer's).
  void on_operation(OperationType type, uint16_t /*op*/) { on_operation(type); }
  void on_array_op(uint16_t /*op*/) { on_array_op(); }
  void on_property(ObjectType receiver, const char* /*key*/, size_t /*len*/) {
    on_property(receiver);
  }

  // The counts so far (count sites multiplied out through names->count_sites()).
  OperationStats finish(const IdNames* names) const;

 private:
  // Ids are dense and small; the vector grows (rarely) to the largest id seen.
  [[gnu::always_inline]] static void bump(std::vector<uint64_t>& counts, uint32_t id) {
    if (id >= counts.size()) [[unlikely]]
      grow(counts, id);
    ++counts[id];
  }
  [[gnu::noinline]] static void grow(std::vector<uint64_t>& counts, uint32_t id);

  OperationProfiling options_;
  std::array<uint64_t, kOperationTypeCount> by_type_{};
  uint64_t array_accesses_ = 0;
  std::vector<uint64_t> calls_;
  std::vector<uint64_t> variables_;
  std::vector<uint64_t> site_executions_;  // by count-site id
  PerObjectType properties_{};
  std::array<uint64_t, kDictionaryOpCount + 1> dictionary_{};
};

}  // namespace aiprof::instrumentation
