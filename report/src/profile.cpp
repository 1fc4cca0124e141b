#include "aiprof/report/profile.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace aiprof::report {

bool OperationMetrics::counted(std::string_view category) const {
  if (!measured) return false;
  for (const std::string& t : tracked)
    if (t == category) return true;
  return false;
}

OperationMetrics& OperationMetrics::operator+=(const OperationMetrics& in) {
  for (const std::string& t : in.tracked)
    if (std::find(tracked.begin(), tracked.end(), t) == tracked.end()) tracked.push_back(t);
  for (auto [into, from] : {std::pair{&arithmetic, in.arithmetic}, {&comparison, in.comparison},
                            {&logical, in.logical}, {&string, in.string}, {&array, in.array},
                            {&object, in.object}, {&function_calls, in.function_calls},
                            {&variable_accesses, in.variable_accesses},
                            {&property_accesses, in.property_accesses},
                            {&string_dictionary, in.string_dictionary}})
    *into += from;
  for (auto [into, from] : {std::pair{&calls_by_function, &in.calls_by_function},
                            {&accesses_by_variable, &in.accesses_by_variable},
                            {&property_accesses_by_type, &in.property_accesses_by_type},
                            {&dictionary_by_operation, &in.dictionary_by_operation}})
    for (const auto& [key, count] : *from) (*into)[key] += count;
  return *this;
}

CallNode& CallNode::add_figures(const CallNode& from) {
  has_exact = has_exact || from.has_exact;
  for (auto [into, more] : {std::pair{&calls, from.calls}, {&inclusive_ns, from.inclusive_ns},
                            {&self_ns, from.self_ns}, {&samples_inclusive, from.samples_inclusive},
                            {&samples_self, from.samples_self}, {&alloc_count, from.alloc_count},
                            {&alloc_bytes, from.alloc_bytes}, {&inuse_objects, from.inuse_objects},
                            {&inuse_bytes, from.inuse_bytes}})
    *into += more;
  disagreement = disagreement || from.disagreement;
  return *this;
}

Profile::Profile() {
  frames.push_back(Frame{"<root>", "", 0, FrameKind::Root});
  nodes.push_back(CallNode{});
}

size_t FrameKeyHash::operator()(const FrameKey& key) const noexcept {
  size_t h = std::hash<std::string>()(key.name);
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  mix(std::hash<std::string>()(key.file));
  mix((static_cast<size_t>(key.line) << 32) | key.column);
  mix(static_cast<size_t>(key.kind));
  return h;
}

// The first of equal frames keeps the key, as a scan from the front would find it.
uint32_t Profile::intern_frame(const Frame& f) {
  if (indexed_frames_ > frames.size()) {  // frames were cleared or cut: index them again
    frame_index_.clear();
    indexed_frames_ = 0;
  }
  for (; indexed_frames_ < frames.size(); ++indexed_frames_)
    frame_index_.try_emplace(FrameKey(frames[indexed_frames_]),
                             static_cast<uint32_t>(indexed_frames_));
  auto [it, inserted] = frame_index_.try_emplace(FrameKey(f), static_cast<uint32_t>(frames.size()));
  if (inserted) {
    frames.push_back(f);
    ++indexed_frames_;
  }
  return it->second;
}

uint32_t Profile::child(uint32_t parent, uint32_t frame) {
  for (uint32_t c : nodes[parent].children)
    if (nodes[c].frame == frame) return c;
  return add_child(parent, frame);
}

uint32_t Profile::add_child(uint32_t parent, uint32_t frame) {
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
  if (root.self_ns == 0 && root.samples_self == 0 && root.alloc_count == 0 &&
      root.inuse_objects == 0)
    return;
  uint64_t self_ns = root.self_ns, samples = root.samples_self;
  uint64_t allocs = root.alloc_count, alloc_bytes = root.alloc_bytes;
  uint64_t inuse_objects = root.inuse_objects, inuse_bytes = root.inuse_bytes;
  bool exact = root.has_exact;
  root.self_ns = root.samples_self = root.alloc_count = root.alloc_bytes = 0;
  root.inuse_objects = root.inuse_bytes = 0;
  uint32_t frame = profile.intern_frame(Frame{name, "", 0, FrameKind::Native});
  CallNode& n = profile.nodes[profile.child(0, frame)];  // (child() may move nodes: after it)
  n.has_exact = n.has_exact || exact;
  n.inclusive_ns += self_ns, n.self_ns += self_ns;
  n.samples_inclusive += samples, n.samples_self += samples;
  n.alloc_count += allocs, n.alloc_bytes += alloc_bytes;
  n.inuse_objects += inuse_objects, n.inuse_bytes += inuse_bytes;
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
