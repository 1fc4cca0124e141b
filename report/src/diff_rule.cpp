// decide_significance: the rule of diff.hpp. Every row gets a noise floor and an effect-size
// test; Runs and Samples rows also a p-value, adjusted by Holm's method over the rows tested.
#include <algorithm>
#include <cmath>

#include "aiprof/report/diff_statistics.hpp"
#include "diff_parts.hpp"

namespace aiprof::report::diff_detail {

namespace {

// The time one sample of a side stands for in that side's mean per run, in ms (the runs are
// taken to share a rate; a merged profile's samples each stand for 1 / its runs of a period).
double mean_sample_period_ms(const std::vector<Profile>& runs) {
  double sum = 0;
  for (const Profile& p : runs) {
    DiffSide side = side_of(p, false);
    sum += side.seconds_per_sample * 1e3 / side.runs;
  }
  return runs.empty() ? 0
                      : sum / static_cast<double>(runs.size()) / static_cast<double>(runs.size());
}

// The largest span cost of any run (0 when unknown).
double span_cost_ns(const std::vector<Profile>& base, const std::vector<Profile>& next) {
  double cost = 0;
  for (const auto* side : {&base, &next})
    for (const Profile& p : *side)
      if (std::isfinite(p.profiler.span_cost_ns)) cost = std::max(cost, p.profiler.span_cost_ns);
  return cost;
}

struct Context {
  DiffMethod method;
  double base_period_ms = 0, next_period_ms = 0;  // per sample, in a mean run (sampled sides)
  double base_run_period_ms = 0, next_run_period_ms = 0;  // per sample, in one run
  double span_cost_ns = 0;
  double session_ns = 0;         // the longer side's mean session
  bool wall_single_run = false;  // one run a side, either on the wall clock
};

double noise_floor_ms(const FunctionDiff& d, const Context& c) {
  double by_spans = kDiffSpanCostFactor * c.span_cost_ns * (d.base_calls + d.new_calls) / 1e6;
  double by_session = kDiffSessionShareFloor * c.session_ns / 1e6;
  double by_waits = c.wall_single_run ? kDiffWallClockFloorMs : 0;
  return std::max({by_spans, by_session, by_waits});
}

bool large_enough(const FunctionDiff& d, const Context& c) {
  double b = d.base_ms, n = d.new_ms;
  if (b <= 0) return n > 0;
  if (c.method == DiffMethod::Runs) return std::fabs(n - b) >= kDiffMinRunsChange * b;
  double ratio = c.wall_single_run ? kDiffSingleRunWallRatio : kDiffSingleRunRatio;
  return n >= ratio * b || n <= b / ratio;
}

// The row's p-value, or none for the methods that have no test.
std::optional<double> p_value(const FunctionDiff& d, const Context& c) {
  if (d.base_ms <= 0 && d.new_ms <= 0) return std::nullopt;  // nothing to test
  if (c.method == DiffMethod::Samples)
    return poisson_counts_p(d.base_samples, c.base_period_ms, d.new_samples, c.next_period_ms);
  if (c.method != DiffMethod::Runs) return std::nullopt;
  // A sampled run's estimate m has Poisson variance m x period: no fewer.
  double min_base = d.base_ms * c.base_run_period_ms, min_next = d.new_ms * c.next_run_period_ms;
  return welch_t_test(d.base_runs_ms, d.new_runs_ms, min_base, min_next).p;
}

}  // namespace

bool wall_single_run(const ProfileDiff& diff) {
  return diff.method != DiffMethod::Runs &&
         (diff.base.clock == "wall" || diff.next.clock == "wall");
}

namespace {

Context context_of(const ProfileDiff& diff, const std::vector<Profile>& base,
                   const std::vector<Profile>& next) {
  Context c{diff.method};
  if (diff.base.sampled) {
    c.base_period_ms = mean_sample_period_ms(base);
    c.base_run_period_ms = c.base_period_ms * static_cast<double>(base.size());
  }
  if (diff.next.sampled) {
    c.next_period_ms = mean_sample_period_ms(next);
    c.next_run_period_ms = c.next_period_ms * static_cast<double>(next.size());
  }
  c.span_cost_ns = span_cost_ns(base, next);
  c.session_ns = std::max(diff.base.session_ms, diff.next.session_ms) * 1e6;
  c.wall_single_run = wall_single_run(diff);
  return c;
}

// Every row's p-value, then Holm's adjustment over the rows that have one.
void test_rows(std::vector<FunctionDiff>& rows, const Context& c) {
  std::vector<double> tested;
  std::vector<size_t> tested_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].p = p_value(rows[i], c);
    if (rows[i].p) {
      tested.push_back(*rows[i].p);
      tested_rows.push_back(i);
    }
  }
  std::vector<double> adjusted = holm_adjusted(tested);
  for (size_t k = 0; k < tested_rows.size(); ++k) rows[tested_rows[k]].p_adjusted = adjusted[k];
}

}  // namespace

void decide_significance(ProfileDiff& diff, const std::vector<Profile>& base,
                         const std::vector<Profile>& next) {
  Context c = context_of(diff, base, next);
  test_rows(diff.functions, c);
  bool needs_test = diff.method == DiffMethod::Runs || diff.method == DiffMethod::Samples;
  for (FunctionDiff& d : diff.functions) {
    bool beyond_floor = std::fabs(d.new_ms - d.base_ms) > noise_floor_ms(d, c);
    bool test_passed = !needs_test || (d.p_adjusted && *d.p_adjusted < kDiffAlpha);
    d.significant = beyond_floor && large_enough(d, c) && test_passed;
  }
}

}  // namespace aiprof::report::diff_detail
