// The likeliest cause of a disagreement between a share's exact and sampled figures, decided
// from what the run recorded (the order and the tests are DisagreementCause's, reconcile.hpp).
// Not async-signal-safe.
#pragma once

#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"
#include "aiprof/report/reconcile.hpp"
#include "reconcile_projection.hpp"

namespace aiprof::report::detail {

struct LikelyCause {
  DisagreementCause cause = DisagreementCause::Unexplained;
  std::string explanation;
};

// `units` are the judged units and `unit` the one `judged` belongs to.
LikelyCause likely_cause(const Profile& profile, const ProjectedProfile& projected,
                         const std::vector<JudgedUnit>& units, uint32_t unit,
                         const ShareJudgement& judged);

}  // namespace aiprof::report::detail
