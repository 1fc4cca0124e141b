// The one place a profile window becomes a report::Profile. It builds the Profile the way
// `anarchy profile`'s sampling mode does (cli/profile_sampling.cpp): add_samples() over the
// window's SampledSession. When report::build_profile(...) lands, switch it in here only.
// Not async-signal-safe.
#pragma once

#include "aiprof/report/profile.hpp"
#include "aiprof/server/live_program.hpp"

namespace aiprof::server {

report::Profile build_window_profile(const Window& window, const ProgramInfo& program);

}  // namespace aiprof::server
