#include "sample_timeline.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

namespace aiprof::report {

namespace {

namespace sam = aiprof::sampler;

// Past this many spans the rest of the slices are left out, and counted.
constexpr size_t kMaxTimelineEvents = 200'000;

// One thread's open frames: a slice closes the frames its stack does not share with the one
// before it and opens the ones it adds, so a frame on many consecutive stacks is one span.
class ThreadLayout {
 public:
  ThreadLayout(Profile& profile, uint32_t thread) : p_(profile), thread_(thread) {}

  void slice(uint32_t leaf, uint64_t start_ns) {
    path_.clear();
    for (uint32_t n = leaf; n != 0 && n != kNoNode; n = p_.nodes[n].parent) path_.push_back(n);
    std::reverse(path_.begin(), path_.end());
    size_t common = 0;
    while (common < open_.size() && common < path_.size() && open_[common].node == path_[common])
      ++common;
    close_to(common, start_ns);
    for (size_t i = common; i < path_.size(); ++i) open_.push_back(OpenFrame{path_[i], start_ns});
  }

  void close_to(size_t depth, uint64_t end_ns) {
    for (; open_.size() > depth; open_.pop_back()) {
      const OpenFrame& f = open_.back();
      p_.timeline.push_back(TimelineEvent{thread_, p_.nodes[f.node].frame,
                                          static_cast<uint32_t>(open_.size() - 1), f.start_ns,
                                          end_ns - std::min(end_ns, f.start_ns)});
    }
  }

 private:
  struct OpenFrame {
    uint32_t node;
    uint64_t start_ns;
  };
  Profile& p_;
  uint32_t thread_;
  std::vector<OpenFrame> open_;
  std::vector<uint32_t> path_;
};

uint64_t period_ns(const Profile& p) {
  if (!p.sampling) return 0;
  double hz = p.sampling->rate_delivered_hz > 0 ? p.sampling->rate_delivered_hz
                                                : p.sampling->rate_requested_hz;
  return hz > 0 ? static_cast<uint64_t>(1e9 / hz) : 0;
}

bool has_exact_spans(const Profile& p) {
  return std::any_of(p.nodes.begin(), p.nodes.end(), [](const CallNode& n) { return n.has_exact; });
}

}  // namespace

bool timeline_is_sampled(const Profile& profile) {
  return profile.sampling && !profile.timeline.empty() && !has_exact_spans(profile);
}

void add_sample_timeline(Profile& profile, const sam::SampledSession& session,
                         const std::vector<uint32_t>& stack_nodes) {
  if (!profile.timeline.empty() || has_exact_spans(profile)) return;
  std::map<int64_t, uint32_t> thread_of_tid;
  for (const ThreadInfo& t : profile.threads) thread_of_tid.emplace(t.tid, t.id);
  std::map<uint32_t, ThreadLayout> layouts;
  std::map<uint32_t, uint64_t> thread_end;
  uint64_t left_out = session.slices_dropped;
  for (const sam::SampleSlice& slice : session.slices) {
    auto thread = thread_of_tid.find(slice.tid);
    if (thread == thread_of_tid.end() || slice.stack >= stack_nodes.size()) continue;
    if (profile.timeline.size() >= kMaxTimelineEvents) {
      left_out += slice.samples;
      continue;
    }
    auto [layout, inserted] = layouts.try_emplace(thread->second, profile, thread->second);
    layout->second.slice(stack_nodes[slice.stack], slice.start_ns);
    thread_end[thread->second] = slice.last_ns + period_ns(profile);
  }
  for (auto& [thread, layout] : layouts) layout.close_to(0, thread_end[thread]);
  std::stable_sort(profile.timeline.begin(), profile.timeline.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) {
                     return std::tie(a.thread, a.start_ns, a.depth) <
                            std::tie(b.thread, b.start_ns, b.depth);
                   });
  if (left_out)
    profile.profiler.notes.push_back(
        std::to_string(left_out) +
        " samples are not on the timeline: the timeline of sampled stacks is bounded");
}

}  // namespace aiprof::report
