// The statistics of diff_statistics.hpp. The incomplete beta function is the usual continued
// fraction (modified Lentz), which converges fast on the side of the mean it is used on.
#include "aiprof/report/diff_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace aiprof::report {

namespace {

// The continued fraction of I_x(a, b) (without its prefactor), for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    double m2 = 2.0 * m;
    // The even step, then the odd one.
    double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    c = 1 + even / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    c = 1 + odd / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double regularized_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(x, a, b) / a;
  return 1 - front * beta_continued_fraction(1 - x, b, a) / b;
}

double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || df <= 0) return 1;
  if (std::isinf(t)) return 0;
  return std::clamp(regularized_beta(df / (df + t * t), df / 2, 0.5), 0.0, 1.0);
}

double binomial_two_sided_p(uint64_t k, uint64_t n, double q) {
  if (n == 0 || k > n) return 1;
  auto kd = static_cast<double>(k), nd = static_cast<double>(n);
  // P(X >= k) = I_q(k, n - k + 1); P(X <= k) = I_{1-q}(n - k, k + 1).
  double upper = k == 0 ? 1 : regularized_beta(q, kd, nd - kd + 1);
  double lower = k == n ? 1 : regularized_beta(1 - q, nd - kd, kd + 1);
  return std::min(1.0, 2 * std::min(upper, lower));
}

double poisson_counts_p(uint64_t a, double period_a, uint64_t b, double period_b) {
  if (period_a <= 0 || period_b <= 0) return 1;
  return binomial_two_sided_p(a, a + b, period_b / (period_a + period_b));
}

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double standard_deviation_of(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  double m = mean_of(values), sum = 0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

WelchTest welch_t_test(const std::vector<double>& a, const std::vector<double>& b,
                       double min_variance_a, double min_variance_b) {
  WelchTest out;
  if (a.size() < 2 || b.size() < 2) return out;
  auto na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  double sa = std::pow(standard_deviation_of(a), 2), sb = std::pow(standard_deviation_of(b), 2);
  double ea = std::max(sa, min_variance_a) / na, eb = std::max(sb, min_variance_b) / nb;
  double delta = mean_of(b) - mean_of(a);
  if (ea + eb <= 0) {
    out.t = delta == 0 ? 0 : std::copysign(std::numeric_limits<double>::infinity(), delta);
    out.df = na + nb - 2;
    out.p = delta == 0 ? 1 : 0;
    return out;
  }
  out.t = delta / std::sqrt(ea + eb);
  out.df = (ea + eb) * (ea + eb) / (ea * ea / (na - 1) + eb * eb / (nb - 1));
  out.p = student_t_two_sided_p(out.t, out.df);
  return out;
}

}  // namespace aiprof::report
