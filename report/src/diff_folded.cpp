// diff_folded: the two-column folded stacks flamegraph's difffolded.pl emits ("a;b;c 12 30"),
// which flamegraph.pl colours by change.
#include <cmath>
#include <map>
#include <utility>

#include "aiprof/report/diff.hpp"
#include "diff_parts.hpp"

namespace aiprof::report {

namespace {

using namespace diff_detail;

// A frame name as one folded-stack element: ';' separates frames, a newline ends the line.
std::string folded_name(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == ';') c = ':';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

// The self figure of every call path of `p` into column `column` of `rows`: samples, or
// microseconds. An explicit stack, so deep trees cannot exhaust the native one.
void add_paths(const Profile& p, const DiffSide& side, bool samples, int column,
               std::map<std::string, std::pair<uint64_t, uint64_t>>& rows) {
  std::vector<std::pair<uint32_t, std::string>> pending;
  for (uint32_t c : p.nodes[0].children) pending.emplace_back(c, "");
  while (!pending.empty()) {
    auto [index, prefix] = std::move(pending.back());
    pending.pop_back();
    const CallNode& n = p.nodes[index];
    std::string path = prefix + (prefix.empty() ? "" : ";") + folded_name(p.frames[n.frame].name);
    uint64_t value = samples ? n.samples_self
                             : static_cast<uint64_t>(std::llround(
                                   self_time_ns(side, n.self_ns, n.samples_self) / 1000));
    if (value) (column == 0 ? rows[path].first : rows[path].second) += value;
    for (uint32_t c : n.children) pending.emplace_back(c, path);
  }
}

}  // namespace

std::string diff_folded(const Profile& base, const Profile& next) {
  DiffMethod method = choose_method(base, next);
  bool samples = method == DiffMethod::Samples;
  std::map<std::string, std::pair<uint64_t, uint64_t>> rows;
  add_paths(base, side_of(base, method), samples, 0, rows);
  add_paths(next, side_of(next, method), samples, 1, rows);
  std::string out;
  for (const auto& [path, values] : rows)
    out += path + " " + std::to_string(values.first) + " " + std::to_string(values.second) + "\n";
  return out;
}

}  // namespace aiprof::report
