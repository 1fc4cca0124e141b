// Sampled allocations (instrumentation::HeapSampleTable) added to a Profile: each bucket's
// call path becomes (or joins) a node of the call tree, which gets the bucket's unbiased
// estimates (scale_heap_sample) of what it allocated and of what is still allocated, and
// MemoryMetrics::heap_sampling says how they were taken. Not async-signal-safe.
#pragma once

#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// `with_allocations`: the nodes' alloc_count / alloc_bytes come from the samples too (sampling
// mode, where nothing else counts allocations by path); otherwise only in-use figures are added
// (exact and hybrid modes count every allocation by path themselves).
void add_heap_samples(Profile& profile, const instrumentation::HeapSampleSnapshot& samples,
                      const SampleNaming& naming, bool with_allocations);

}  // namespace aiprof::report
