#include "aiprof/report/from_samples.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "aiprof/sampler/symbolizer.hpp"
#include "sample_timeline.hpp"

namespace aiprof::report {

namespace sam = aiprof::sampler;
namespace inst = aiprof::instrumentation;

namespace {

FrameKind frame_kind_of(inst::FrameKind kind) {
  switch (kind) {
    case inst::FrameKind::Function:
      return FrameKind::Function;
    case inst::FrameKind::Module:
      return FrameKind::Module;
    case inst::FrameKind::Native:
      return FrameKind::Native;
    case inst::FrameKind::Builtin:
      return FrameKind::Builtin;
    case inst::FrameKind::GC:
      return FrameKind::GC;
  }
  return FrameKind::Function;
}

// Profile frames by identity, seeded with the ones already there (exact spans' frames), so a
// guest function sampled and spanned is one frame.
class FrameIndex {
 public:
  explicit FrameIndex(Profile& profile) : profile_(profile) {
    for (uint32_t i = 0; i < profile.frames.size(); ++i) index_.emplace(key_of(profile.frames[i]), i);
  }
  uint32_t intern(Frame frame) {
    auto [it, inserted] = index_.emplace(key_of(frame), static_cast<uint32_t>(profile_.frames.size()));
    if (inserted) profile_.frames.push_back(std::move(frame));
    return it->second;
  }

 private:
  static std::string key_of(const Frame& f) {
    return std::to_string(static_cast<int>(f.kind)) + '\x1f' + f.name + '\x1f' + f.file + '\x1f' +
           std::to_string(f.line) + ':' + std::to_string(f.column);
  }
  Profile& profile_;
  std::unordered_map<std::string, uint32_t> index_;
};

class StackConverter {
 public:
  // symbols: names already looked up while sampling (null: look everything up here).
  StackConverter(Profile& profile, const SampleNaming& naming, sam::Symbolizer* symbols)
      : profile_(profile), naming_(naming), frames_(profile),
        symbolizer_(symbols ? *symbols : own_symbols_) {}

  // Adds `count` samples of one stack: guest ids outermost first, native PCs outermost first.
  // Returns the profile node the stack ended at.
  uint32_t add(const std::vector<uint32_t>& guest, const std::vector<uintptr_t>& native,
               uint64_t count) {
    std::vector<uint32_t> path{0};
    for (uint32_t id : guest) path.push_back(profile_.child(path.back(), guest_frame(id)));
    size_t first = first_native_kept(native, !guest.empty());
    for (size_t i = first; i < native.size(); ++i)
      path.push_back(profile_.child(path.back(), native_frame(native[i], i + 1 == native.size())));
    for (uint32_t node : path) profile_.nodes[node].samples_inclusive += count;
    profile_.nodes[path.back()].samples_self += count;
    return path.back();
  }

 private:
  uint32_t guest_frame(uint32_t id) {
    auto it = guest_.find(id);
    if (it != guest_.end()) return it->second;
    Frame f{"#" + std::to_string(id), "", 0, FrameKind::Function, 0};
    if (naming_.functions && id < naming_.functions->size()) {
      const inst::FunctionInfo& info = naming_.functions->at(id);
      f = Frame{info.name, "", 0, frame_kind_of(info.kind), 0};
      if (naming_.with_locations) {
        f.file = info.file;
        f.line = info.line;
        f.column = info.column;
      }
    }
    return guest_.emplace(id, frames_.intern(std::move(f))).first->second;
  }

  uint32_t native_frame(uintptr_t pc, bool innermost) {
    const sam::NativeSymbol& s = symbolizer_.resolve(pc, !innermost);
    Frame f{s.name, naming_.with_locations ? s.file : "", naming_.with_locations ? s.line : 0,
            FrameKind::Native, 0};
    return frames_.intern(std::move(f));
  }

  // Beneath a guest frame, only the native frames from the innermost out to the interpreter's
  // evaluator (inclusive) say something about that guest frame; the rest is the interpreter's
  // own recursion. Without a boundary in sight, everything is kept.
  size_t first_native_kept(const std::vector<uintptr_t>& native, bool under_guest) {
    if (!under_guest || !naming_.is_boundary) return 0;
    for (size_t i = native.size(); i-- > 0;)
      if (naming_.is_boundary(symbolizer_.resolve(native[i], i + 1 != native.size()).name))
        return i;
    return 0;
  }

  Profile& profile_;
  const SampleNaming& naming_;
  FrameIndex frames_;
  sam::Symbolizer own_symbols_;
  sam::Symbolizer& symbolizer_;
  std::unordered_map<uint32_t, uint32_t> guest_;
};

// Returns, per trie node that ends a stack, the profile node it became (0 for the others).
std::vector<uint32_t> add_stacks(Profile& profile, const sam::StackTrie& trie,
                                 const SampleNaming& naming, sam::Symbolizer* symbols) {
  StackConverter converter(profile, naming, symbols);
  const auto& nodes = trie.nodes();
  std::vector<uint32_t> profile_node(nodes.size(), 0);
  std::vector<uint32_t> guest;
  std::vector<uintptr_t> native;
  for (uint32_t n = 1; n < nodes.size(); ++n) {
    if (nodes[n].self_samples == 0) continue;
    guest.clear();
    native.clear();
    for (uint32_t at = n; at != sam::StackTrie::kRoot; at = nodes[at].parent) {
      uint64_t frame = nodes[at].frame;
      if (sam::StackTrie::is_native(frame))
        native.push_back(sam::StackTrie::native_pc(frame));
      else
        guest.push_back(sam::StackTrie::guest_id(frame));
    }
    std::reverse(guest.begin(), guest.end());
    std::reverse(native.begin(), native.end());
    profile_node[n] = converter.add(guest, native, nodes[n].self_samples);
  }
  // Samples taken before the first guest frame was pushed (or of native-only threads without
  // native frames) end at the root.
  profile.nodes[0].samples_self += nodes[0].self_samples;
  profile.nodes[0].samples_inclusive += nodes[0].self_samples;
  return profile_node;
}

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
    ThreadSampling ts;
    ts.thread = static_cast<uint32_t>(profile.threads.size());
    ts.samples = t.samples;
    ts.dropped_samples = t.dropped;
    ts.truncated_stacks = t.truncated;
    ts.cpu_time_ns = t.cpu_ns;
    ts.wall_time_ns = t.wall_ns;
    ts.rate_delivered_hz = t.delivered_hz();
    info.per_thread.push_back(ts);
    profile.threads.push_back(ThreadInfo{ts.thread, t.name, t.tid});
  }
  return info;
}

}  // namespace

void add_samples(Profile& profile, const sam::SampledSession& session, const SampleNaming& naming) {
  std::vector<uint32_t> stack_nodes =
      add_stacks(profile, session.stacks, naming, session.symbols.get());
  profile.sampling = sampling_info(session, profile);
  add_sample_timeline(profile, session, stack_nodes);
  if (profile.memory.heap_bytes.size() < session.heap.size()) {
    profile.memory.heap_bytes.clear();
    for (const sam::HeapPoint& h : session.heap)
      profile.memory.heap_bytes.push_back(TimeSeriesPoint{h.t_ns, static_cast<double>(h.live_bytes)});
  }
  for (const std::string& note : session.notes) profile.profiler.notes.push_back(note);
  if (session.config.delivery == sam::Delivery::Thread)
    profile.profiler.notes.push_back(
        "the sampler's cost above is the sampling thread's time reading the threads' stacks "
        "and draining, spent on another core; no signal interrupts the program. "
        "bench/sampler_overhead.py measures what it costs the program (docs/benchmarks.md)");
  else
    profile.profiler.notes.push_back(
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
    profile.profiler.notes.push_back(
        std::to_string(throttled) +
        " ticks were skipped because taking samples at this rate would have left the program "
        "less time than the sampler (lower --rate, or drop --native)");
  if (late)
    profile.profiler.notes.push_back(
        std::to_string(late) +
        " ticks found the thread off the CPU (or came as it got the CPU back) and were not "
        "sampled (they would favour the points where threads are preempted); their CPU time "
        "went to the next sample");
  if (missed)
    profile.profiler.notes.push_back(
        std::to_string(missed) +
        " sampling periods passed without a sample of their own (timer expirations merged by "
        "the kernel while the thread was off the CPU, or a sampling thread that woke late); "
        "the next sample's stack carries their weight in the sample counts");
  const SamplingInfo& info = *profile.sampling;
  if (info.samples && info.rate_delivered_hz < 0.9 * info.rate_requested_hz)
    profile.profiler.notes.push_back(
        "the sampling rate delivered (" + std::to_string(static_cast<int>(info.rate_delivered_hz)) +
        " Hz) is more than 10% below the rate asked (" +
        std::to_string(static_cast<int>(info.rate_requested_hz)) + " Hz); clock source: " +
        info.clock_source);
}

bool is_interpreter_boundary(const std::string& symbol) {
  return symbol.rfind("anarchy::", 0) == 0 &&
         (symbol.find("eval") != std::string::npos || symbol.find("exec") != std::string::npos);
}

}  // namespace aiprof::report
