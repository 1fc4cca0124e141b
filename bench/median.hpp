// The median of a bench's timings (the upper middle one for an even count), shared by the
// plain bench programs that alternate rounds and report medians. Not async-signal-safe.
#pragma once

#include <algorithm>
#include <vector>

namespace bench {

inline double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace bench
