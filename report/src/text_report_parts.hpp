// The text report's sections, one file each (text_report_*.cpp); text_report.cpp puts them in
// order: the answer first (header, top functions, call graph), then memory, operations and
// what the profiler cost. Every line fits kTextWidth columns. Not async-signal-safe.
#pragma once

#include <cstddef>
#include <string>

#include "aiprof/report/profile.hpp"
#include "aiprof/report/report_writer.hpp"

namespace aiprof::report::text {

constexpr size_t kTextWidth = 100;
// Call-graph nodes below this share of the run are left out (and counted).
constexpr double kCallGraphMinShare = 0.01;
// Call-graph lines at most; the nodes past it are counted.
constexpr size_t kCallGraphRowLimit = 80;
// Tree levels the text shows at most (3 columns each), so a line keeps room for its figures;
// max_call_stack_depth applies when it is smaller.
constexpr unsigned kCallGraphTextDepth = 16;

// A few lines: what ran, in which mode, how long, and what the sampler or spans cost and lost.
void header(const Profile& p, std::string& out);
// The aligned Top Functions table (options.top_functions rows).
void top_functions(const Profile& p, const RenderOptions& options, std::string& out);
// The lines most samples stood at, with their source (options.hot_lines rows; sampled
// profiles with lines only).
void hot_lines(const Profile& p, const RenderOptions& options, std::string& out);
// The call tree: direct recursion collapsed, small nodes pruned, depth and rows bounded.
void call_graph(const Profile& p, const RenderOptions& options, std::string& out);
void memory(const Profile& p, std::string& out);
// With allocation sampling: the top sites still holding memory, and in-use by object type.
void live_heap(const Profile& p, std::string& out);
void operations(const Profile& p, std::string& out);
void custom_metrics(const Profile& p, std::string& out);
// Notes always; the sampler's and the spans' internals only with options.verbose.
void profiler_details(const Profile& p, const RenderOptions& options, std::string& out);

// A "- Label: value" line, wrapped under its label.
void list_line(std::string& out, std::string_view label, std::string_view value);

}  // namespace aiprof::report::text
