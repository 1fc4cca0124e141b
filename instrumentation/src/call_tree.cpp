#include "aiprof/instrumentation/call_tree.hpp"

#include <algorithm>

namespace aiprof::instrumentation {

CallTree::CallTree(SpanClock clock, uint64_t min_ticks)
    : clock_(clock), min_ticks_(min_ticks), probe_cap_ticks_(clock.to_ticks(kProbeCapNs)) {
  TreeNode root;
  root.key = span_key(SpanType::Root, 0);
  nodes_.push_back(root);
  stack_.resize(256);
}

void CallTree::start() {
  depth_ = 0;
  start_tick_ = clock_.now();
  stack_[depth_++] = OpenSpan{kRoot, kNoSite, 0, 0, start_tick_};
}

void CallTree::finish() {
  if (depth_ == 0) return;
  uint64_t saved_min = min_ticks_;
  min_ticks_ = 0;  // spans cut short by the end of the session are kept, whatever their length
  while (depth_ > 1) exit();
  min_ticks_ = saved_min;
  OpenSpan& root = stack_[0];
  end_tick_ = clock_.now();
  uint64_t elapsed = end_tick_ - root.start;
  TreeNode& n = nodes_[kRoot];
  n.calls = 1;
  n.inclusive_ticks = elapsed;
  n.self_ticks = elapsed - std::min(elapsed, root.children_ticks);
  depth_ = 0;
}

void CallTree::record_metric(uint32_t depth, const std::string& name, const MetricValue& value) {
  uint32_t node = stack_[std::min(depth, depth_) - 1].node;
  auto& metrics = node_metrics_[node];
  auto [it, inserted] = metrics.emplace(name, value);
  if (!inserted) accumulate_metric(it->second, value);
}

// Few children: a scan of the sibling list. Many (a dispatcher calling hundreds of
// functions): a hash index, so a lookup stays O(1).
uint32_t CallTree::find_or_add_child(uint32_t parent, SpanKey key) {
  uint32_t found = kNoTreeNode;
  if (nodes_[parent].child_count <= kScanLimit) {
    for (uint32_t c = nodes_[parent].first_child; c != kNoTreeNode; c = nodes_[c].next_sibling)
      if (nodes_[c].key == key) {
        found = c;
        break;
      }
  } else if (auto it = child_index_.find(ChildIndexKey{parent, key}); it != child_index_.end()) {
    found = it->second;
  }
  if (found == kNoTreeNode) found = add_child(parent, key);
  nodes_[parent].last_hit = found;
  return found;
}

uint32_t CallTree::add_child(uint32_t parent, SpanKey key) {
  auto index = static_cast<uint32_t>(nodes_.size());
  TreeNode n;
  n.key = key;
  n.parent = parent;
  n.next_sibling = nodes_[parent].first_child;
  nodes_.push_back(n);
  TreeNode& p = nodes_[parent];
  p.first_child = index;
  ++p.child_count;
  if (p.child_count == kScanLimit + 1) {  // switch this parent to the hash index
    for (uint32_t c = p.first_child; c != kNoTreeNode; c = nodes_[c].next_sibling)
      child_index_.emplace(ChildIndexKey{parent, nodes_[c].key}, c);
  } else if (p.child_count > kScanLimit + 1) {
    child_index_.emplace(ChildIndexKey{parent, key}, index);
  }
  return index;
}

// Sites are keyed by the enclosing tree node's key (not its index), so calls of one function
// along different paths share their sites.
void CallTree::enter_site(SpanKey key) {
  ++enters_;
  bool probe = --enter_probe_countdown_ == 0;
  uint64_t before = probe ? clock_.now() : 0;
  const OpenSpan& parent = stack_[depth_ - 1];
  uint32_t tree_parent = parent.site == kNoSite ? depth_ - 1 : parent.tree_parent;
  uint32_t node = parent.node;
  uint32_t site = site_index(nodes_[node].key, key);
  ++sites_[site].active;
  if (depth_ == stack_.size()) [[unlikely]]
    grow_stack();
  stack_[depth_++] = OpenSpan{node, site, tree_parent, 0, clock_.now()};
  if (probe) [[unlikely]]
    probe_enter_from(before);
}

void CallTree::enter_probed(SpanKey key) {
  uint64_t before = clock_.now();
  open_span(key);
  probe_enter_from(before);
}

// The span's start is its enter's last clock read: from `before` to it is the enter's work.
void CallTree::probe_enter_from(uint64_t before) {
  probed_enter_ticks_ += std::min(stack_[depth_ - 1].start - before, probe_cap_ticks_);
  ++probed_enters_;
  enter_probe_countdown_ = kProbeInterval;
}

void CallTree::exit_probed(uint64_t now) {
  close_span(now);
  probed_exit_ticks_ += std::min(clock_.now() - now, probe_cap_ticks_);
  ++probed_exits_;
  exit_probe_countdown_ = kProbeInterval;
}

// Every enter has its exit (finish() closes what is left), so both scale by the enters.
double CallTree::bookkeeping_ticks() const {
  double per_span = 0;
  if (probed_enters_)
    per_span += static_cast<double>(probed_enter_ticks_) / static_cast<double>(probed_enters_);
  if (probed_exits_)
    per_span += static_cast<double>(probed_exit_ticks_) / static_cast<double>(probed_exits_);
  return per_span * static_cast<double>(enters_);
}

uint32_t CallTree::site_index(SpanKey owner, SpanKey key) {
  auto [it, inserted] =
      site_index_.emplace(SiteIndexKey{owner, key}, static_cast<uint32_t>(sites_.size()));
  if (inserted) sites_.push_back(SiteFigures{owner, key});
  return it->second;
}

// A site's self time excludes what was nested in it; its time goes to an enclosing site's
// children, not to the enclosing tree span's (whose self time includes its expressions).
void CallTree::exit_site(const OpenSpan& span, uint64_t elapsed) {
  SiteFigures& f = sites_[span.site];
  --f.active;
  if (elapsed < min_ticks_) [[unlikely]] {
    ++filtered_;
    return;
  }
  ++f.calls;
  f.self_ticks += elapsed - std::min(elapsed, span.children_ticks);
  if (f.active == 0) f.inclusive_ticks += elapsed;
  OpenSpan& parent = stack_[depth_ - 1];
  if (parent.site != kNoSite) parent.children_ticks += elapsed;
  if (timeline_) [[unlikely]]
    timeline_->record(span.start, elapsed, kSiteSpanBit | span.site, depth_ - 1);
}

void CallTree::grow_stack() { stack_.resize(stack_.size() * 2); }

double measure_span_cost_ticks(const SpanClock& clock, bool with_timeline) {
  constexpr int kRounds = 7;
  constexpr int kSpans = 20000;
  constexpr SpanKey kOuter = span_key(SpanType::Custom, 1);
  constexpr SpanKey kInner = span_key(SpanType::Custom, 2);
  double best = 0;
  for (int round = 0; round < kRounds; ++round) {
    CallTree tree(clock, 0);
    if (with_timeline) tree.enable_timeline(kSpans + 1);
    tree.start();
    tree.enter(kOuter);
    for (int i = 0; i < kSpans; ++i) {
      tree.enter(kInner);
      tree.exit();
    }
    tree.exit();
    tree.finish();
    // The outer span's self time is what its children's enters and exits cost it.
    double per_span = static_cast<double>(tree.nodes()[1].self_ticks) / kSpans;
    if (round == 0 || per_span < best) best = per_span;
  }
  return best;
}

}  // namespace aiprof::instrumentation
