#include "aiprof/report/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aiprof::report {

Interval wilson_interval(uint64_t k, uint64_t n, double z) {
  if (n == 0) return {0, 1};
  double nn = static_cast<double>(n);
  double p = static_cast<double>(std::min(k, n)) / nn;
  double z2 = z * z;
  double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval weighted_share_interval(uint64_t weight_k, uint64_t weight_n, uint64_t draws, double z) {
  if (weight_n == 0) return {0, 1};
  uint64_t n = draws && draws < weight_n ? draws : weight_n;
  double share = static_cast<double>(std::min(weight_k, weight_n)) / static_cast<double>(weight_n);
  return wilson_interval(static_cast<uint64_t>(share * static_cast<double>(n) + 0.5), n, z);
}

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double share_gap_p_value(double observed, uint64_t draws, double reference, double margin) {
  if (draws == 0) return 1;
  // The edge of the band nearer the observation; inside the band nothing is rejected.
  double edge;
  if (observed > reference + margin)
    edge = std::min(1.0, reference + margin);
  else if (observed < reference - margin)
    edge = std::max(0.0, reference - margin);
  else
    return 1;
  double variance = edge * (1 - edge) / static_cast<double>(draws);
  // At an edge of 0 or 1 the binomial cannot move: any observation past it is impossible there.
  if (variance <= 0) return 0;
  double z = std::fabs(observed - edge) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_upper_tail(z));
}

std::vector<double> holm_adjusted(const std::vector<double>& p_values) {
  size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running = 0;  // adjusted p-values never decrease along the sorted order
  for (size_t rank = 0; rank < m; ++rank) {
    double scaled = std::min(1.0, static_cast<double>(m - rank) * p_values[order[rank]]);
    running = std::max(running, scaled);
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

}  // namespace aiprof::report
