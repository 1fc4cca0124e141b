// CountSite: a piece of straight-line code whose operations and variable reads are known
// before the run, so counting its executions counts them all (gcov counts blocks this way).
//
// The interpreter describes one per quick arithmetic tree (`acc * 31 + i % 17`) and, while the
// exact observer counts inline (InlineSink), adds one to the tree's execution counter instead of
// reporting each operation and each variable read; OperationCollector::finish multiplies the
// counters out. Plain data; nothing here is async-signal-safe or needs to be.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "aiprof/instrumentation/hooks.hpp"

namespace aiprof::instrumentation {

struct CountSite {
  // Operations of one execution, indexed by OperationType.
  std::array<uint32_t, static_cast<size_t>(OperationType::Count)> operations{};
  // The variables one execution reads, one entry per read (a variable read twice is there twice).
  std::vector<uint32_t> variables;
};

}  // namespace aiprof::instrumentation
