// The statistics sampled figures need: how sure a share estimated from samples is.
// Pure functions; not async-signal-safe only because nothing here needs to be.
#pragma once

#include <cstdint>

namespace aiprof::report {

struct Interval {
  double low = 0;   // shares in [0, 1]
  double high = 0;
};

// The Wilson score interval for a share of k successes in n trials at confidence z (1.96: 95%).
// Better than the normal approximation at small counts and near 0 or 1. n == 0 gives [0, 1].
Interval wilson_interval(uint64_t k, uint64_t n, double z = 1.96);

// The interval of a share of weighted sample counts (weight_k of weight_n) when only `draws`
// independent samples were taken: the confidence is that of the draws, not of the weights.
Interval weighted_share_interval(uint64_t weight_k, uint64_t weight_n, uint64_t draws,
                                 double z = 1.96);

}  // namespace aiprof::report
