// Pieces shared by the HTML report's writer files (html_report.cpp, html_summary.cpp).
// None of these functions is async-signal-safe (they allocate).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "aiprof/report/profile.hpp"

namespace aiprof::report::html {

// Text as HTML: safe in element content and in quoted attribute values.
std::string escape(std::string_view text);

inline std::string rate_text(double hz) { return fmt::format("{:.1f} Hz", hz); }
inline std::string percent_text(double percent) { return fmt::format("{:.1f}%", percent); }
inline std::string count_text(uint64_t n) { return std::to_string(n); }
inline const char* not_measured() { return "<span class=\"not-measured\">not measured</span>"; }

// One "<tr><th>key</th><td>value</td></tr>" line; the value is HTML already.
void row(std::string& out, std::string_view key, const std::string& value_html);

// The session header folded into one summary line (mode, duration, rates, drops, overhead,
// disagreements, notes) that opens on click to the full table and the notes.
void session_summary_html(const Profile& p, std::string& out);

// The Hot lines section: the hottest functions' source with per-line sample bars (sampled
// profiles with lines only; html_hot_lines.cpp).
void hot_lines_html(const Profile& p, std::string& out);

}  // namespace aiprof::report::html
