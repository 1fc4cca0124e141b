// Wall-clock times as reports print them. Not async-signal-safe.
#pragma once

#include <chrono>
#include <string>

namespace aiprof::report {

// "2026-11-25T23:41:07.123Z"
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace aiprof::report
