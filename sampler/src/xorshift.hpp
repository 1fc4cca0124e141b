// xorshift64*: enough randomness to break lock-step with periodic work (the jittered
// intervals of the handler and of the sampling thread). Async-signal-safe.
#pragma once

#include <cstdint>

namespace aiprof::sampler::detail {

// The next number of the sequence; `state` must not be 0.
inline uint64_t xorshift64star(uint64_t& state) {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

// A jittered interval: uniform in [period / 2, period * 3 / 2), so the mean rate is kept.
inline uint64_t jittered_interval(uint64_t& state, uint64_t period) {
  return period / 2 + xorshift64star(state) % (period ? period : 1);
}

}  // namespace aiprof::sampler::detail
