// The sampled half of the merger: a SampledSession (aggregated stacks of frame ids and native
// PCs, per-thread figures, the heap series) added to a Profile. Guest frame ids are named
// through the FunctionRegistry; native PCs are symbolised here, after the run.
//
// Native frames go beneath the guest frame that was executing: of a sample's native stack,
// the frames from the innermost one out to the first `is_boundary` frame (the interpreter's
// own evaluation function, inclusive) are kept, so a stack reads guest -> native. A sample
// with no guest frames (a native-only thread) keeps all its native frames.
// Not async-signal-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/report/profile.hpp"
#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::report {

struct SampleNaming {
  const instrumentation::FunctionRegistry* functions = nullptr;  // null: ids print as "#id"
  // The interpreter's boundary (anarchy::is_evaluator_frame for the anarchy interpreter);
  // null: keep everything.
  std::function<bool(const std::string& native_symbol)> is_boundary;
  bool with_locations = true;  // frames carry file and line
};

// The frame of guest function id as the samples name it ("#id" when the registry does not
// know it), so CPU samples, sampled allocations and exact spans of one function share a frame.
Frame guest_frame_named(uint32_t id, const SampleNaming& naming);

// Adds the samples, per-node counts, SamplingInfo, threads and heap series to `profile`
// (which may already hold exact data: guest frames are matched by name, file and line).
void add_samples(Profile& profile, const sampler::SampledSession& session,
                 const SampleNaming& naming);

}  // namespace aiprof::report
