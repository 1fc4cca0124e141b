#include "reconcile_projection.hpp"

#include <map>
#include <set>
#include <utility>

namespace aiprof::report::detail {

namespace {

// Frame kinds at least one sample landed in: the kinds the sampler records in this run.
std::set<FrameKind> sampled_kinds(const Profile& p) {
  std::set<FrameKind> kinds;
  for (uint32_t i = 1; i < p.nodes.size(); ++i)
    if (p.nodes[i].samples_inclusive > 0) kinds.insert(p.frames[p.nodes[i].frame].kind);
  return kinds;
}

class Projector {
 public:
  Projector(const Profile& p, ProjectedProfile& out) : p_(p), out_(out) {}

  void run() {
    size_t n = p_.nodes.size();
    out_.judgeable.assign(n, false);
    out_.unit.assign(n, 0);
    out_.sampled_inclusive.assign(n, 0);
    out_.exact_self_ns.assign(n, 0);
    out_.sampled_self.assign(n, 0);
    out_.self_spans.assign(n, 0);
    out_.subtree_spans.assign(n, 0);
    own_self_.assign(n, 0);
    std::set<FrameKind> kinds = sampled_kinds(p_);
    mark_units(0, 0, kinds);
    place(0, 0);
    sum_subtrees(0);
    for (uint32_t c : p_.nodes[0].children) {
      if (!p_.nodes[c].has_exact) continue;
      out_.exact_total_ns += static_cast<double>(p_.nodes[c].inclusive_ns);
      out_.sampled_total += out_.sampled_inclusive[c];
    }
  }

 private:
  // Which exact nodes are judged, and which judged node (or the root) each one's self time
  // counts to. Exact nodes form a subtree holding the root, so the walk stops at sample-only ones.
  void mark_units(uint32_t node, uint32_t unit, const std::set<FrameKind>& kinds) {
    const CallNode& n = p_.nodes[node];
    bool judged = node != 0 && n.calls > 0 && kinds.count(p_.frames[n.frame].kind) > 0;
    out_.judgeable[node] = judged;
    uint32_t mine = judged ? node : unit;
    out_.unit[node] = mine;
    out_.exact_self_ns[mine] += static_cast<double>(n.self_ns);
    // The spans of this node and of its children start or end inside the unit's self time.
    out_.self_spans[mine] += n.calls;
    for (uint32_t c : n.children) {
      if (!p_.nodes[c].has_exact) continue;
      out_.self_spans[mine] += p_.nodes[c].calls;
      mark_units(c, mine, kinds);
    }
  }

  // The exact node a sample-only child of `exact` stands for: one of its exact children with
  // the same frame (or name and kind), looked for through folded children; kNoNode if none.
  uint32_t match(uint32_t exact, const Frame& frame) const {
    for (uint32_t c : p_.nodes[exact].children) {
      const CallNode& n = p_.nodes[c];
      if (!n.has_exact) continue;
      const Frame& f = p_.frames[n.frame];
      if (f.name == frame.name && f.kind == frame.kind) return c;
      if (!out_.judgeable[c])
        if (uint32_t deeper = match(c, frame); deeper != kNoNode) return deeper;
    }
    return kNoNode;
  }

  // Gives the self samples of `node` (exact, or sample-only standing for `at`) to `at`, then
  // places its children the same way.
  void place(uint32_t node, uint32_t at) {
    const CallNode& n = p_.nodes[node];
    own_self_[at] += static_cast<double>(n.samples_self);
    for (uint32_t c : n.children) {
      if (p_.nodes[c].has_exact && node == at) {
        place(c, c);
        continue;
      }
      uint32_t target = match(at, p_.frames[p_.nodes[c].frame]);
      place(c, target == kNoNode ? at : target);
    }
  }

  // Sampled inclusive weights and span counts over exact subtrees, and the folded self samples.
  void sum_subtrees(uint32_t node) {
    double total = own_self_[node];
    uint64_t spans = p_.nodes[node].calls;
    for (uint32_t c : p_.nodes[node].children) {
      if (!p_.nodes[c].has_exact) continue;
      sum_subtrees(c);
      total += out_.sampled_inclusive[c];
      spans += out_.subtree_spans[c];
    }
    out_.sampled_inclusive[node] = total;
    out_.subtree_spans[node] = spans;
    out_.sampled_self[out_.unit[node]] += own_self_[node];
  }

  const Profile& p_;
  ProjectedProfile& out_;
  std::vector<double> own_self_;  // self samples placed at each exact node
};

// Groups the judgeable nodes into units (JudgedUnit), walking the exact tree from the root.
class UnitBuilder {
 public:
  UnitBuilder(const Profile& p, const ProjectedProfile& proj) : p_(p), proj_(proj) {}

  std::vector<JudgedUnit> run() {
    walk(0, kNone);
    return std::move(units_);
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  void walk(uint32_t node, uint32_t enclosing) {
    for (uint32_t c : p_.nodes[node].children) {
      if (!p_.nodes[c].has_exact) continue;
      if (!proj_.judgeable[c]) {
        walk(c, enclosing);
        continue;
      }
      uint32_t frame = p_.nodes[c].frame;
      bool recursion = enclosing != kNone && units_[enclosing].frame == frame;
      uint32_t unit = recursion ? enclosing : unit_for(enclosing, c);
      add(units_[unit], c, recursion);
      walk(c, unit);
    }
  }

  uint32_t unit_for(uint32_t enclosing, uint32_t node) {
    auto key = std::make_pair(enclosing, p_.nodes[node].frame);
    auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(units_.size()));
    if (fresh) {
      units_.push_back(JudgedUnit{node, p_.nodes[node].frame});
      units_.back().enclosing = enclosing;
    }
    return it->second;
  }

  // A recursive member's inclusive figures are inside its outermost activation's already, and
  // its own calls were counted as its caller's children.
  void add(JudgedUnit& u, uint32_t node, bool recursion) {
    u.exact_self_ns += proj_.exact_self_ns[node];
    u.sampled_self += proj_.sampled_self[node];
    u.self_spans += proj_.self_spans[node] - (recursion ? p_.nodes[node].calls : 0);
    if (recursion) return;
    u.calls += p_.nodes[node].calls;
    u.exact_inclusive_ns += static_cast<double>(p_.nodes[node].inclusive_ns);
    u.sampled_inclusive += proj_.sampled_inclusive[node];
    u.inclusive_spans += proj_.subtree_spans[node];
  }

  const Profile& p_;
  const ProjectedProfile& proj_;
  std::vector<JudgedUnit> units_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> index_;  // (enclosing unit, frame) -> unit
};

}  // namespace

std::vector<JudgedUnit> judged_units(const Profile& profile, const ProjectedProfile& projected) {
  return UnitBuilder(profile, projected).run();
}

ProjectedProfile project(const Profile& profile) {
  ProjectedProfile out;
  Projector(profile, out).run();
  return out;
}

}  // namespace aiprof::report::detail
