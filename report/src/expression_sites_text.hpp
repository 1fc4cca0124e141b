// The text report's "Expression Sites" table (expression granularity): the sites with the
// most self time, one row per (function, site), however many call paths reached them. Not
// async-signal-safe.
#pragma once

#include <cstdint>
#include <string>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// Appends the table (at most `rows` rows, then how many were left out); nothing when the
// profile has no expression sites.
void expression_sites_table(const Profile& p, uint32_t rows, std::string& out);

}  // namespace aiprof::report
