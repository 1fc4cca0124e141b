// Shared by the writers: human units, terminal columns, and the orders tables and trees are
// shown in. Pure functions on plain data; none is async-signal-safe (they allocate).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report {

// "1.234s", "12.345ms", "123.456us", "85ns".
std::string format_duration(uint64_t ns);
// "512B", "1.5KB", "768.0KB", "1.2MB" (powers of 1024).
std::string format_bytes(uint64_t bytes);
// "45.9%" of whole (0% when whole is zero).
std::string format_percent(uint64_t part, uint64_t whole);
double percent_of(uint64_t part, uint64_t whole);

// Children of a node, biggest inclusive time first (ties: more calls, then name), so every
// format shows the same order whatever the order spans were first seen in.
std::vector<uint32_t> sorted_children(const Profile& profile, uint32_t node);
// function_totals() ordered by self time, biggest first (ties: inclusive, then name).
std::vector<FunctionTotal> functions_by_self_time(const Profile& profile);
// Nodes below `node`, all levels.
uint64_t count_descendants(const Profile& profile, uint32_t node);

// Terminal columns of UTF-8 text: one per code point (the reports' box-drawing characters and
// ellipsis are one column wide each; no report prints wide characters of its own).
size_t display_width(std::string_view text);
// The byte offset where column `column` of `text` starts (text.size() past its end).
size_t bytes_before_column(std::string_view text, size_t column);
// `text` in at most `width` columns: kept whole when it fits, else its start and end around a
// "…" (names differ most at both ends: "m.parse…Expression", ".../src/lexer.ai:12").
std::string truncate_middle(std::string_view text, size_t width);
// `text` in at most `width` columns, its end kept ("…/examples/access_logs.ai:12"): for paths.
std::string truncate_start(std::string_view text, size_t width);
// Appends `text` as lines of at most `width` columns, broken at spaces: the first line starts
// with `first`, the others with `next` (a hanging indent). A word ending in ':' keeps the next
// one on its line; a word longer than a line is cut.
void append_wrapped(std::string& out, std::string_view text, std::string_view first,
                    std::string_view next, size_t width);

}  // namespace aiprof::report
