#include "aiprof/report/sampled_lines.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace aiprof::report {

namespace {

using LineKey = std::pair<uint32_t, uint32_t>;  // (function frame, line)

bool has_line(const Profile& p, const LineNode& l) { return l.line != 0 && l.node < p.nodes.size(); }

LineKey key_of(const Profile& p, const LineNode& l) { return {p.nodes[l.node].frame, l.line}; }

}  // namespace

std::vector<uint32_t> line_path(const Profile& profile, uint32_t node) {
  std::vector<uint32_t> path;
  for (uint32_t at = node; at != kNoNode && path.size() <= profile.line_nodes.size();
       at = profile.line_nodes[at].parent)
    path.push_back(at);
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<HotLine> hot_lines(const Profile& profile) {
  std::map<LineKey, HotLine> by_line;
  for (uint32_t n = 0; n < profile.line_nodes.size(); ++n) {
    uint64_t samples = profile.line_nodes[n].samples_self;
    if (samples == 0) continue;
    std::vector<uint32_t> path = line_path(profile, n);
    std::set<LineKey> seen;  // a recursive path names a line once per sample
    bool innermost = true;
    for (size_t i = path.size(); i-- > 0;) {
      const LineNode& l = profile.line_nodes[path[i]];
      if (!has_line(profile, l)) continue;
      LineKey key = key_of(profile, l);
      HotLine& hot = by_line[key];
      hot.function_frame = key.first;
      hot.line = key.second;
      if (innermost) hot.samples_self += samples;
      innermost = false;
      if (seen.insert(key).second) hot.samples_total += samples;
    }
  }
  std::vector<HotLine> out;
  for (const auto& [key, hot] : by_line) out.push_back(hot);
  std::stable_sort(out.begin(), out.end(), [](const HotLine& a, const HotLine& b) {
    return a.samples_self != b.samples_self ? a.samples_self > b.samples_self
                                            : a.samples_total > b.samples_total;
  });
  return out;
}

}  // namespace aiprof::report
