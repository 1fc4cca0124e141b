// `anarchy report diff BASE NEW`: what got slower or faster, per function, and whether the
// change is bigger than the measurement can explain. Not async-signal-safe.
//
// Functions are matched by name and kind (not by file or line: NEW is usually an edited copy
// of BASE) and compared by SELF time, so a function whose callee got slower is not itself
// reported as slower.
//
// Significance depends on what both profiles measured (DiffMethod):
// - Samples (both sampled, not both exact): a function's self time is estimated as
//   samples_self x (seconds per sample: 1 / delivered rate, or duration / samples when the rate
//   is unknown). Sample counts are Poisson, so Var(t) = samples x (seconds per sample)^2 and
//   z = (t_new - t_base) / sqrt(Var(t_base) + Var(t_new)). With equal rates this is the usual
//   test of two Poisson counts, (s_new - s_base) / sqrt(s_base + s_new). Significant when
//   |z| > 3 (about 1 false alarm in 370 functions) AND the change is at least 10%: sampling
//   statistics cannot see run-to-run variation, so tiny changes of hot functions are ignored.
//   Comparing absolute time (not each function's share of the samples) means a function that
//   did not change is not flagged just because another one grew.
// - Exact (both have exact spans): one run gives no variance, so the rule is a threshold:
//   significant when the change is at least 20% AND larger than the noise floor, the larger of
//   3 x span cost x (calls in BASE + calls in NEW) (what the profiler's own cost can move) and
//   1% of the longer session (scheduling and cache effects that land on whatever is running).
// - Mixed (one exact, one sampled): each side uses what it has; the exact rule decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

enum class DiffMethod { Exact, Samples, Mixed };

const char* diff_method_name(DiffMethod method);  // "exact", "samples", "mixed"

struct FunctionDiff {
  std::string name;
  FrameKind kind = FrameKind::Function;
  double base_ms = 0;  // self time (or its sampled estimate)
  double new_ms = 0;
  std::optional<double> change_pct;  // (new - base) / base x 100; none when base is 0
  bool significant = false;
  uint64_t base_calls = 0, new_calls = 0;
  uint64_t base_samples = 0, new_samples = 0;  // samples_self
  std::optional<double> z;                     // the z score, for the Samples method
};

struct ProfileDiff {
  DiffMethod method = DiffMethod::Exact;
  std::vector<FunctionDiff> functions;  // significant first, then by |new - base|, then name
};

// The significance thresholds above, as constants the tests and the docs use.
constexpr double kDiffZThreshold = 3.0;
constexpr double kDiffMinSampledChange = 0.10;
constexpr double kDiffMinExactChange = 0.20;
constexpr double kDiffSpanCostFactor = 3.0;
constexpr double kDiffSessionShareFloor = 0.01;

ProfileDiff diff_profiles(const Profile& base, const Profile& next);

// The text table `anarchy report diff` prints.
std::string diff_text(const ProfileDiff& diff);
// A JSON list of {name, base_ms, new_ms, change_pct, significant} (change_pct null when the
// base is 0).
std::string diff_json(const ProfileDiff& diff);
// The differential folded stacks of flamegraph's difffolded.pl: one line "a;b;c BASE NEW" per
// call path, the two columns being self samples (Samples method) or self microseconds
// (Exact, Mixed), lines sorted by path; paths that are 0 in both are left out.
std::string diff_folded(const Profile& base, const Profile& next);

}  // namespace aiprof::report
