// Folded stacks ("main;parse;lex 42"), one line per call path with weight, the input of
// flamegraph.pl, inferno, speedscope and Pyroscope. The weight is the path's self samples when
// the profile was sampled, else its exact self time in whole microseconds (rounded); paths of
// weight zero are left out. Frame names are made safe for the format (docs/formats.md).
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aiprof/report/report_writer.hpp"

namespace aiprof::report {

namespace {

// ';' separates frames and whitespace ends the stack, so neither may appear in a name.
std::string folded_name(const std::string& name) {
  std::string out = name.empty() ? "?" : name;
  for (char& c : out) {
    if (c == ';')
      c = ':';
    else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
      c = '_';
  }
  return out;
}

uint64_t weight_of(const Profile& p, const CallNode& n) {
  if (p.sampling) return n.samples_self;
  return (n.self_ns + 500) / 1000;
}

// Each node's stack, built in one walk from the root carrying the parent's stack; only nodes
// of non-zero weight keep theirs. An explicit stack, so a deep tree cannot exhaust the native one.
std::vector<std::string> weighted_stacks(const Profile& p) {
  std::vector<std::string> stacks(p.nodes.size());
  std::vector<std::pair<uint32_t, std::string>> pending;
  // The root's own samples (no guest frame) fold to the root frame's name.
  if (weight_of(p, p.nodes[0])) stacks[0] = folded_name(p.frames[p.nodes[0].frame].name);
  for (auto it = p.nodes[0].children.rbegin(); it != p.nodes[0].children.rend(); ++it)
    pending.emplace_back(*it, std::string());
  while (!pending.empty()) {
    auto [node, prefix] = std::move(pending.back());
    pending.pop_back();
    const CallNode& n = p.nodes[node];
    std::string stack = prefix + (prefix.empty() ? "" : ";") + folded_name(p.frames[n.frame].name);
    for (uint32_t c : n.children) pending.emplace_back(c, stack);
    if (weight_of(p, n)) stacks[node] = std::move(stack);
  }
  return stacks;
}

class FoldedWriter final : public ReportWriter {
 public:
  // Two nodes can fold to the same line (frames alike in name, told apart by file or line):
  // their weights are added, so each stack appears once, in call-tree (node) order.
  std::string render(const Profile& p, const RenderOptions&) const override {
    std::vector<std::string> stacks = weighted_stacks(p);
    std::vector<std::pair<std::string, uint64_t>> lines;
    std::unordered_map<std::string, size_t> index;
    for (uint32_t node = 0; node < p.nodes.size(); ++node) {
      uint64_t weight = weight_of(p, p.nodes[node]);
      if (weight == 0) continue;
      auto [it, added] = index.emplace(stacks[node], lines.size());
      if (added)
        lines.emplace_back(std::move(stacks[node]), weight);
      else
        lines[it->second].second += weight;
    }
    std::string out;
    for (const auto& [stack, weight] : lines) out += stack + " " + std::to_string(weight) + "\n";
    return out;
  }
  std::string_view format_name() const override { return "folded"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_folded_writer() { return std::make_unique<FoldedWriter>(); }

}  // namespace aiprof::report
