// What `anarchy profile` tells its user besides the report: what each file it wrote is and how
// to open it (as py-spy and memray do), and what to do when a run was too short to sample.
// Not async-signal-safe.
#pragma once

#include <string>

#include "aiprof/report/profile.hpp"

namespace anarchy::cli {

// "HTML report; open it in a web browser (it works offline)" for a report of `format` (a name
// of the writers' table: text, json, folded, speedscope, chrome-trace, pprof, html) at `path`.
std::string how_to_open(const std::string& format, const std::string& path);

// Fewer samples than this cannot rank functions: the hint below is shown.
constexpr uint64_t kFewSamples = 10;

// For a sampled profile with fewer than kFewSamples samples, one line saying so and what to do
// instead (exact mode, a higher rate); "" otherwise, and for a profile without samples taken.
std::string too_few_samples_hint(const aiprof::report::Profile& profile);

}  // namespace anarchy::cli
