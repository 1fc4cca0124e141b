// The parts of merge_profiles (merge.cpp: tree, session and notes; merge_figures.cpp: memory,
// operations, sampling and profiler cost). Private to the report library.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report::merge_detail {

// Adds `from` into `into`: numbers add (integers stay integers unless they would overflow),
// a string keeps the value already there.
void add_metrics(std::map<std::string, MetricValue>& into,
                 const std::map<std::string, MetricValue>& from);

void add_counts(std::map<std::string, uint64_t>& into, const std::map<std::string, uint64_t>& from);

// Memory of `in` added to `out`, its time series shifted by `offset_ns`.
void add_memory(MemoryMetrics& out, const MemoryMetrics& in, uint64_t offset_ns, bool first);
void add_operations(OperationMetrics& out, const OperationMetrics& in, bool first);
// Sampling of all inputs combined; `thread_offsets[i]` is where input i's threads start.
std::optional<SamplingInfo> merge_sampling(const std::vector<Profile>& inputs,
                                           const std::vector<uint32_t>& thread_offsets);
// Profiler cost of all inputs combined (notes excepted: merge.cpp writes those).
ProfilerCost merge_cost(const std::vector<Profile>& inputs);

}  // namespace aiprof::report::merge_detail
