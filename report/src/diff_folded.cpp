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

// The self figure of every call path of `p` into column `column` of `rows`, weighted by
// `weight` (1 / the side's runs): samples, or microseconds. An explicit stack, so deep trees
// cannot exhaust the native one.
void add_paths(const Profile& p, const DiffSide& side, bool samples, double weight, int column,
               std::map<std::string, std::pair<double, double>>& rows) {
  std::vector<std::pair<uint32_t, std::string>> pending;
  for (uint32_t c : p.nodes[0].children) pending.emplace_back(c, "");
  while (!pending.empty()) {
    auto [index, prefix] = std::move(pending.back());
    pending.pop_back();
    const CallNode& n = p.nodes[index];
    std::string path = prefix + (prefix.empty() ? "" : ";") + folded_name(p.frames[n.frame].name);
    double value = samples ? static_cast<double>(n.samples_self) / side.runs
                           : self_time_ns(side, n.self_ns, n.samples_self) / 1000;
    if (value > 0) (column == 0 ? rows[path].first : rows[path].second) += value * weight;
    for (uint32_t c : n.children) pending.emplace_back(c, path);
  }
}

void add_side(const std::vector<Profile>& runs, bool exact, bool samples, int column,
              std::map<std::string, std::pair<double, double>>& rows) {
  for (const Profile& p : runs)
    add_paths(p, side_of(p, exact), samples, 1.0 / static_cast<double>(runs.size()), column, rows);
}

}  // namespace

std::string diff_folded(const std::vector<Profile>& base, const std::vector<Profile>& next) {
  bool base_exact = reads_exact(base, next), next_exact = reads_exact(next, base);
  bool samples = !base_exact && !next_exact;
  std::map<std::string, std::pair<double, double>> rows;
  add_side(base, base_exact, samples, 0, rows);
  add_side(next, next_exact, samples, 1, rows);
  std::string out;
  for (const auto& [path, values] : rows) {
    long long b = std::llround(values.first), n = std::llround(values.second);
    if (b == 0 && n == 0) continue;
    out += path + " " + std::to_string(b) + " " + std::to_string(n) + "\n";
  }
  return out;
}

std::string diff_folded(const Profile& base, const Profile& next) {
  return diff_folded(std::vector<Profile>{base}, std::vector<Profile>{next});
}

}  // namespace aiprof::report
