// `anarchy report diff BASE... --new NEW...`: what got slower or faster, per function, and
// whether the change is bigger than run-to-run variation and the measurement can explain.
// Not async-signal-safe.
//
// Functions are matched by name and kind (not by file or line: NEW is usually an edited copy
// of BASE) and compared by SELF time, so a function whose callee got slower is not itself
// reported as slower. A side of several runs is compared by its mean per run. A profile made
// by `report merge` of N runs counts as one run whose figures are the N runs' mean (its
// per-run figures are not kept, so it gives no variation).
//
// Whatever the method, a row is significant only when its change is larger than the noise
// floor: the larger of 3 x span cost x (calls in BASE + calls in NEW) (what the profiler's own
// cost can move) and 1% of the longer session (scheduling and cache effects that land on
// whatever is running); with one run a side on the wall clock, also 30 ms (time the program
// waited for a CPU lands on whatever function was running: on 2 loaded CPUs, a 0.3 ms function
// read 16 ms in one of 9 pairs of runs). Then (DiffMethod):
// - Runs (2 or more runs on both sides, both exact or both sampled): Welch's t-test on the
//   per-run self times (a sampled run's variance taken as at least its Poisson variance),
//   p-values adjusted by Holm's method over every row of the diff; significant when the
//   adjusted p < 0.01 AND the mean changed by 10% or more. This is the only method that sees
//   run-to-run variation.
// - Samples (one run on a side, both sampled): the exact test of two Poisson counts (given
//   their sum, the base count is binomial), Holm-adjusted p < 0.01, AND a large change (below):
//   sampling noise is known, run-to-run variation is not.
// - Exact (one run on a side, both exact): no variance at all, so a large change.
// - Mixed (exact against sampled, only with --force): a large change.
// A large change, with one run a side: 2x or more (+100% or -50%) on the CPU clock, 3x or
// more when either side is on the wall clock. Why: two exact runs of one program and input
// moved a function's self time by up to 1.7x in issue 19 (<gc> 549.8 -> 319.4 ms); here, 10
// pairs of wall-clock runs on 2 CPUs at load 12 moved <gc> by up to 2.4x (37.7 -> 89.1 ms),
// while CPU-clock pairs (pinned to one CPU) moved it by up to 1.34x (13.9 -> 18.7 ms). A rule
// that flags less on one run cries wolf: with 1.2x, diff_accuracy_test's A/A pairs flagged 17
// rows. Give several runs a side to see smaller changes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

enum class DiffMethod { Runs, Samples, Exact, Mixed };

const char* diff_method_name(DiffMethod method);  // "runs", "samples", "exact", "mixed"

// One side of a diff as a whole: what it measured and the headline figures (means per run).
struct DiffSideSummary {
  size_t runs = 0;          // profiles given (a merged profile counts once)
  std::string mode;         // "exact", "sampling", "hybrid" (or "mixed" for a merged profile)
  std::string granularity;  // exact spans' granularity ("" without spans)
  std::string clock;        // "cpu" or "wall"
  bool sampled = false;     // its times are sample estimates
  double total_ms = 0;      // profiled time: the sum of every self time (what rows add up to)
  double session_ms = 0;    // session duration on the profile's clock
  double wall_ms = 0;       // session duration on the wall clock (from its start and end times,
                            // to the millisecond, when the clock is the CPU's)
};

struct FunctionDiff {
  std::string name;
  FrameKind kind = FrameKind::Function;
  double base_ms = 0;  // self time (or its sampled estimate), mean per run
  double new_ms = 0;
  // How sure each figure is, in ms: the standard deviation across runs (Runs), the half-width
  // of the 95% Poisson interval of a sampled estimate; 0 for one exact run.
  double base_spread_ms = 0, new_spread_ms = 0;
  std::optional<double> change_pct;  // (new - base) / base x 100; none when base is 0
  bool significant = false;
  double base_calls = 0, new_calls = 0;           // mean per run
  uint64_t base_samples = 0, new_samples = 0;     // samples_self, summed over runs
  std::vector<double> base_runs_ms, new_runs_ms;  // self time of each run
  std::optional<double> p;                        // the test's p-value (Runs, Samples)
  std::optional<double> p_adjusted;               // Holm-adjusted over the rows
};

struct ProfileDiff {
  DiffMethod method = DiffMethod::Exact;
  DiffSideSummary base, next;
  std::vector<std::string> warnings;    // what the reader must know (merged inputs, --force)
  std::vector<FunctionDiff> functions;  // significant first, then by |new - base|, then name
};

// The significance thresholds above, as constants the tests and the docs use.
constexpr double kDiffAlpha = 0.01;              // family-wise, after Holm's adjustment
constexpr double kDiffMinRunsChange = 0.10;      // Runs: at least a 10% change of the mean
constexpr double kDiffSingleRunRatio = 2.0;      // one run: x2 or /2 at least (CPU clock)
constexpr double kDiffSingleRunWallRatio = 3.0;  // one run, wall clock: x3 or /3 at least
constexpr double kDiffSpanCostFactor = 3.0;
constexpr double kDiffSessionShareFloor = 0.01;
constexpr double kDiffWallClockFloorMs = 30;  // one run a side, wall clock
constexpr double kDiffIntervalZ = 1.96;       // the printed intervals of sampled figures (95%)

// Why the two sides cannot be compared (mode, clock or granularity differ, between the sides
// or among one side's runs), naming the files; none when they can. `names[i]` names run i.
// The sentence saying what is significant in `diff` (its method and clocks).
std::string diff_rule_text(const ProfileDiff& diff);

std::optional<std::string> diff_incompatibility(const std::vector<Profile>& base,
                                                const std::vector<std::string>& base_names,
                                                const std::vector<Profile>& next,
                                                const std::vector<std::string>& next_names);

// Compares the runs of each side (each side one or more profiles). Profiles that
// diff_incompatibility refuses are compared anyway (the caller asked for it: --force), by the
// Mixed method when one side is exact and the other sampled, with a warning.
ProfileDiff diff_runs(const std::vector<Profile>& base, const std::vector<Profile>& next);
// One run each.
ProfileDiff diff_profiles(const Profile& base, const Profile& next);

// The headline, the rule and the table `anarchy report diff` prints (100 columns).
std::string diff_text(const ProfileDiff& diff);
// A JSON object: method, rule, warnings, base and new (DiffSideSummary), and functions, a list
// of rows (docs/report-schema.md).
std::string diff_json(const ProfileDiff& diff);
// The differential folded stacks of flamegraph's difffolded.pl: one line "a;b;c BASE NEW" per
// call path, the two columns being self samples (both sides sampled) or self microseconds,
// each the mean per run (rounded) over a side's runs, lines sorted by path; paths that are 0
// in both are left out.
std::string diff_folded(const std::vector<Profile>& base, const std::vector<Profile>& next);
std::string diff_folded(const Profile& base, const Profile& next);

}  // namespace aiprof::report
