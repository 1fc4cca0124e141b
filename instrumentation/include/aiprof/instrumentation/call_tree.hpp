// The call tree exact spans aggregate into: the time collector's hot path.
//
// A span enter finds (or creates) the child of the current node for its key and pushes an
// open span; an exit adds the elapsed ticks to the node's calls, inclusive and self time and
// to its parent's children time. Nothing is logged per span, so memory grows with the number
// of distinct call paths, never with the number of calls. A recursive function gets one node
// per recursion depth (each is a distinct path), so no time is ever counted twice in a node.
//
// Clock reads sit as close to the measured code as possible: enter reads the clock after its
// bookkeeping, exit before it, so the bookkeeping lands in the caller's self time (where the
// measured span cost, and --compensate, account for it).
//
// Expression and block spans (expression granularity) are not tree nodes: a path of nested
// expressions per call path made the tree, the JSON and the memory grow with the recursion
// and the nesting (GBs on a 1 s program). They aggregate instead into a flat table of sites,
// one entry per (enclosing tree node's key, i.e. function, and expression key), so their
// memory is O(distinct sites). The tree stays the function-granularity tree: a function's
// self time includes its expressions' time, a site's self time excludes the expressions and
// calls nested in it, and a site's inclusive time counts its outermost activation only (a
// recursive call evaluating the same site again is not counted twice).
//
// When a timeline is enabled, exit also hands the span to a bounded SpanTimeline (one
// predictable branch when it is not).
//
// What the profiler's bookkeeping really costs the run is measured in the run, not only in a
// warm loop at session start (which misses the cache misses of a large tree, the site table
// and the timeline: an "overhead 14.8%" run was 3.5x slower): one enter and one exit in
// kProbeInterval also read the clock before (enter) or after (exit) their bookkeeping, and
// bookkeeping_ticks() scales the probed time to every span. (A countdown and a predictable
// branch on the hot path.)
//
// Owner thread only; nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/clock.hpp"
#include "aiprof/instrumentation/span.hpp"
#include "aiprof/instrumentation/span_timeline.hpp"

namespace aiprof::instrumentation {

constexpr uint32_t kNoTreeNode = UINT32_MAX;

struct TreeNode {
  SpanKey key = 0;
  uint32_t parent = kNoTreeNode;
  uint32_t first_child = kNoTreeNode;
  uint32_t next_sibling = kNoTreeNode;
  uint32_t child_count = 0;
  uint32_t last_hit = kNoTreeNode;  // the child found last: repeated calls skip the search
  uint64_t calls = 0;
  uint64_t inclusive_ticks = 0;
  uint64_t self_ticks = 0;
  uint64_t alloc_count = 0;  // allocations made while this node was innermost
  uint64_t alloc_bytes = 0;
};

constexpr uint32_t kNoSite = UINT32_MAX;
// Timeline spans of sites carry the site's index with this bit in RawSpan::node.
constexpr uint32_t kSiteSpanBit = uint32_t{1} << 31;

// One expression or block site within one function (see above).
struct SiteFigures {
  SpanKey owner = 0;  // the enclosing tree node's key: the function (or module, import, ...)
  SpanKey site = 0;   // expression_key(...)
  uint64_t calls = 0;
  uint64_t inclusive_ticks = 0;  // outermost activations only
  uint64_t self_ticks = 0;
  uint32_t active = 0;  // activations open now
};

class CallTree {
 public:
  static constexpr uint32_t kRoot = 0;

  // `min_ticks`: spans shorter than this are filtered (not recorded, counted).
  CallTree(SpanClock clock, uint64_t min_ticks);

  // Opens the root span (the whole session).
  void start();
  // Closes every span still open (unbalanced enters), then the root.
  void finish();

  [[gnu::always_inline]] inline void enter(SpanKey key) {
    ++enters_;
    if (--enter_probe_countdown_ == 0) [[unlikely]]
      return enter_probed(key);
    open_span(key);
  }

  // An expression or block span: aggregated per site, not per path (see above).
  void enter_site(SpanKey key);

  [[gnu::always_inline]] inline void exit() {
    uint64_t now = clock_.now();
    if (--exit_probe_countdown_ == 0) [[unlikely]]
      return exit_probed(now);
    close_span(now);
  }

  // The profiler's own time in enters and exits so far, in ticks: the probed ones' time
  // scaled to all of them (0 before the first probe). Not the interpreter's hook dispatch.
  double bookkeeping_ticks() const;
  uint64_t enters() const { return enters_; }  // span enters so far, every kind

  static constexpr uint32_t kProbeInterval = 61;  // prime: no lock-step with a loop's body
  // A probe counts at most this long: longer is a preemption or an interrupt, not bookkeeping
  // (one preempted probe in a few thousand tripled the estimate on a loaded machine).
  static constexpr uint64_t kProbeCapNs = 20'000;

  // Keeps every recorded span (up to `max_events`, then counts drops) from now on.
  void enable_timeline(uint32_t max_events) { timeline_.emplace(max_events); }
  // The raw spans, or nullptr when the timeline is off.
  const SpanTimeline* timeline() const { return timeline_ ? &*timeline_ : nullptr; }

  // Charges an allocation to the innermost open span's node.
  void attribute_allocation(uint64_t bytes) {
    TreeNode& n = nodes_[stack_[depth_ - 1].node];
    ++n.alloc_count;
    n.alloc_bytes += bytes;
  }

  // A metric on the innermost open span's node (record_metric on a SpanGuard).
  void record_metric(uint32_t depth, const std::string& name, const MetricValue& value);

  uint64_t start_tick() const { return start_tick_; }
  uint64_t end_tick() const { return end_tick_; }
  uint32_t depth() const { return depth_; }
  uint32_t current_node() const { return stack_[depth_ - 1].node; }
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const std::vector<SiteFigures>& sites() const { return sites_; }
  const std::map<uint32_t, std::map<std::string, MetricValue>>& node_metrics() const {
    return node_metrics_;
  }
  uint64_t filtered_spans() const { return filtered_; }
  uint64_t unbalanced_exits() const { return unbalanced_exits_; }
  const SpanClock& clock() const { return clock_; }

 private:
  struct OpenSpan {
    uint32_t node;         // a site's: the tree node it lies in
    uint32_t site;         // kNoSite for tree spans
    uint32_t tree_parent;  // a site's: the stack index of the tree span it lies in
    uint64_t children_ticks;
    uint64_t start;
  };
  void exit_site(const OpenSpan& span, uint64_t elapsed);

  [[gnu::always_inline]] inline void open_span(SpanKey key) {
    uint32_t node = child_of(stack_[depth_ - 1].node, key);
    if (depth_ == stack_.size()) [[unlikely]]
      grow_stack();
    stack_[depth_++] = OpenSpan{node, kNoSite, 0, 0, clock_.now()};
  }

  [[gnu::always_inline]] inline void close_span(uint64_t now) {
    if (depth_ <= 1) [[unlikely]] {  // an exit without its enter: never close the root here
      ++unbalanced_exits_;
      return;
    }
    OpenSpan& span = stack_[--depth_];
    uint64_t elapsed = now - span.start;
    if (span.site != kNoSite) [[unlikely]] {
      exit_site(span, elapsed);
      return;
    }
    if (elapsed < min_ticks_) [[unlikely]] {
      ++filtered_;
      return;
    }
    TreeNode& n = nodes_[span.node];
    ++n.calls;
    n.inclusive_ticks += elapsed;
    n.self_ticks += elapsed - span.children_ticks;
    OpenSpan& parent = stack_[depth_ - 1];
    parent.children_ticks += elapsed;
    if (parent.site != kNoSite) [[unlikely]]  // and to the tree span the site lies in
      stack_[parent.tree_parent].children_ticks += elapsed;
    if (timeline_) [[unlikely]]
      timeline_->record(span.start, elapsed, span.node, depth_ - 1);
  }

  void enter_probed(SpanKey key);
  void exit_probed(uint64_t now);
  void probe_enter_from(uint64_t before);  // after an enter that began at `before`
  uint32_t site_index(SpanKey owner, SpanKey key);

  [[gnu::always_inline]] inline uint32_t child_of(uint32_t parent, SpanKey key) {
    uint32_t hit = nodes_[parent].last_hit;
    if (hit != kNoTreeNode && nodes_[hit].key == key) [[likely]]
      return hit;
    return find_or_add_child(parent, key);
  }
  uint32_t find_or_add_child(uint32_t parent, SpanKey key);
  uint32_t add_child(uint32_t parent, SpanKey key);
  void grow_stack();

  struct ChildIndexKey {
    uint32_t parent;
    SpanKey key;
    bool operator==(const ChildIndexKey&) const = default;
  };
  struct ChildIndexHash {
    size_t operator()(const ChildIndexKey& k) const {
      return k.key * 0x9E3779B97F4A7C15ull ^ k.parent;
    }
  };
  struct SiteIndexKey {
    SpanKey owner;
    SpanKey key;
    bool operator==(const SiteIndexKey&) const = default;
  };
  struct SiteIndexHash {
    size_t operator()(const SiteIndexKey& k) const {
      return (k.key * 0x9E3779B97F4A7C15ull) ^ (k.owner * 0xC2B2AE3D27D4EB4Full);
    }
  };
  static constexpr uint32_t kScanLimit = 16;  // beyond this many children, a hash index

  SpanClock clock_;
  uint64_t min_ticks_;
  std::vector<TreeNode> nodes_;
  std::vector<OpenSpan> stack_;
  uint32_t depth_ = 0;
  uint64_t start_tick_ = 0;
  uint64_t end_tick_ = 0;
  std::unordered_map<ChildIndexKey, uint32_t, ChildIndexHash> child_index_;
  std::vector<SiteFigures> sites_;
  std::unordered_map<SiteIndexKey, uint32_t, SiteIndexHash> site_index_;
  std::map<uint32_t, std::map<std::string, MetricValue>> node_metrics_;
  uint64_t filtered_ = 0;
  uint64_t unbalanced_exits_ = 0;
  uint64_t enters_ = 0;
  uint64_t probe_cap_ticks_;
  uint32_t enter_probe_countdown_ = kProbeInterval;
  uint32_t exit_probe_countdown_ = kProbeInterval;
  uint64_t probed_enters_ = 0, probed_enter_ticks_ = 0;
  uint64_t probed_exits_ = 0, probed_exit_ticks_ = 0;
  std::optional<SpanTimeline> timeline_;
};

// The cost of one span as the enclosing span sees it (enter + exit of an empty child), in
// ticks of `clock`: the minimum over several rounds of many spans, so a preemption in one
// round does not inflate it. `with_timeline` measures spans that are also kept for a timeline.
double measure_span_cost_ticks(const SpanClock& clock, bool with_timeline = false);

}  // namespace aiprof::instrumentation
