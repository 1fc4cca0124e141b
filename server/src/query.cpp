#include "aiprof/server/query.hpp"

#include <charconv>
#include <string_view>

#include <fmt/format.h>

namespace aiprof::server {

namespace {

// The last value given for `name`, or nullptr.
const std::string* value_of(const QueryParams& params, const std::string& name) {
  auto [first, last] = params.equal_range(name);
  if (first == last) return nullptr;
  return &std::prev(last)->second;
}

// A whole non-negative integer within [low, high], or a reason.
std::optional<std::string> read_integer(const std::string& name, const std::string& text,
                                        uint64_t low, uint64_t high, uint64_t* out) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    return fmt::format("{}: '{}' is not a whole number", name, text);
  if (value < low || value > high)
    return fmt::format("{}: {} is out of range ({} to {})", name, value, low, high);
  *out = value;
  return std::nullopt;
}

}  // namespace

Parsed<ProfileQuery> parse_profile_query(const QueryParams& params) {
  ProfileQuery q;
  uint64_t n = 0;
  if (const std::string* v = value_of(params, "seconds")) {
    if (auto bad = read_integer("seconds", *v, 1, kMaxSeconds, &n)) return *bad;
    q.seconds = static_cast<uint32_t>(n);
  }
  if (const std::string* v = value_of(params, "rate")) {
    if (auto bad = read_integer("rate", *v, 1, 10000, &n)) return *bad;
    q.rate_hz = static_cast<double>(n);
  }
  if (const std::string* v = value_of(params, "clock")) {
    auto clock = sampler::parse_sample_clock(*v);
    if (!clock) return fmt::format("clock: '{}' is not cpu or wall", *v);
    q.clock = *clock;
  }
  if (const std::string* v = value_of(params, "native")) {
    if (auto bad = read_integer("native", *v, 0, 1, &n)) return *bad;
    q.native = n == 1;
  }
  return q;
}

Parsed<GoroutineQuery> parse_goroutine_query(const QueryParams& params) {
  GoroutineQuery q;
  uint64_t n = 0;
  if (const std::string* v = value_of(params, "debug")) {
    if (auto bad = read_integer("debug", *v, 0, 2, &n)) return *bad;
    q.debug = static_cast<int>(n);
  }
  return q;
}

}  // namespace aiprof::server
