#include "aiprof/instrumentation/span.hpp"

#include <cstdio>

namespace aiprof::instrumentation {

void accumulate_metric(MetricValue& into, const MetricValue& more) {
  if (auto* a = std::get_if<int64_t>(&into)) {
    if (auto* b = std::get_if<int64_t>(&more)) {
      *a += *b;
      return;
    }
    if (auto* b = std::get_if<double>(&more)) {
      into = static_cast<double>(*a) + *b;
      return;
    }
  } else if (auto* a = std::get_if<double>(&into)) {
    if (auto* b = std::get_if<double>(&more)) {
      *a += *b;
      return;
    }
    if (auto* b = std::get_if<int64_t>(&more)) {
      *a += static_cast<double>(*b);
      return;
    }
  }
  into = more;
}

std::string metric_to_string(const MetricValue& value) {
  if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&value)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", *d);
    return text;
  }
  return std::get<std::string>(value);
}

}  // namespace aiprof::instrumentation
