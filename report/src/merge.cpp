// merge_profiles: the call trees, the session, threads and timelines, and the notes. The
// counters are in merge_figures.cpp; merge.hpp states the rules.
#include "aiprof/report/merge.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "merge_parts.hpp"

namespace aiprof::report {

namespace {

using namespace merge_detail;

// Input frame index -> merged frame index, for every frame of `in` (matched by FrameKey).
std::vector<uint32_t> map_frames(Profile& out, const Profile& in) {
  std::vector<uint32_t> map(in.frames.size(), 0);
  for (uint32_t i = 1; i < in.frames.size(); ++i) map[i] = out.intern_frame(in.frames[i]);
  return map;
}

// Adds `in`'s tree to `out`'s, node by node along equal frame paths. An explicit stack, so a
// deep tree cannot exhaust the native one.
// Returns input node -> merged node.
std::vector<uint32_t> add_tree(Profile& out, const Profile& in,
                               const std::vector<uint32_t>& frame_map) {
  std::vector<uint32_t> node_map(in.nodes.size(), 0);
  std::vector<std::pair<uint32_t, uint32_t>> pending{{0, 0}};  // (input node, merged node)
  while (!pending.empty()) {
    auto [from, into] = pending.back();
    pending.pop_back();
    node_map[from] = into;
    out.nodes[into].add_figures(in.nodes[from]);
    add_metrics(out.nodes[into].metrics, in.nodes[from].metrics);
    for (uint32_t c : in.nodes[from].children)
      pending.emplace_back(c, out.child(into, frame_map[in.nodes[c].frame]));
  }
  return node_map;
}

// Adds `in`'s sampled lines to `out`'s, line node by line node along equal paths.
void add_sampled_lines(Profile& out, const Profile& in, const std::vector<uint32_t>& node_map) {
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> index;  // (parent, node, line)
  for (uint32_t i = 0; i < out.line_nodes.size(); ++i) {
    const LineNode& l = out.line_nodes[i];
    index.emplace(std::make_tuple(l.parent, l.node, l.line), i);
  }
  std::vector<uint32_t> line_map(in.line_nodes.size(), kNoNode);
  for (uint32_t i = 0; i < in.line_nodes.size(); ++i) {
    const LineNode& l = in.line_nodes[i];
    uint32_t parent = l.parent == kNoNode ? kNoNode : line_map[l.parent];
    auto [it, added] = index.emplace(std::make_tuple(parent, node_map[l.node], l.line),
                                     static_cast<uint32_t>(out.line_nodes.size()));
    if (added) out.line_nodes.push_back(LineNode{node_map[l.node], parent, l.line, 0});
    out.line_nodes[it->second].samples_self += l.samples_self;
    line_map[i] = it->second;
  }
}

// Threads, timeline events (times shifted by `offset_ns`, indexes remapped).
void add_threads_and_timeline(Profile& out, const Profile& in, const std::string& name, bool label,
                              const std::vector<uint32_t>& frame_map, uint64_t offset_ns) {
  uint32_t thread_offset = static_cast<uint32_t>(out.threads.size());
  for (ThreadInfo t : in.threads) {
    t.id += thread_offset;
    if (label) t.name += " [" + name + "]";
    out.threads.push_back(std::move(t));
  }
  for (TimelineEvent e : in.timeline) {
    e.thread += thread_offset;
    e.frame = frame_map[e.frame];
    e.start_ns += offset_ns;
    out.timeline.push_back(e);
  }
}

// The value every input has, or `mixed` when they differ.
template <typename Get>
std::string agreed(const std::vector<Profile>& inputs, Get get, const std::string& mixed) {
  for (const Profile& p : inputs)
    if (get(p) != get(inputs[0])) return mixed;
  return get(inputs[0]);
}

void merge_session(Profile& out, const std::vector<Profile>& inputs) {
  out.session_name = agreed(
      inputs, [](const Profile& p) { return p.session_name; }, "merged");
  out.mode = agreed(
      inputs, [](const Profile& p) { return p.mode; }, "mixed");
  out.granularity = agreed(
      inputs, [](const Profile& p) { return p.granularity; }, "mixed");
  out.program = agreed(
      inputs, [](const Profile& p) { return p.program; }, "(several programs)");
  out.time_precision = agreed(
      inputs, [](const Profile& p) { return p.time_precision; }, "mixed");
  out.start_time = inputs[0].start_time;
  out.end_time = inputs[0].end_time;
  out.exit_status = inputs[0].exit_status;
  out.time_measured = true;
  for (const Profile& p : inputs) {
    // ISO 8601 UTC times of one format order as text.
    if (!p.start_time.empty() && (out.start_time.empty() || p.start_time < out.start_time))
      out.start_time = p.start_time;
    out.end_time = std::max(out.end_time, p.end_time);
    if (p.exit_status != out.exit_status) out.exit_status.reset();
    out.time_measured = out.time_measured && p.time_measured;
    out.duration_ns += p.duration_ns;
    for (const auto& [k, v] : p.labels) out.labels.emplace(k, v);
    add_metrics(out.metrics, p.metrics);
  }
  // System details only where every input agrees (they may come from different machines).
  out.system_info = inputs[0].system_info;
  for (const Profile& p : inputs)
    std::erase_if(out.system_info, [&](const auto& kv) {
      auto it = p.system_info.find(kv.first);
      return it == p.system_info.end() || it->second != kv.second;
    });
}

// Which inputs were merged; notes all inputs share once, the others prefixed by their input.
// A note keeps its kind (ProfilerCost::internal_notes), prefixed or not.
void merge_notes(const std::vector<Profile>& inputs, const std::vector<std::string>& names,
                 ProfilerCost& out) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  out.notes = {"merged " + std::to_string(inputs.size()) + " profiles: " + list};
  out.internal_notes.clear();
  auto shared = [&](const std::string& note) {
    return std::all_of(inputs.begin(), inputs.end(), [&](const Profile& p) {
      return std::find(p.profiler.notes.begin(), p.profiler.notes.end(), note) !=
             p.profiler.notes.end();
    });
  };
  auto add = [&](const ProfilerCost& from, const std::string& note, const std::string& text) {
    if (from.is_internal(note))
      out.add_internal_note(text);
    else
      out.notes.push_back(text);
  };
  for (const std::string& note : inputs[0].profiler.notes)
    if (shared(note)) add(inputs[0].profiler, note, note);
  for (size_t i = 0; i < inputs.size(); ++i)
    for (const std::string& note : inputs[i].profiler.notes)
      if (!shared(note)) add(inputs[i].profiler, note, names[i] + ": " + note);
}

}  // namespace

Profile merge_profiles(const std::vector<Profile>& profiles,
                       const std::vector<std::string>& names) {
  if (profiles.empty()) throw std::invalid_argument("merge_profiles: no profiles");
  if (profiles.size() != names.size())
    throw std::invalid_argument("merge_profiles: one name per profile");
  Profile out;
  merge_session(out, profiles);
  std::vector<uint32_t> thread_offsets;
  uint64_t offset_ns = 0;
  for (size_t i = 0; i < profiles.size(); ++i) {
    const Profile& in = profiles[i];
    std::vector<uint32_t> frame_map = map_frames(out, in);
    thread_offsets.push_back(static_cast<uint32_t>(out.threads.size()));
    add_sampled_lines(out, in, add_tree(out, in, frame_map));
    add_threads_and_timeline(out, in, names[i], profiles.size() > 1, frame_map, offset_ns);
    add_memory(out.memory, in.memory, offset_ns, i == 0);
    add_operations(out.operations, in.operations, i == 0);
    offset_ns += in.duration_ns;
  }
  out.sampling = merge_sampling(profiles, thread_offsets);
  out.profiler = merge_cost(profiles);
  merge_notes(profiles, names, out.profiler);
  return out;
}

}  // namespace aiprof::report
