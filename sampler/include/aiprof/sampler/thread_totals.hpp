// What one thread's sampling came to: the figures a report keeps per thread. The sampler's
// ThreadFigures and the report's ThreadSampling both extend it, so they are defined once.
// Plain data.
#pragma once

#include <cstdint>

namespace aiprof::sampler {

struct ThreadTotals {
  uint64_t samples = 0;    // samples recorded
  uint64_t dropped = 0;    // ring full, or no consistent copy of the stack
  uint64_t truncated = 0;  // deeper than max_stack guest frames
  uint64_t cpu_ns = 0;     // the thread's CPU time while sampled
  uint64_t wall_ns = 0;    // wall time while sampled
};

}  // namespace aiprof::sampler
