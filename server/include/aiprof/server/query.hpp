// The query parameters of the pprof endpoints, checked. A bad value is a one-line reason (the
// handler answers 400 with it). Plain parsing; not async-signal-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "aiprof/sampler/sampler_config.hpp"

namespace aiprof::server {

constexpr uint32_t kDefaultSeconds = 30;  // Go's default window
constexpr uint32_t kMaxSeconds = 600;     // a window longer than this is refused (400)
constexpr double kServedRateHz = 100;     // a window's rate unless it asks another (Go's)

// GET /debug/pprof/profile?seconds=N&rate=HZ&clock=cpu|wall&native=0|1
struct ProfileQuery {
  uint32_t seconds = kDefaultSeconds;
  double rate_hz = kServedRateHz;
  sampler::SampleClock clock = sampler::SampleClock::Cpu;
  bool native = false;
};

// GET /debug/pprof/goroutine?debug=0|1|2
struct GoroutineQuery {
  int debug = 0;
};

// The query as the HTTP library parsed it (name -> value; a repeated name keeps its last value).
using QueryParams = std::multimap<std::string, std::string>;

// Either the parsed query or the reason it is bad.
template <typename T>
using Parsed = std::variant<T, std::string>;

Parsed<ProfileQuery> parse_profile_query(const QueryParams& params);
Parsed<GoroutineQuery> parse_goroutine_query(const QueryParams& params);

}  // namespace aiprof::server
