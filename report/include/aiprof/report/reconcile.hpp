// The merger's check: where a call-tree node has both exact figures (spans) and samples, the
// exact share of the run should lie inside the sampled share's 95% confidence interval. Nodes
// where it does not are flagged (CallNode::disagreement) and listed in the profiler notes with
// the likeliest reason. Not async-signal-safe.
#pragma once

#include <string>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

struct Disagreement {
  uint32_t node = 0;
  double exact_share = 0;    // of the exact total, in [0, 1]
  double sampled_share = 0;  // of the samples beneath the root
  double low = 0, high = 0;  // the sampled share's 95% interval
  std::string reason;
};

// Flags and returns the disagreeing nodes; adds one note per node (and a summary) to
// profile.profiler.notes. Nodes without exact figures, or a profile without samples, are
// left alone.
std::vector<Disagreement> reconcile(Profile& profile);

}  // namespace aiprof::report
