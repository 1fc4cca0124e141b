#include "session_delta.hpp"

#include <algorithm>

namespace aiprof::sampler::detail {

namespace {

// The frames from the root to `node`, split the way StackTrie::add takes them: guest ids
// outermost first, native PCs innermost first.
void path_of(const StackTrie& trie, uint32_t node, std::vector<uint32_t>* guest,
             std::vector<uintptr_t>* native_innermost_first) {
  guest->clear();
  native_innermost_first->clear();
  const auto& nodes = trie.nodes();
  for (uint32_t n = node; n != StackTrie::kRoot; n = nodes[n].parent) {
    uint64_t frame = nodes[n].frame;
    if (StackTrie::is_native(frame))
      native_innermost_first->push_back(StackTrie::native_pc(frame));
    else
      guest->push_back(StackTrie::guest_id(frame));
  }
  std::reverse(guest->begin(), guest->end());  // walked innermost first
}

uint64_t less(uint64_t now, uint64_t then) { return now > then ? now - then : 0; }

}  // namespace

StackTrie stacks_since(const StackTrie& now, const std::vector<uint64_t>& at_mark,
                       std::vector<uint32_t>* node_of) {
  StackTrie out;
  const auto& nodes = now.nodes();
  node_of->assign(nodes.size(), UINT32_MAX);
  std::vector<uint32_t> guest;
  std::vector<uintptr_t> native;
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    uint64_t before = n < at_mark.size() ? at_mark[n] : 0;
    uint64_t arrived = less(nodes[n].self_samples, before);
    if (arrived == 0) continue;
    path_of(now, n, &guest, &native);
    (*node_of)[n] = out.add(guest.data(), static_cast<uint32_t>(guest.size()), native.data(),
                            static_cast<uint32_t>(native.size()), arrived);
  }
  return out;
}

ThreadFigures figures_since(const ThreadFigures& now, const ThreadFigures* at_mark) {
  if (!at_mark) return now;
  ThreadFigures f = now;
  f.ticks = less(now.ticks, at_mark->ticks);
  f.samples = less(now.samples, at_mark->samples);
  f.dropped = less(now.dropped, at_mark->dropped);
  f.unsettled = less(now.unsettled, at_mark->unsettled);
  f.missed = less(now.missed, at_mark->missed);
  f.late = less(now.late, at_mark->late);
  f.throttled = less(now.throttled, at_mark->throttled);
  f.truncated = less(now.truncated, at_mark->truncated);
  f.native_failures = less(now.native_failures, at_mark->native_failures);
  f.handler_ns = less(now.handler_ns, at_mark->handler_ns);
  f.cpu_ns = less(now.cpu_ns, at_mark->cpu_ns);
  f.wall_ns = less(now.wall_ns, at_mark->wall_ns);
  return f;
}

}  // namespace aiprof::sampler::detail
