// The one entry that builds a Profile from what a run measured: exact spans, samples, the
// heap's own figures and polled memory, in any combination. It converts each, merges the
// samples into the exact tree, and reconciles the two when both are there (hybrid).
//
// The inputs are plain results: a finished ProfilingSession, a SampledSession
// (Sampler::take_results), MemoryStats (anarchy::heap_memory_stats for the interpreter's heap),
// polled points. A snapshot of a running program can provide the same ones. Not
// async-signal-safe; reads its inputs only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "aiprof/instrumentation/memory_collector.hpp"
#include "aiprof/instrumentation/memory_poller.hpp"
#include "aiprof/instrumentation/session.hpp"
#include "aiprof/report/from_exact.hpp"
#include "aiprof/report/from_heap_samples.hpp"
#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/profile.hpp"
#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::report {

// What only the caller knows of a run without exact spans (an exact session knows its own).
struct SampledRun {
  std::string session_name;
  std::chrono::system_clock::time_point start, end;
  uint64_t duration_ns = 0;
  bool include_system_info = false;
  // The heap's own figures (sampling mode's memory metrics); null: memory not measured.
  const instrumentation::MemoryStats* heap = nullptr;
  // Why memory was not measured, when `heap` is null (the profile's note says it).
  std::string no_memory_reason = "memory_profiling.enabled = false";
};

struct ProfileSources {
  const instrumentation::ProfilingSession* exact = nullptr;  // exact spans (exact, hybrid)
  const sampler::SampledSession* samples = nullptr;          // the sampler's (sampling, hybrid)
  SampleNaming naming;            // how sampled guest ids and native PCs are named
  SampledRun sampled_run;         // used when `exact` is null
  // Heap and RSS points polled beside the run (MemoryPoller::points); null: none.
  const std::vector<instrumentation::MemoryPoint>* polled = nullptr;
  // Hybrid mode asked for: the profile says so even when the sampler was off (enabled = false).
  bool hybrid = false;
  // Sampled allocations (Heap::start_allocation_sampling's table); null: none. Named with
  // `naming`; in a run without exact spans they give the nodes' allocation figures too.
  const instrumentation::HeapSampleSnapshot* heap_samples = nullptr;
};

// The Profile of a run: `run` names the program, its exit status and labels.
Profile build_profile(const RunInfo& run, const ProfileSources& sources);

// Heap bytes on the poller's clock join the series the profile already has (the collector's
// points at the start, at each collection and at the end), in time order; RSS is the process's.
void add_polled_memory(MemoryMetrics& memory, const std::vector<instrumentation::MemoryPoint>& points);

}  // namespace aiprof::report
