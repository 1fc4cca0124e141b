// The tests `anarchy report diff` decides with (diff.hpp says when each is used): Welch's t-test
// across runs and the exact test of two Poisson sample counts (Holm's correction over the rows
// of a diff is statistics.hpp's, shared with the merger). Pure functions; not async-signal-safe
// only because nothing here needs to be.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/report/statistics.hpp"  // holm_adjusted, shared with the merger

namespace aiprof::report {

// The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double regularized_beta(double x, double a, double b);

// P(|T| >= |t|) for Student's t with `df` degrees of freedom (df > 0, need not be whole).
double student_t_two_sided_p(double t, double df);

// The two-sided p-value of k successes in n Bernoulli trials of probability q: twice the
// smaller tail, at most 1. n == 0 gives 1.
double binomial_two_sided_p(uint64_t k, uint64_t n, double q);

// Two Poisson counts, a in a window where one count stands for `period_a` and b for
// `period_b` (seconds per sample): the p-value of "both windows saw the same time". Given
// a + b, a is binomial with q = period_b / (period_a + period_b) under that hypothesis, so the
// test is exact at small counts.
double poisson_counts_p(uint64_t a, double period_a, uint64_t b, double period_b);

struct WelchTest {
  double t = 0;   // (mean_b - mean_a) / standard error; +-inf when the error is 0
  double df = 0;  // Welch-Satterthwaite degrees of freedom
  double p = 1;   // two-sided
};

// Welch's t-test of the means of `a` and `b` (each of 2 or more values). A sample's variance is
// raised to `min_variance_a` / `_b` when it is below it (sampled run times cannot vary less
// than their Poisson noise, however alike a few runs happen to be). Equal means give p = 1;
// different means with no variance at all give p = 0.
WelchTest welch_t_test(const std::vector<double>& a, const std::vector<double>& b,
                       double min_variance_a = 0, double min_variance_b = 0);

double mean_of(const std::vector<double>& values);
// The sample standard deviation (n - 1); 0 for fewer than two values.
double standard_deviation_of(const std::vector<double>& values);

}  // namespace aiprof::report
