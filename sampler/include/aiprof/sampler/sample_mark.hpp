// A position in what a running sampler has gathered, so that several windows can share one
// sampler run (the live endpoint's overlapping requests, issue 15): each window takes a mark
// when it opens, and at its end Sampler::since(mark) hands it only what arrived after the mark,
// without stopping the sampler or taking anything from the other windows.
//
//   sampler.start();
//   SampleMark a = sampler.mark();         // window A opens
//   SampleMark b = sampler.mark();         // window B opens, A still open
//   SampledSession of_a = sampler.since(a);  // A ends; B goes on
//   SampledSession of_b = sampler.since(b);
//   sampler.stop(); sampler.take_results();  // the last window ends: start afresh
//
// A mark costs a count per distinct stack gathered so far (memory is O(distinct stacks), not
// O(samples)). It belongs to the results it was taken from: take_results() starts them afresh,
// and a mark taken before it is stale (since() throws std::logic_error).
// Plain data; not async-signal-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::sampler {

struct SampleMark {
  uint64_t epoch = 0;                  // which take_results() generation it belongs to
  uint64_t t_ns = 0;                   // the session clock (sample times) at the mark
  uint64_t wall_ns = 0;                // the sampler's running time at the mark
  uint64_t drain_ns = 0, naming_ns = 0;
  std::vector<uint64_t> node_samples;  // StackTrie node -> its self_samples at the mark
  std::vector<ThreadFigures> threads;  // every thread's figures at the mark
  size_t notes = 0;                    // notes gathered before the mark
};

}  // namespace aiprof::sampler
