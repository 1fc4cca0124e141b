#include "aiprof/instrumentation/profiler.hpp"

#include <unistd.h>

#include <set>

namespace aiprof::instrumentation {

namespace {

// Keys of SpanSite spans carry the site's address, marked by this payload bit (user-space
// addresses are below 2^47 on every platform we build for).
constexpr uint64_t kSiteBit = uint64_t{1} << 55;

SpanKey site_key(const SpanSite& site) {
  return span_key(site.type, kSiteBit | reinterpret_cast<uintptr_t>(&site));
}

const SpanSite* site_of(SpanKey key) {
  uint64_t payload = span_payload(key);
  if (!(payload & kSiteBit)) return nullptr;
  return reinterpret_cast<const SpanSite*>(static_cast<uintptr_t>(payload & ~kSiteBit));
}

std::string session_id(std::string_view name, std::chrono::system_clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
  return std::string(name) + "-" + std::to_string(getpid()) + "-" + std::to_string(ms);
}

}  // namespace

struct Profiler::ActiveSession {
  ActiveSession(std::string_view session_name, const ProfilerConfig& config, const SpanClock& clock)
      : name(session_name),
        start_time(std::chrono::system_clock::now()),
        id(session_id(session_name, start_time)),
        tree(clock,
             clock.to_ticks(static_cast<uint64_t>(config.time_profiling.min_duration.count()))),
        memory(config.memory_profiling),
        operations(config.operation_profiling) {}

  std::string name;
  std::chrono::system_clock::time_point start_time;
  std::string id;
  int64_t thread_id = ::gettid();
  double span_cost_ns = 0;
  double event_source_cost_ns = 0;  // add_event_source_cost_ns
  uint64_t event_source_calls = 0;
  CallTree tree;
  MemoryCollector memory;
  OperationCollector operations;
  std::map<std::string, MetricValue> global_metrics;
  std::map<SpanKey, SpanDescription> named;
  std::unordered_map<std::string, uint32_t> name_ids;
};

Profiler::Profiler(ProfilerConfig config) : config_(std::move(config)) {}

Profiler::~Profiler() = default;

void Profiler::start_session(std::string_view name) {
  if (active_) throw ProfilerError("a profiling session is already running");
  // The CPU clock is per thread, so it is never cached across sessions (threads may differ).
  if (config_.time_profiling.clock == TimeClock::Cpu)
    clock_ = SpanClock::thread_cpu();
  else if (!clock_ || clock_->source() == ClockSource::ThreadCpu)
    clock_ = SpanClock::calibrate();
  double cost_ticks = measure_span_cost_ticks(*clock_, config_.timeline.enabled);
  active_ = std::make_unique<ActiveSession>(name, config_, *clock_);
  active_->span_cost_ns = cost_ticks * clock_->ns_per_tick();
  if (config_.timeline.enabled) active_->tree.enable_timeline(config_.timeline.max_events);
  active_->tree.start();
  active_->memory.begin(active_->tree.start_tick());
}

ProfilingSession Profiler::end_session() {
  if (!active_) throw ProfilerError("no profiling session is running");
  active_->tree.finish();
  last_ = snapshot(*active_, true);
  active_.reset();
  return *last_;
}

SpanGuard Profiler::start_span(std::string_view name, SpanType type, SourceLocation location) {
  if (!config_.enabled || !active_) return SpanGuard();
  SpanKey key = named_key(type, name, std::move(location));
  active_->tree.enter(key);
  return SpanGuard(this, active_->tree.depth());
}

SpanGuard Profiler::start_span(const SpanSite& site) {
  if (!config_.enabled || !active_) return SpanGuard();
  active_->tree.enter(site_key(site));
  return SpanGuard(this, active_->tree.depth());
}

void Profiler::end_span() {
  if (!active_ || active_->tree.depth() <= 1) throw ProfilerError("end_span: no span is open");
  active_->tree.exit();
}

// A guard ends its own span only: if end_span already closed it, there is nothing to do.
void Profiler::end_span_at(uint32_t depth) {
  if (active_ && active_->tree.depth() == depth) active_->tree.exit();
}

void Profiler::record_metric(std::string_view name, MetricValue value) {
  if (!active_) throw ProfilerError("record_metric: no profiling session is running");
  auto [it, inserted] = active_->global_metrics.emplace(std::string(name), value);
  if (!inserted) accumulate_metric(it->second, value);
}

std::string Profiler::generate_report(const ReportGenerator& generator) const {
  if (active_) {
    ActiveSession copy_source = *active_;  // a snapshot: the running session goes on untouched
    copy_source.tree.finish();
    return generator.generate_report(snapshot(copy_source, false));
  }
  if (!last_) throw ProfilerError("generate_report: no profiling session to report");
  return generator.generate_report(*last_);
}

void Profiler::reset() {
  active_.reset();
  last_.reset();
}

double Profiler::bookkeeping_ns_of(const ActiveSession& active) {
  const CallTree& tree = active.tree;
  return tree.bookkeeping_ticks() * tree.clock().ns_per_tick() + active.event_source_cost_ns;
}

// Every span enter has its exit: two hook calls, besides the event source's callbacks.
uint64_t Profiler::hook_calls_of(const ActiveSession& active) {
  return 2 * active.tree.enters() + active.event_source_calls;
}

double Profiler::bookkeeping_ns() const { return active_ ? bookkeeping_ns_of(*active_) : 0; }
uint64_t Profiler::hook_calls() const { return active_ ? hook_calls_of(*active_) : 0; }

void Profiler::add_event_source_cost_ns(double ns, uint64_t callbacks) {
  if (!active_) return;
  active_->event_source_cost_ns += ns;
  active_->event_source_calls += callbacks;
}

CallTree& Profiler::tree() { return active_->tree; }
MemoryCollector& Profiler::memory() { return active_->memory; }
OperationCollector& Profiler::operations() { return active_->operations; }

SpanKey Profiler::named_key(SpanType type, std::string_view name, SourceLocation location) {
  auto [it, inserted] =
      active_->name_ids.emplace(std::string(name), static_cast<uint32_t>(active_->name_ids.size()));
  SpanKey key = span_key(type, it->second);
  if (inserted)
    active_->named.emplace(key, SpanDescription{std::string(name), type, std::move(location)});
  return key;
}

namespace {

std::vector<SessionNode> convert_tree(const CallTree& tree) {
  const SpanClock& clock = tree.clock();
  std::vector<SessionNode> out(tree.nodes().size());
  for (size_t i = 0; i < out.size(); ++i) {
    const TreeNode& n = tree.nodes()[i];
    SessionNode& s = out[i];
    s.key = n.key;
    s.parent = n.parent;
    s.calls = n.calls;
    s.inclusive_ns = clock.to_ns(n.inclusive_ticks);
    s.self_ns = clock.to_ns(n.self_ticks);
    s.alloc_count = n.alloc_count;
    s.alloc_bytes = n.alloc_bytes;
    if (n.parent != kNoTreeNode) out[n.parent].children.push_back(static_cast<uint32_t>(i));
  }
  for (const auto& [node, metrics] : tree.node_metrics()) out[node].metrics = metrics;
  return out;
}

// Ends, not durations, are converted, so a span nested in another stays nested in nanoseconds.
std::vector<TimelineSpan> convert_timeline(const CallTree& tree) {
  std::vector<TimelineSpan> out;
  const SpanTimeline* timeline = tree.timeline();
  if (!timeline) return out;
  const SpanClock& clock = tree.clock();
  out.reserve(timeline->spans().size());
  for (const RawSpan& span : timeline->spans()) {
    uint64_t start_ns = clock.to_ns(span.start_tick - tree.start_tick());
    uint64_t end_ns = clock.to_ns(span.start_tick + span.duration_ticks - tree.start_tick());
    TimelineSpan out_span{start_ns, end_ns - start_ns, span.node, span.depth, 0};
    if (span.node & kSiteSpanBit) {
      out_span.site = span.node & ~kSiteSpanBit;
      out_span.node = 0;
    }
    out.push_back(out_span);
  }
  return out;
}

std::vector<SessionSite> convert_sites(const CallTree& tree) {
  const SpanClock& clock = tree.clock();
  std::vector<SessionSite> out;
  out.reserve(tree.sites().size());
  for (const SiteFigures& f : tree.sites())
    out.push_back(SessionSite{f.owner, f.site, f.calls, clock.to_ns(f.inclusive_ticks),
                              clock.to_ns(f.self_ticks)});
  return out;
}

SpanDescription describe_site(const SpanSite& site) {
  return SpanDescription{site.name, site.type, SourceLocation{site.file, site.line, 0}};
}

}  // namespace

ProfilingSession Profiler::snapshot(const ActiveSession& active, bool finishing) const {
  const CallTree& tree = active.tree;
  ProfilingSession s;
  s.id = active.id;
  s.name = active.name;
  s.start_time = active.start_time;
  s.nodes = convert_tree(tree);
  s.duration_ns = s.nodes[CallTree::kRoot].inclusive_ns;
  s.thread_id = active.thread_id;
  s.end_time = s.start_time + std::chrono::nanoseconds(s.duration_ns);
  s.config = config_;
  s.sites = convert_sites(tree);
  std::set<SpanKey> keys;
  for (const SessionNode& n : s.nodes) keys.insert(n.key);
  for (const SessionSite& site : s.sites) keys.insert({site.owner, site.site});
  for (SpanKey key : keys) {
    if (auto it = active.named.find(key); it != active.named.end())
      s.descriptions[key] = it->second;
    else if (const SpanSite* site = site_of(key))
      s.descriptions[key] = describe_site(*site);
    else if (span_type_of(key) == SpanType::Root)
      s.descriptions[key] = SpanDescription{"<root>", SpanType::Root, {}};
    else if (describer_)
      s.descriptions[key] = describer_->describe(key);
  }
  s.memory = active.memory.finish(tree.end_tick(), tree.clock());
  s.operations = active.operations.finish(describer_);
  s.global_metrics = active.global_metrics;
  s.cost.clock = tree.clock().describe();
  s.cost.span_cost_ns = active.span_cost_ns;
  s.cost.bookkeeping_ns = bookkeeping_ns_of(active);
  s.cost.hook_calls = hook_calls_of(active);
  s.cost.dispatch_ns_per_call = dispatch_ns_per_call_;
  s.cost.dispatch_ns = dispatch_ns_per_call_ * static_cast<double>(s.cost.hook_calls);
  s.cost.filtered_spans = tree.filtered_spans();
  s.cost.unbalanced_exits = tree.unbalanced_exits();
  s.cost.min_duration_ns = static_cast<uint64_t>(config_.time_profiling.min_duration.count());
  for (size_t i = 1; i < s.nodes.size(); ++i) s.cost.spans += s.nodes[i].calls;
  for (const SessionSite& site : s.sites) s.cost.spans += site.calls;
  if (const SpanTimeline* timeline = tree.timeline()) {
    s.timeline = convert_timeline(tree);
    s.cost.timeline_recorded = true;
    s.cost.timeline_dropped = timeline->dropped();
    uint64_t floor = timeline->floor_ticks();
    s.cost.timeline_floor_ns = floor == UINT64_MAX ? UINT64_MAX : tree.clock().to_ns(floor);
  }
  if (!AIPROF_ENABLE_HOOKS)
    s.cost.notes.push_back(
        "this build has the interpreter's hook sites compiled out (AIPROF_HOOKS=OFF)");
  if (!finishing)
    s.cost.notes.push_back("snapshot of a running session: open spans were closed at the snapshot");
  if (config_.time_profiling.compensate) {
    compensate_span_cost(s.nodes, s.cost.span_cost_ns);
    s.cost.compensated = true;
  }
  return s;
}

SpanGuard::~SpanGuard() {
  if (profiler_) profiler_->end_span_at(depth_);
}

void SpanGuard::record_metric(std::string_view name, MetricValue value) {
  if (profiler_ && profiler_->active_)
    profiler_->active_->tree.record_metric(depth_, std::string(name), value);
}

}  // namespace aiprof::instrumentation
