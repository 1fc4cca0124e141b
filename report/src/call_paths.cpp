#include "call_paths.hpp"

#include <algorithm>

namespace aiprof::report {

std::vector<uint32_t> frame_path(const Profile& profile, uint32_t node) {
  if (node == 0) return {profile.nodes[0].frame};
  std::vector<uint32_t> path;
  for (uint32_t n = node; n != 0 && n != kNoNode; n = profile.nodes[n].parent)
    path.push_back(profile.nodes[n].frame);
  std::reverse(path.begin(), path.end());
  return path;
}

// A node's sample count is in periods of the rate asked for: every source weighs its samples
// so (expirations a signal stood for, CPU periods a filtered tick covered), whatever rate of
// signals was delivered.
std::optional<double> sample_period_ns(const Profile& profile) {
  if (!profile.sampling) return std::nullopt;
  double rate = profile.sampling->rate_requested_hz > 0 ? profile.sampling->rate_requested_hz
                                                        : profile.sampling->rate_delivered_hz;
  if (rate <= 0) return std::nullopt;
  return 1e9 / rate;
}

// Exact spans carry no clock name, only its description ("clock_gettime(CLOCK_THREAD_CPUTIME_ID)
// (CPU time of the interpreter thread)" for --clock cpu).
std::string_view time_kind(const Profile& profile) {
  if (profile.sampling) return profile.sampling->clock == "cpu" ? "cpu" : "wall";
  return profile.profiler.clock.find("CPUTIME") != std::string::npos ? "cpu" : "wall";
}

}  // namespace aiprof::report
