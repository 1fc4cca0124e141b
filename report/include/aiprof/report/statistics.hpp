// The statistics sampled figures need: how sure a share estimated from samples is, whether it
// differs from a share measured exactly, and the correction for judging many shares at once.
// Pure functions; not async-signal-safe only because nothing here needs to be.
#pragma once

#include <cstdint>
#include <vector>

namespace aiprof::report {

struct Interval {
  double low = 0;  // shares in [0, 1]
  double high = 0;
};

// The Wilson score interval for a share of k successes in n trials at confidence z (1.96: 95%).
// Better than the normal approximation at small counts and near 0 or 1. n == 0 gives [0, 1].
Interval wilson_interval(uint64_t k, uint64_t n, double z = 1.96);

// The interval of a share of weighted sample counts (weight_k of weight_n) when only `draws`
// independent samples were taken: the confidence is that of the draws, not of the weights.
Interval weighted_share_interval(uint64_t weight_k, uint64_t weight_n, uint64_t draws,
                                 double z = 1.96);

// P(Z > z) for a standard normal Z.
double normal_upper_tail(double z);

// The p-value of "the true share lies within `margin` of `reference`" for a share `observed`
// estimated from `draws` independent samples: the score test (the one the Wilson interval
// inverts) against the nearer edge of [reference - margin, reference + margin], two-sided
// (twice the one-sided tail, capped at 1). An observed share inside the band gives 1.
// margin 0 tests "the true share is `reference`". draws == 0 gives 1.
double share_gap_p_value(double observed, uint64_t draws, double reference, double margin);

// Holm's step-down adjustment (Holm 1979): adjusted p-values, in the input order, such that
// rejecting every hypothesis whose adjusted p is <= alpha keeps the family-wise error rate
// (the chance of any false rejection) at alpha, under any dependence between the tests.
std::vector<double> holm_adjusted(const std::vector<double>& p_values);

}  // namespace aiprof::report
