#include "aiprof/report/profile.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

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

bool OperationMetrics::counted(std::string_view category) const {
  if (!measured) return false;
  for (const std::string& t : tracked)
    if (t == category) return true;
  return false;
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

void attribute_root_self(Profile& profile, const std::string& name) {
  CallNode& root = profile.nodes[0];
  if (root.self_ns == 0 && root.samples_self == 0 && root.alloc_count == 0) return;
  uint64_t self_ns = root.self_ns, samples = root.samples_self;
  uint64_t allocs = root.alloc_count, alloc_bytes = root.alloc_bytes;
  bool exact = root.has_exact;
  root.self_ns = root.samples_self = root.alloc_count = root.alloc_bytes = 0;
  uint32_t frame = profile.intern_frame(Frame{name, "", 0, FrameKind::Native});
  CallNode& n = profile.nodes[profile.child(0, frame)];  // (child() may move nodes: after it)
  n.has_exact = n.has_exact || exact;
  n.inclusive_ns += self_ns, n.self_ns += self_ns;
  n.samples_inclusive += samples, n.samples_self += samples;
  n.alloc_count += allocs, n.alloc_bytes += alloc_bytes;
}

namespace {

// Native frames are interned per source line (their PC's), so one native function can be
// many frames. Totals are per function: native frames of one name and file count as one, the
// first of them standing for the others. Every other frame is a function of its own.
std::vector<uint32_t> function_of_frames(const Profile& p, std::vector<FunctionTotal>& totals) {
  std::vector<uint32_t> function_of(p.frames.size());
  std::map<std::pair<std::string_view, std::string_view>, uint32_t> first_native;
  for (uint32_t f = 0; f < p.frames.size(); ++f) {
    function_of[f] = f;
    const Frame& frame = p.frames[f];
    if (frame.kind != FrameKind::Native) continue;
    auto [it, first] = first_native.try_emplace({frame.name, frame.file}, f);
    function_of[f] = it->second;
    if (!first) totals[it->second].several_lines = true;
  }
  return function_of;
}

struct Walk {
  const Profile& p;
  const std::vector<uint32_t>& function_of;
  std::vector<uint32_t> on_path;  // per function: its activations on the current path
  std::vector<FunctionTotal>& totals;

  // Depth first; inclusive figures are added only at a function's outermost activation.
  void accumulate(uint32_t node) {
    const CallNode& n = p.nodes[node];
    uint32_t function = function_of[n.frame];
    FunctionTotal& t = totals[function];
    t.frame = function;
    t.calls += n.calls;
    t.self_ns += n.self_ns;
    t.samples_self += n.samples_self;
    if (on_path[function] == 0) {
      t.inclusive_ns += n.inclusive_ns;
      t.samples_inclusive += n.samples_inclusive;
    }
    ++on_path[function];
    for (uint32_t c : n.children) accumulate(c);
    --on_path[function];
  }
};

}  // namespace

std::vector<FunctionTotal> function_totals(const Profile& profile) {
  std::vector<FunctionTotal> totals(profile.frames.size());
  std::vector<uint32_t> function_of = function_of_frames(profile, totals);
  Walk walk{profile, function_of, std::vector<uint32_t>(profile.frames.size(), 0), totals};
  for (uint32_t c : profile.nodes[0].children) walk.accumulate(c);
  std::vector<FunctionTotal> out;
  for (uint32_t f = 1; f < totals.size(); ++f) {
    FunctionTotal& t = totals[f];
    // Each node's times are rounded on their own (time_precision), so a recursive function's
    // many self times can add up to more than its outermost inclusive time; self within
    // inclusive is what was measured, to that precision.
    t.self_ns = std::min(t.self_ns, t.inclusive_ns);
    if (t.calls || t.samples_inclusive || t.inclusive_ns) out.push_back(t);
  }
  return out;
}

}  // namespace aiprof::report
