// What the stack-based formats (folded, pprof, speedscope) share: a call-tree node as the
// path of frames leading to it, and what one sample stands for. Reads a Profile only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// The frames from the outermost one below the root down to `node`'s own frame. The root
// itself (time outside every span, samples with no guest frame) is the path {root frame}.
std::vector<uint32_t> frame_path(const Profile& profile, uint32_t node);

// The time one sample stands for, in nanoseconds, when the sampler's rate is known (the
// delivered rate where there is one: it is what the samples were actually taken at).
std::optional<double> sample_period_ns(const Profile& profile);

// "cpu" or "wall": what the profile's times count (the sampler's clock, or for exact spans
// the span clock the profiler describes).
std::string_view time_kind(const Profile& profile);

}  // namespace aiprof::report
