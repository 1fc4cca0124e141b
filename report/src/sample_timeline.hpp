// Sampling mode's timeline: the sampler's slices (consecutive samples of one thread with the
// same stack, SampleSlice) laid out as nested spans per thread, the way py-spy's chrometrace
// draws samples. A slice lasts from its first sample to the next slice of its thread (the
// last one: one sampling period past its last sample), so times are as fine as the period.
// Not async-signal-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/report/profile.hpp"
#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::report {

// Fills profile.timeline from session.slices when the profile has no exact spans (a sampled
// run: hybrid mode keeps its exact timeline). `stack_nodes` maps each StackTrie node that ends
// a stack to the profile node it became; profile.threads must already list the threads.
void add_sample_timeline(Profile& profile, const sampler::SampledSession& session,
                         const std::vector<uint32_t>& stack_nodes);

// Whether a profile's timeline came from samples (sampling mode) rather than exact spans.
bool timeline_is_sampled(const Profile& profile);

}  // namespace aiprof::report
