#include "aiprof/report/statistics.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace aiprof::report
