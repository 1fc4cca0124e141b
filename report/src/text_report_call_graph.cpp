// The text report's call graph: a tree of call paths, biggest first. Direct recursion is one
// line (`m.fib x22`: its nested activations and their callees joined to the outermost), nodes
// under kCallGraphMinShare of the run are left out, and so is whatever lies past the depth or
// row limit; one line at the end counts what was left out, and why.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>
#include <variant>
#include <vector>

#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

// Call-tree nodes of one frame shown as one line: `tops` (the outermost activations) and the
// nodes of its direct recursion below them (`chain`, tops included).
struct Group {
  uint32_t frame = 0;
  std::vector<uint32_t> tops, chain;
  uint32_t levels = 1;  // nesting depth of the direct recursion
  uint64_t calls = 0, inclusive_ns = 0, self_ns = 0, samples_inclusive = 0, samples_self = 0;
  uint64_t allocs = 0;
  bool exact = false, disagreement = false;
};

Group group_of(const Profile& p, uint32_t frame, const std::vector<uint32_t>& tops) {
  Group g;
  g.frame = frame;
  g.tops = tops;
  std::vector<std::pair<uint32_t, uint32_t>> pending;  // node, recursion level
  for (uint32_t top : tops) pending.push_back({top, 1});
  while (!pending.empty()) {
    auto [node, level] = pending.back();
    pending.pop_back();
    g.chain.push_back(node);
    g.levels = std::max(g.levels, level);
    for (uint32_t child : p.nodes[node].children)
      if (p.nodes[child].frame == frame) pending.push_back({child, level + 1});
  }
  for (uint32_t top : tops) {
    g.inclusive_ns += p.nodes[top].inclusive_ns;
    g.samples_inclusive += p.nodes[top].samples_inclusive;
  }
  for (uint32_t n : g.chain) {
    const CallNode& c = p.nodes[n];
    g.calls += c.calls, g.self_ns += c.self_ns, g.samples_self += c.samples_self;
    g.allocs += c.alloc_count, g.exact |= c.has_exact, g.disagreement |= c.disagreement;
  }
  // Each node's time is rounded on its own: many selfs can add up past the inclusive time.
  g.self_ns = std::min(g.self_ns, g.inclusive_ns);
  return g;
}

// The callees of a group, one group per frame, biggest first (ties: name).
std::vector<Group> callees(const Profile& p, const Group& g) {
  std::map<uint32_t, std::vector<uint32_t>> by_frame;
  for (uint32_t n : g.chain)
    for (uint32_t child : p.nodes[n].children)
      if (p.nodes[child].frame != g.frame) by_frame[p.nodes[child].frame].push_back(child);
  std::vector<Group> groups;
  for (const auto& [frame, tops] : by_frame) groups.push_back(group_of(p, frame, tops));
  auto rank = [](const Group& x) {
    return std::make_tuple(x.inclusive_ns, x.samples_inclusive, x.calls);
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) {
    if (rank(a) != rank(b)) return rank(a) > rank(b);
    return p.frames[a.frame].name < p.frames[b.frame].name;
  });
  return groups;
}

std::string metric_text(const MetricValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return std::get<std::string>(v);
}

std::string calls_text(uint64_t calls) {
  return fmt::format("{} {}", calls, calls == 1 ? "call" : "calls");
}

// "12.3%, 1.2s, self 100ms, 1 call; 312 samples, self 10, DISAGREE, 12 allocs"
std::string figures(const Profile& p, const Group& g, double share) {
  std::string text = fmt::format("{:.1f}%", share);
  bool timed = g.exact && p.time_measured;
  if (timed)
    text += fmt::format(", {}, self {}, {}", format_duration(g.inclusive_ns),
                        format_duration(g.self_ns), calls_text(g.calls));
  if (p.sampling)
    text += fmt::format("{}{} {}, self {}", timed ? "; " : ", ", g.samples_inclusive,
                        g.samples_inclusive == 1 ? "sample" : "samples", g.samples_self);
  if (g.disagreement) text += ", DISAGREE";
  if (g.allocs) text += fmt::format(", {} allocs", g.allocs);
  if (g.chain.size() == 1)
    for (const auto& [name, value] : p.nodes[g.chain[0]].metrics)
      text += ", " + name + "=" + metric_text(value);
  return text;
}

std::string label(const Profile& p, const Group& g) {
  const Frame& f = p.frames[g.frame];
  std::string text = f.name;
  if (g.levels > 1) text += fmt::format(" x{}", g.levels);
  if (f.kind == FrameKind::Native && !f.name.starts_with('<'))  // not "<interpreter: ...>"
    text += f.file.empty() || !f.line
                ? " [native]"
                : fmt::format(" [native, {}:{}]",
                              std::filesystem::path(f.file).filename().string(), f.line);
  return text;
}

// prefix + label + " (figures)" in kTextWidth columns: the label gives way first, down to
// kMinLabel columns; then the figures lose their end (the least important: allocs, metrics).
std::string fitted(const std::string& prefix, const std::string& name, const std::string& figs) {
  constexpr size_t kMinLabel = 32;
  size_t fixed = display_width(prefix) + display_width(figs) + 3;
  size_t room = kTextWidth > fixed ? kTextWidth - fixed : 0;
  std::string label = truncate_middle(name, std::max(room, std::min(kMinLabel, display_width(name))));
  std::string line = prefix + label + " (" + figs + ")";
  if (display_width(line) <= kTextWidth) return line;
  line = prefix + label + " (" + figs;
  return std::string(line.substr(0, bytes_before_column(line, kTextWidth - 1))) + "…";
}

class CallGraphPrinter {
 public:
  CallGraphPrinter(const Profile& p, const RenderOptions& options, std::string& out)
      : p_(p),
        max_depth_(std::min<uint32_t>(options.max_call_stack_depth, kCallGraphTextDepth)),
        asked_depth_(options.max_call_stack_depth),
        out_(out) {}

  void print() {
    out_ += "\nCall Graph:\n";
    if (!p_.time_measured && !p_.sampling) {
      out_ += "  not measured\n";
      return;
    }
    const CallNode& root = p_.nodes[0];
    total_ = p_.time_measured ? std::max(root.inclusive_ns, p_.duration_ns) : root.samples_inclusive;
    std::string figures = p_.time_measured ? format_duration(total_) : "";
    if (p_.sampling)
      figures += fmt::format("{}{} samples", figures.empty() ? "" : ", ", root.samples_inclusive);
    out_ += fitted("", p_.program.empty() ? "<root>" : "<" + p_.program + ">", figures) + "\n";
    Group whole;
    whole.frame = root.frame;
    whole.chain = {0};
    children(whole, "", 1);
    left_out();
  }

 private:
  uint64_t weight(const Group& g) const {
    return p_.time_measured ? g.inclusive_ns : g.samples_inclusive;
  }
  double share(const Group& g) const { return percent_of(weight(g), total_); }

  uint64_t subtree(const Group& g) const {
    uint64_t n = 0;
    for (uint32_t top : g.tops) n += 1 + count_descendants(p_, top);
    return n;
  }

  void children(const Group& parent, const std::string& prefix, uint32_t depth) {
    std::vector<Group> shown;
    for (Group& g : callees(p_, parent)) {
      if (share(g) < 100 * kCallGraphMinShare)
        under_share_ += subtree(g);
      else
        shown.push_back(std::move(g));
    }
    for (size_t i = 0; i < shown.size(); ++i) {
      const Group& g = shown[i];
      if (rows_ == kCallGraphRowLimit) {
        past_rows_ += subtree(g);
        continue;
      }
      bool last = i + 1 == shown.size();
      ++rows_;
      out_ += fitted(prefix + (last ? "└─ " : "├─ "), label(p_, g), figures(p_, g, share(g))) + "\n";
      if (depth < max_depth_)
        children(g, prefix + (last ? "   " : "│  "), depth + 1);
      else
        too_deep_ += subtree(g) - g.chain.size();
    }
  }

  void left_out() {
    uint64_t left = under_share_ + too_deep_ + past_rows_;
    if (left == 0) return;
    std::vector<std::string> why;
    if (under_share_)
      why.push_back(fmt::format("{} under {:.0f}% of the run", under_share_, 100 * kCallGraphMinShare));
    if (too_deep_)
      why.push_back(max_depth_ == asked_depth_
                        ? fmt::format("{} beyond max_call_stack_depth {}", too_deep_, max_depth_)
                        : fmt::format("{} beyond the text report's {} levels", too_deep_, max_depth_));
    if (past_rows_)
      why.push_back(fmt::format("{} past the first {} lines", past_rows_, kCallGraphRowLimit));
    append_wrapped(out_,
                   fmt::format("Left out: {} of {} call paths ({})", left, p_.nodes.size() - 1,
                               fmt::join(why, ", ")),
                   "", "  ", kTextWidth);
  }

  const Profile& p_;
  uint32_t max_depth_, asked_depth_;
  std::string& out_;
  uint64_t total_ = 0, under_share_ = 0, too_deep_ = 0, past_rows_ = 0;
  size_t rows_ = 0;
};

}  // namespace

void call_graph(const Profile& p, const RenderOptions& options, std::string& out) {
  CallGraphPrinter(p, options, out).print();
}

}  // namespace aiprof::report::text
