// diff_profiles: per-function self times of two profiles and the significance rule of diff.hpp.
#include "aiprof/report/diff.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "call_paths.hpp"
#include "diff_parts.hpp"

namespace aiprof::report {

namespace diff_detail {

bool has_exact_times(const Profile& p) {
  return p.time_measured &&
         std::any_of(p.nodes.begin(), p.nodes.end(), [](const CallNode& n) { return n.has_exact; });
}

bool has_samples(const Profile& p) { return p.sampling && p.sampling->samples > 0; }

DiffMethod choose_method(const Profile& base, const Profile& next) {
  if (has_exact_times(base) && has_exact_times(next)) return DiffMethod::Exact;
  if (has_samples(base) && has_samples(next)) return DiffMethod::Samples;
  return DiffMethod::Mixed;
}

DiffSide side_of(const Profile& p, DiffMethod method) {
  DiffSide side;
  side.exact = method == DiffMethod::Exact || (method == DiffMethod::Mixed && !has_samples(p));
  if (auto period = sample_period_ns(p))  // counts are in periods of the rate asked for
    side.seconds_per_sample = *period / 1e9;
  else if (p.sampling && p.sampling->samples > 0)
    side.seconds_per_sample =
        static_cast<double>(p.duration_ns) / 1e9 / static_cast<double>(p.sampling->samples);
  return side;
}

double self_time_ns(const DiffSide& side, uint64_t self_ns, uint64_t samples_self) {
  if (side.exact) return static_cast<double>(self_ns);
  return static_cast<double>(samples_self) * side.seconds_per_sample * 1e9;
}

}  // namespace diff_detail

namespace {

using namespace diff_detail;

// One function's figures in one profile (frames of the same name and kind summed).
struct Totals {
  uint64_t calls = 0, self_ns = 0, samples_self = 0;
};
using Key = std::tuple<std::string, FrameKind>;

std::map<Key, Totals> totals_by_name(const Profile& p) {
  std::map<Key, Totals> out;
  for (const FunctionTotal& t : function_totals(p)) {
    const Frame& f = p.frames[t.frame];
    Totals& into = out[{f.name, f.kind}];
    into.calls += t.calls;
    into.self_ns += t.self_ns;
    into.samples_self += t.samples_self;
  }
  return out;
}

bool relative_change_at_least(double base, double next, double fraction) {
  if (base <= 0) return next > 0;
  return std::fabs(next - base) >= fraction * base;
}

// The Poisson z score of two sampled self times (see diff.hpp).
double poisson_z(const FunctionDiff& d, const DiffSide& base, const DiffSide& next) {
  double var =
      static_cast<double>(d.base_samples) * base.seconds_per_sample * base.seconds_per_sample +
      static_cast<double>(d.new_samples) * next.seconds_per_sample * next.seconds_per_sample;
  double delta = static_cast<double>(d.new_samples) * next.seconds_per_sample -
                 static_cast<double>(d.base_samples) * base.seconds_per_sample;
  return var > 0 ? delta / std::sqrt(var) : 0;
}

// What the profiler's own cost and the machine's noise can move a function's self time by.
double exact_noise_floor_ns(const FunctionDiff& d, const Profile& base, const Profile& next) {
  double span_cost = std::max(base.profiler.span_cost_ns, next.profiler.span_cost_ns);
  if (!std::isfinite(span_cost)) span_cost = 0;
  double by_spans =
      kDiffSpanCostFactor * span_cost * static_cast<double>(d.base_calls + d.new_calls);
  double by_session =
      kDiffSessionShareFloor * static_cast<double>(std::max(base.duration_ns, next.duration_ns));
  return std::max(by_spans, by_session);
}

void decide(FunctionDiff& d, DiffMethod method, const Profile& base, const Profile& next,
            const DiffSide& bs, const DiffSide& ns) {
  double b = d.base_ms * 1e6, n = d.new_ms * 1e6;
  if (method == DiffMethod::Samples) {
    d.z = poisson_z(d, bs, ns);
    d.significant =
        std::fabs(*d.z) > kDiffZThreshold && relative_change_at_least(b, n, kDiffMinSampledChange);
  } else {
    d.significant = relative_change_at_least(b, n, kDiffMinExactChange) &&
                    std::fabs(n - b) > exact_noise_floor_ns(d, base, next);
  }
}

void sort_rows(std::vector<FunctionDiff>& rows) {
  std::sort(rows.begin(), rows.end(), [](const FunctionDiff& a, const FunctionDiff& b) {
    double da = std::fabs(a.new_ms - a.base_ms), db = std::fabs(b.new_ms - b.base_ms);
    return std::make_tuple(!a.significant, -da, a.name) <
           std::make_tuple(!b.significant, -db, b.name);
  });
}

}  // namespace

const char* diff_method_name(DiffMethod method) {
  switch (method) {
    case DiffMethod::Exact:
      return "exact";
    case DiffMethod::Samples:
      return "samples";
    case DiffMethod::Mixed:
      return "mixed";
  }
  return "mixed";
}

ProfileDiff diff_profiles(const Profile& base, const Profile& next) {
  ProfileDiff diff;
  diff.method = choose_method(base, next);
  DiffSide bs = side_of(base, diff.method), ns = side_of(next, diff.method);
  std::map<Key, Totals> b = totals_by_name(base), n = totals_by_name(next);
  std::map<Key, std::pair<Totals, Totals>> both;
  for (const auto& [key, t] : b) both[key].first = t;
  for (const auto& [key, t] : n) both[key].second = t;
  for (const auto& [key, pair] : both) {
    const auto& [bt, nt] = pair;
    FunctionDiff d;
    std::tie(d.name, d.kind) = key;
    d.base_calls = bt.calls;
    d.new_calls = nt.calls;
    d.base_samples = bt.samples_self;
    d.new_samples = nt.samples_self;
    d.base_ms = self_time_ns(bs, bt.self_ns, bt.samples_self) / 1e6;
    d.new_ms = self_time_ns(ns, nt.self_ns, nt.samples_self) / 1e6;
    if (d.base_ms > 0) d.change_pct = (d.new_ms - d.base_ms) / d.base_ms * 100;
    decide(d, diff.method, base, next, bs, ns);
    diff.functions.push_back(std::move(d));
  }
  sort_rows(diff.functions);
  return diff;
}

}  // namespace aiprof::report
