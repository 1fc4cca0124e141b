// Folded stacks ("main;parse;lex 42"), one line per call path with weight, the input of
// flamegraph.pl, inferno, speedscope and Pyroscope. The weight is the path's self samples when
// the profile was sampled, else its exact self time in whole microseconds (rounded); paths of
// weight zero are left out. With --lines (RenderOptions::folded_lines) a sampled profile's
// guest frames carry the line they stood at ("m.main:8;m.f:12"). Frame names are made safe
// for the format (docs/formats.md).
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

// The stacks of the sampled lines (--lines): each guest frame named with the line it stood at,
// "m.main:8;m.f:12". Each line node's stack, built as weighted_stacks builds a node's.
std::vector<std::string> line_stacks(const Profile& p) {
  std::vector<std::string> stacks(p.line_nodes.size());
  for (uint32_t i = 0; i < p.line_nodes.size(); ++i) {
    const LineNode& l = p.line_nodes[i];
    std::string name = folded_name(p.frames[p.nodes[l.node].frame].name);
    if (l.line) name += ":" + std::to_string(l.line);
    // (A parent comes before its children: LineIndex appends a child after its parent.)
    stacks[i] = l.parent == kNoNode || l.parent >= i ? name : stacks[l.parent] + ";" + name;
  }
  return stacks;
}

// Adds stacks and their weights, each stack once, in the order first seen.
class FoldedLines {
 public:
  void add(std::string stack, uint64_t weight) {
    if (weight == 0) return;
    auto [it, added] = index_.emplace(stack, lines_.size());
    if (added)
      lines_.emplace_back(std::move(stack), weight);
    else
      lines_[it->second].second += weight;
  }
  std::string text() const {
    std::string out;
    for (const auto& [stack, weight] : lines_) out += stack + " " + std::to_string(weight) + "\n";
    return out;
  }

 private:
  std::vector<std::pair<std::string, uint64_t>> lines_;
  std::unordered_map<std::string, size_t> index_;
};

class FoldedWriter final : public ReportWriter {
 public:
  // Two nodes can fold to the same line (frames alike in name, told apart by file or line):
  // their weights are added, so each stack appears once, in call-tree (node) order. With
  // --lines, a node's samples go out by the lines they stood at (what no line node holds, as
  // the root's own samples, stays on the node's stack).
  std::string render(const Profile& p, const RenderOptions& options) const override {
    bool by_line = options.folded_lines && p.sampling && !p.line_nodes.empty();
    std::vector<std::string> stacks = weighted_stacks(p);
    std::vector<uint64_t> in_lines(p.nodes.size(), 0);
    if (by_line)
      for (const LineNode& l : p.line_nodes) in_lines[l.node] += l.samples_self;
    FoldedLines out;
    for (uint32_t node = 0; node < p.nodes.size(); ++node) {
      uint64_t weight = weight_of(p, p.nodes[node]);
      if (weight > in_lines[node]) out.add(std::move(stacks[node]), weight - in_lines[node]);
    }
    if (by_line) {
      std::vector<std::string> line_stack = line_stacks(p);
      for (uint32_t i = 0; i < p.line_nodes.size(); ++i)
        out.add(std::move(line_stack[i]), p.line_nodes[i].samples_self);
    }
    return out.text();
  }
  std::string_view format_name() const override { return "folded"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_folded_writer() { return std::make_unique<FoldedWriter>(); }

}  // namespace aiprof::report
