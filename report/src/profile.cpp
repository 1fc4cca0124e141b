#include "aiprof/report/profile.hpp"

#include <unordered_map>

namespace aiprof::report {

const char* frame_kind_name(FrameKind kind) {
  switch (kind) {
    case FrameKind::Root: return "root";
    case FrameKind::Function: return "function";
    case FrameKind::Module: return "module";
    case FrameKind::Import: return "import";
    case FrameKind::Native: return "native";
    case FrameKind::Builtin: return "builtin";
    case FrameKind::Custom: return "custom";
    case FrameKind::Expression: return "expression";
    case FrameKind::Block: return "block";
    case FrameKind::GC: return "gc";
  }
  return "custom";
}

Profile::Profile() {
  frames.push_back(Frame{"<root>", "", 0, FrameKind::Root});
  nodes.push_back(CallNode{});
}

uint32_t Profile::intern_frame(const Frame& f) {
  for (uint32_t i = 0; i < frames.size(); ++i) {
    const Frame& g = frames[i];
    if (g.name == f.name && g.file == f.file && g.line == f.line && g.kind == f.kind && g.column == f.column)
      return i;
  }
  frames.push_back(f);
  return static_cast<uint32_t>(frames.size() - 1);
}

uint32_t Profile::child(uint32_t parent, uint32_t frame) {
  for (uint32_t c : nodes[parent].children)
    if (nodes[c].frame == frame) return c;
  CallNode n;
  n.frame = frame;
  n.parent = parent;
  nodes.push_back(std::move(n));
  uint32_t index = static_cast<uint32_t>(nodes.size() - 1);
  nodes[parent].children.push_back(index);
  return index;
}

namespace {

// Depth-first walk keeping, per frame, how many activations of it are on the current path, so
// inclusive figures are added only at the outermost one.
void accumulate(const Profile& p, uint32_t node, std::vector<uint32_t>& on_path,
                std::vector<FunctionTotal>& totals) {
  const CallNode& n = p.nodes[node];
  FunctionTotal& t = totals[n.frame];
  t.frame = n.frame;
  t.calls += n.calls;
  t.self_ns += n.self_ns;
  t.samples_self += n.samples_self;
  if (on_path[n.frame] == 0) {
    t.inclusive_ns += n.inclusive_ns;
    t.samples_inclusive += n.samples_inclusive;
  }
  ++on_path[n.frame];
  for (uint32_t c : n.children) accumulate(p, c, on_path, totals);
  --on_path[n.frame];
}

}  // namespace

std::vector<FunctionTotal> function_totals(const Profile& profile) {
  std::vector<FunctionTotal> totals(profile.frames.size());
  std::vector<uint32_t> on_path(profile.frames.size(), 0);
  for (uint32_t c : profile.nodes[0].children) accumulate(profile, c, on_path, totals);
  std::vector<FunctionTotal> out;
  for (uint32_t f = 1; f < totals.size(); ++f)
    if (totals[f].calls || totals[f].samples_inclusive || totals[f].inclusive_ns) out.push_back(totals[f]);
  return out;
}

}  // namespace aiprof::report
