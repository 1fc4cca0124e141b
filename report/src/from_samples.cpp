#include "aiprof/report/from_samples.hpp"

#include <set>
#include <unordered_map>

#include "aiprof/sampler/symbolizer.hpp"
#include "sample_timeline.hpp"

namespace aiprof::report {

namespace sam = aiprof::sampler;
namespace inst = aiprof::instrumentation;

namespace {

// The child of a profile node for a frame, found through a hash of (parent, frame) edges so
// a wide node costs O(1) per lookup. A parent's existing children (exact spans' in hybrid
// mode) are indexed the first time it is asked for.
class ChildIndex {
 public:
  explicit ChildIndex(Profile& profile) : profile_(profile) {}
  uint32_t child(uint32_t parent, uint32_t frame) {
    if (parent >= seeded_.size()) seeded_.resize(profile_.nodes.size(), false);
    if (!seeded_[parent]) {
      seeded_[parent] = true;
      for (uint32_t c : profile_.nodes[parent].children)
        edges_.try_emplace(edge(parent, profile_.nodes[c].frame), c);
    }
    auto [it, inserted] = edges_.try_emplace(edge(parent, frame), 0);
    if (inserted) it->second = profile_.add_child(parent, frame);
    return it->second;
  }

 private:
  static uint64_t edge(uint32_t parent, uint32_t frame) {
    return (static_cast<uint64_t>(parent) << 32) | frame;
  }
  Profile& profile_;
  std::vector<bool> seeded_;
  std::unordered_map<uint64_t, uint32_t> edges_;
};

// The profile's line nodes (LineNode): the child of a line node (kNoNode: none) for a call-tree
// node at a line, made when missing. The profile's existing line nodes are indexed first.
class LineIndex {
 public:
  explicit LineIndex(Profile& profile) : profile_(profile) {
    for (uint32_t i = 0; i < profile_.line_nodes.size(); ++i) {
      const LineNode& l = profile_.line_nodes[i];
      index_.try_emplace(Key{l.parent, l.node, l.line}, i);
    }
  }
  uint32_t child(uint32_t parent, uint32_t node, uint32_t line) {
    auto [it, inserted] =
        index_.try_emplace(Key{parent, node, line}, static_cast<uint32_t>(profile_.line_nodes.size()));
    if (inserted) profile_.line_nodes.push_back(LineNode{node, parent, line, 0});
    return it->second;
  }

 private:
  struct Key {
    uint32_t parent, node, line;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<uint64_t>()((uint64_t{k.parent} << 32 | k.node) * 0x9e3779b97f4a7c15ull ^ k.line);
    }
  };
  Profile& profile_;
  std::unordered_map<Key, uint32_t, KeyHash> index_;
};

// Maps the sampler's stack trie onto the profile's call tree in one top-down pass, linear in
// trie nodes. The trie holds a sample's guest ids outermost first, then its native PCs
// outermost first, and a node always comes after its parent.
//
// Beneath a guest frame, only the native frames from the innermost interpreter boundary (the
// evaluator, inclusive) down say something about that guest frame; the rest is the
// interpreter's own recursion. So a boundary frame under a guest one hangs from the innermost
// guest frame's node, and the native frames above it are kept only by samples that end
// before the boundary. A PC is named as a return address unless it ends the sample, so a
// native trie node stands for up to two profile nodes: `through` (on the way to deeper frames)
// and its leaf (where its own samples end). Profile nodes and frames are made when the first
// sample (in trie order) that keeps them is added, so they come in the order the samples do.
// Each profile node a sample's stack passes through is also refined by the line its guest
// frame stood at (Profile::line_nodes), when the samples carried lines.
class TrieMapper {
 public:
  TrieMapper(Profile& profile, const sam::StackTrie& trie, const SampleNaming& naming,
             sam::Symbolizer* symbols)
      : profile_(profile), trie_(trie.nodes()), naming_(naming), children_(profile),
        symbolizer_(symbols ? *symbols : own_symbols_),
        through_(trie_.size(), kNoNode), line_through_(trie_.size(), kNoNode),
        guest_of_(trie_.size(), 0), lines_(profile), with_lines_(has_lines(trie)) {
    through_[sam::StackTrie::kRoot] = 0;
  }

  // Self samples land on leaf nodes, then inclusive counts are summed up the tree once.
  // Returns, per trie node that ends a stack, the profile node it became (0 for the others).
  std::vector<uint32_t> add() {
    std::vector<uint32_t> profile_node(trie_.size(), 0);
    std::vector<uint64_t> added_self(profile_.nodes.size(), 0);
    added_self[0] = trie_[0].self_samples;
    for (uint32_t n = 1; n < trie_.size(); ++n) {
      bool guest = !sam::StackTrie::is_native(trie_[n].frame);
      guest_of_[n] = guest ? n : guest_of_[trie_[n].parent];
      if (trie_[n].self_samples == 0) continue;
      uint32_t leaf_line = kNoNode;
      uint32_t leaf = guest ? through(n) : place(n, true, &leaf_line);
      if (guest) leaf_line = line_through_[n];
      if (leaf_line != kNoNode) profile_.line_nodes[leaf_line].samples_self += trie_[n].self_samples;
      added_self.resize(profile_.nodes.size(), 0);
      added_self[leaf] += trie_[n].self_samples;
      profile_node[n] = leaf;
    }
    added_self.resize(profile_.nodes.size(), 0);
    add_counts(added_self);
    return profile_node;
  }

 private:
  // The trie node whose `through` profile node is `n`'s parent.
  uint32_t hangs_from(uint32_t n, bool innermost) {
    const sam::StackTrie::Node& node = trie_[n];
    uint32_t guest = guest_of_[node.parent];
    if (!sam::StackTrie::is_native(node.frame) || guest == 0 || !naming_.is_boundary)
      return node.parent;
    return naming_.is_boundary(symbol(n, innermost).name) ? guest : node.parent;
  }

  // The `through` node of trie node n, making it and the ancestors it hangs from (outermost
  // first) when missing.
  uint32_t through(uint32_t n) {
    std::vector<uint32_t>& chain = chain_;
    chain.clear();
    for (uint32_t at = n; through_[at] == kNoNode; at = hangs_from(at, false)) chain.push_back(at);
    for (size_t i = chain.size(); i-- > 0;) {
      uint32_t at = chain[i], from = hangs_from(at, false);
      through_[at] = children_.child(through_[from], frame_of(at, false));
      if (with_lines_)
        line_through_[at] = lines_.child(line_through_[from], through_[at], line_of(at));
    }
    return through_[n];
  }

  // Where a native trie node's own samples end: its PC named as the interrupted instruction.
  // *line_node: the line node it ends at (kNoNode without lines).
  uint32_t place(uint32_t n, bool innermost, uint32_t* line_node) {
    uint32_t from = hangs_from(n, innermost), parent = through(from);
    uint32_t leaf = children_.child(parent, frame_of(n, innermost));
    if (with_lines_) *line_node = lines_.child(line_through_[from], leaf, 0);
    return leaf;
  }

  // A guest function's or module initialiser's frame: the line it stood at; other frames
  // (native, built-ins, the collector: no source line of their own) 0.
  uint32_t line_of(uint32_t n) const {
    uint64_t frame = trie_[n].frame;
    if (sam::StackTrie::is_native(frame)) return 0;
    uint32_t id = sam::StackTrie::guest_id(frame);
    if (naming_.functions && id < naming_.functions->size()) {
      inst::FrameKind kind = naming_.functions->at(id).kind;
      if (kind != inst::FrameKind::Function && kind != inst::FrameKind::Module) return 0;
    }
    return sam::StackTrie::guest_line(frame);
  }

  static bool has_lines(const sam::StackTrie& trie) {
    for (const sam::StackTrie::Node& n : trie.nodes())
      if (!sam::StackTrie::is_native(n.frame) && sam::StackTrie::guest_line(n.frame) != 0)
        return true;
    return false;
  }

  const sam::NativeSymbol& symbol(uint32_t n, bool innermost) {
    return symbolizer_.resolve(sam::StackTrie::native_pc(trie_[n].frame), !innermost);
  }

  uint32_t frame_of(uint32_t n, bool innermost) {
    uint64_t frame = trie_[n].frame;
    if (!sam::StackTrie::is_native(frame)) return guest_frame(sam::StackTrie::guest_id(frame));
    const sam::NativeSymbol& s = symbol(n, innermost);
    return profile_.intern_frame(Frame{s.name, naming_.with_locations ? s.file : "",
                                       naming_.with_locations ? s.line : 0, FrameKind::Native, 0});
  }

  uint32_t guest_frame(uint32_t id) {
    auto it = guest_.find(id);
    if (it != guest_.end()) return it->second;
    return guest_.emplace(id, profile_.intern_frame(guest_frame_named(id, naming_))).first->second;
  }

  // Self samples as given; inclusive ones summed over each subtree, children before parents
  // (an explicit stack: a deep tree cannot exhaust the native one).
  void add_counts(const std::vector<uint64_t>& added_self) {
    std::vector<uint64_t> added_inclusive(added_self);
    std::vector<std::pair<uint32_t, bool>> pending{{0, false}};
    while (!pending.empty()) {
      auto [node, children_done] = pending.back();
      pending.pop_back();
      if (children_done) {
        uint32_t parent = profile_.nodes[node].parent;
        if (parent != kNoNode) added_inclusive[parent] += added_inclusive[node];
        continue;
      }
      pending.emplace_back(node, true);
      for (uint32_t c : profile_.nodes[node].children) pending.emplace_back(c, false);
    }
    for (uint32_t n = 0; n < profile_.nodes.size(); ++n) {
      profile_.nodes[n].samples_self += added_self[n];
      profile_.nodes[n].samples_inclusive += added_inclusive[n];
    }
  }

  Profile& profile_;
  const std::vector<sam::StackTrie::Node>& trie_;
  const SampleNaming& naming_;
  ChildIndex children_;
  sam::Symbolizer own_symbols_;
  sam::Symbolizer& symbolizer_;
  std::vector<uint32_t> through_;   // trie node -> profile node (kNoNode: not made yet)
  std::vector<uint32_t> line_through_;  // trie node -> line node of through_ (kNoNode: none)
  std::vector<uint32_t> guest_of_;  // trie node -> innermost guest trie node on its path (0: none)
  std::vector<uint32_t> chain_;
  std::unordered_map<uint32_t, uint32_t> guest_;
  LineIndex lines_;
  bool with_lines_;  // the samples carried lines (else no line nodes are made)
};

SamplingInfo sampling_info(const sam::SampledSession& s, Profile& profile) {
  SamplingInfo info;
  info.rate_requested_hz = s.config.rate_hz;
  info.rate_delivered_hz = s.delivered_hz();
  info.clock = sam::to_string(s.config.clock);
  std::set<std::string> sources;
  for (const sam::ThreadFigures& t : s.threads) sources.insert(t.source);
  for (const std::string& source : sources)
    info.clock_source += (info.clock_source.empty() ? "" : "; ") + source;
  info.samples = s.samples();
  info.dropped_samples = s.dropped();
  info.unsettled_copies = s.unsettled();
  info.truncated_stacks = s.truncated();
  info.threads = static_cast<uint32_t>(s.threads.size());
  info.native = s.config.native;
  info.delivery = sam::to_string(s.config.delivery);
  info.jitter = s.config.jitter;
  info.max_stack = s.config.max_stack;
  info.drain_ns = s.drain_ns;
  info.naming_ns = s.naming_ns;
  info.signal_cost_ns = s.signal_cost_ns;
  info.overhead_percent = s.overhead_percent();
  for (const sam::ThreadFigures& t : s.threads) {
    info.native_unwind_failures += t.native_failures;
    info.handler_ns += t.handler_ns;
    ThreadSampling ts{t, static_cast<uint32_t>(profile.threads.size()), t.delivered_hz()};
    info.per_thread.push_back(ts);
    profile.threads.push_back(ThreadInfo{ts.thread, t.name, t.tid});
  }
  return info;
}

}  // namespace

void add_samples(Profile& profile, const sam::SampledSession& session, const SampleNaming& naming) {
  std::vector<uint32_t> stack_nodes =
      TrieMapper(profile, session.stacks, naming, session.symbols.get()).add();
  profile.sampling = sampling_info(session, profile);
  add_sample_timeline(profile, session, stack_nodes);
  if (profile.memory.heap_bytes.size() < session.heap.size()) {
    profile.memory.heap_bytes.clear();
    for (const sam::HeapPoint& h : session.heap)
      profile.memory.heap_bytes.push_back(TimeSeriesPoint{h.t_ns, static_cast<double>(h.live_bytes)});
  }
  // The sampler's own notes say how it worked: timer sources and switches, how native PCs were
  // named. Internal, as every note below (--verbose shows them).
  ProfilerCost& cost = profile.profiler;
  for (const std::string& note : session.notes) cost.add_internal_note(note);
  if (session.config.delivery == sam::Delivery::Thread)
    cost.add_internal_note(
        "the sampler's cost above is the sampling thread's time reading the threads' stacks "
        "and draining, spent on another core; no signal interrupts the program. "
        "bench/sampler_overhead.py measures what it costs the program (docs/benchmarks.md)");
  else
    cost.add_internal_note(
        "the sampler's cost above counts the handler, draining and signal delivery, not the "
        "slowdown of the program after each signal (on some virtual machines every kernel "
        "entry costs the program tens of microseconds afterwards); bench/sampler_overhead.py "
        "measures the whole (docs/benchmarks.md)");
  uint64_t missed = 0, late = 0, throttled = 0;
  for (const sam::ThreadFigures& t : session.threads) {
    missed += t.missed;
    late += t.late;
    throttled += t.throttled;
  }
  if (throttled)
    cost.notes.push_back(
        std::to_string(throttled) +
        " ticks were skipped because taking samples at this rate would have left the program "
        "less time than the sampler (lower --rate, or drop --native)");
  if (late)
    cost.add_internal_note(
        std::to_string(late) +
        " ticks found the thread off the CPU (or came as it got the CPU back) and were not "
        "sampled (they would favour the points where threads are preempted); their CPU time "
        "went to the next sample");
  if (missed)
    cost.add_internal_note(
        std::to_string(missed) +
        " sampling periods passed without a sample of their own (timer expirations merged by "
        "the kernel while the thread was off the CPU, or a sampling thread that woke late); "
        "the next sample's stack carries their weight in the sample counts");
  const SamplingInfo& info = *profile.sampling;
  if (info.samples && info.rate_delivered_hz < 0.9 * info.rate_requested_hz)
    cost.add_internal_note(
        "the sampling rate delivered (" + std::to_string(static_cast<int>(info.rate_delivered_hz)) +
        " Hz) is more than 10% below the rate asked (" +
        std::to_string(static_cast<int>(info.rate_requested_hz)) + " Hz); clock source: " +
        info.clock_source);
}

Frame guest_frame_named(uint32_t id, const SampleNaming& naming) {
  if (!naming.functions || id >= naming.functions->size())
    return Frame{"#" + std::to_string(id), "", 0, FrameKind::Function, 0};
  const inst::FunctionInfo& info = naming.functions->at(id);
  Frame f{info.name, "", 0, info.kind, 0};
  if (naming.with_locations) {
    f.file = info.file;
    f.line = info.line;
    f.column = info.column;
  }
  return f;
}

}  // namespace aiprof::report
