// Text pieces the diff's table (diff_output.cpp) and JSON (diff_json.cpp) share. Private to the
// report library.
#pragma once

#include <string>

#include "aiprof/report/diff.hpp"

namespace aiprof::report::diff_detail {

int ms_decimals(double reference);                // 1 ... 3 decimals by size
std::string milliseconds(double ms);              // 3 significant digits or more
std::string change_text(const FunctionDiff& d);   // "+12.5%", "new" or "-"
std::string side_text(const DiffSideSummary& s);  // "2 runs (exact, ..., cpu clock)"
std::string wrapped(const std::string& text, size_t width);
std::string pad(const std::string& text, size_t width, bool right);

}  // namespace aiprof::report::diff_detail
