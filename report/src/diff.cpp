// diff_runs: per-function self times of each run of two sides, their means and spreads. The
// significance rule of diff.hpp is in diff_rule.cpp.
#include "aiprof/report/diff.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "aiprof/report/diff_statistics.hpp"
#include "diff_parts.hpp"

namespace aiprof::report {

namespace {

using namespace diff_detail;

// One function's figures in one run (frames of the same name and kind summed).
struct Totals {
  double self_ns = 0;  // exact, or estimated from samples
  uint64_t calls = 0, samples_self = 0;
};
using Key = std::tuple<std::string, FrameKind>;
using RunTotals = std::map<Key, Totals>;

RunTotals totals_by_name(const Profile& p, const DiffSide& side) {
  RunTotals out;
  for (const FunctionTotal& t : function_totals(p)) {
    const Frame& f = p.frames[t.frame];
    Totals& into = out[{f.name, f.kind}];
    into.calls += t.calls;
    into.self_ns += self_time_ns(side, t.self_ns, t.samples_self);
    into.samples_self += t.samples_self;
  }
  return out;
}

// Every run's totals, and every function seen in any of them.
std::vector<RunTotals> side_totals(const std::vector<Profile>& runs, bool exact,
                                   std::map<Key, bool>& keys) {
  std::vector<RunTotals> out;
  for (const Profile& p : runs) {
    out.push_back(totals_by_name(p, side_of(p, exact)));
    for (const auto& entry : out.back()) keys[entry.first] = true;
  }
  return out;
}

// One side of a row: each run's self time, the mean, calls and samples.
void fill_side(const std::vector<RunTotals>& runs, const Key& key, std::vector<double>& runs_ms,
               double& mean_ms, double& calls, uint64_t& samples) {
  double call_sum = 0;
  for (const RunTotals& run : runs) {
    auto it = run.find(key);
    Totals t = it == run.end() ? Totals{} : it->second;
    runs_ms.push_back(t.self_ns / 1e6);
    call_sum += static_cast<double>(t.calls);
    samples += t.samples_self;
  }
  mean_ms = mean_of(runs_ms);
  calls = runs.empty() ? 0 : call_sum / static_cast<double>(runs.size());
}

// How sure a side's mean is: the spread across runs, or a sampled run's Poisson interval.
double spread_ms(const std::vector<double>& runs_ms, uint64_t samples, bool sampled) {
  if (runs_ms.size() >= 2) return standard_deviation_of(runs_ms);
  if (!sampled || samples == 0) return 0;
  double mean = mean_of(runs_ms);  // samples x period: the interval scales with sqrt(samples)
  return kDiffIntervalZ * mean / std::sqrt(static_cast<double>(samples));
}

// A profile merged from several runs counts as one (their mean): say so, as its runs'
// variation is lost.
void warn_of_merged(const std::vector<Profile>& runs, const char* side,
                    std::vector<std::string>& warnings) {
  for (const Profile& p : runs)
    if (size_t n = merged_runs(p); n > 1)
      warnings.push_back(std::string(side) + " profile merged from " + std::to_string(n) +
                         " runs is compared as their mean, one run: its runs' variation is not "
                         "kept (give the runs themselves to test across them)");
}

// A side read by its samples with a run that has none compares nothing: say so.
void warn_of_no_samples(const std::vector<Profile>& runs, bool exact, const char* side,
                        std::vector<std::string>& warnings) {
  if (exact) return;
  size_t empty = 0;
  for (const Profile& p : runs) empty += has_samples(p) ? 0 : 1;
  if (empty)
    warnings.push_back(std::to_string(empty) + " of the " + std::to_string(runs.size()) + " " +
                       side + " runs has no samples: its functions read 0 ms");
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
    case DiffMethod::Runs:
      return "runs";
    case DiffMethod::Samples:
      return "samples";
    case DiffMethod::Exact:
      return "exact";
    case DiffMethod::Mixed:
      return "mixed";
  }
  return "mixed";
}

ProfileDiff diff_runs(const std::vector<Profile>& base, const std::vector<Profile>& next) {
  ProfileDiff diff;
  diff.method = choose_method(base, next);
  bool base_exact = reads_exact(base, next), next_exact = reads_exact(next, base);
  diff.base = summarize(base, base_exact);
  diff.next = summarize(next, next_exact);
  warn_of_merged(base, "a base", diff.warnings);
  warn_of_merged(next, "a new", diff.warnings);
  warn_of_no_samples(base, base_exact, "base", diff.warnings);
  warn_of_no_samples(next, next_exact, "new", diff.warnings);
  std::map<Key, bool> keys;
  std::vector<RunTotals> b = side_totals(base, base_exact, keys);
  std::vector<RunTotals> n = side_totals(next, next_exact, keys);
  for (const auto& entry : keys) {
    FunctionDiff d;
    std::tie(d.name, d.kind) = entry.first;
    fill_side(b, entry.first, d.base_runs_ms, d.base_ms, d.base_calls, d.base_samples);
    fill_side(n, entry.first, d.new_runs_ms, d.new_ms, d.new_calls, d.new_samples);
    if (d.base_ms <= 0 && d.new_ms <= 0) continue;  // no self time on either side
    d.base_spread_ms = spread_ms(d.base_runs_ms, d.base_samples, !base_exact);
    d.new_spread_ms = spread_ms(d.new_runs_ms, d.new_samples, !next_exact);
    if (d.base_ms > 0) d.change_pct = (d.new_ms - d.base_ms) / d.base_ms * 100;
    diff.functions.push_back(std::move(d));
  }
  decide_significance(diff, base, next);
  sort_rows(diff.functions);
  return diff;
}

ProfileDiff diff_profiles(const Profile& base, const Profile& next) {
  return diff_runs(std::vector<Profile>{base}, std::vector<Profile>{next});
}

}  // namespace aiprof::report
