// The merged Profile: what every report reads (DESIGN.md, "The merged Profile").
//
// A call tree keyed by frame (guest function, module initialiser, or native frame beneath a
// guest one), each node carrying exact figures (when exact spans covered it) and sampled
// figures (when a sampler ran), plus session metadata, global memory / GC / operation metrics
// and time series. Producers (exact spans, the sampler, the merger) fill it; report
// generators only read it. Plain data: no part of it is async-signal-safe or thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/span.hpp"
#include "aiprof/sampler/thread_totals.hpp"

namespace aiprof::report {

// One frame kind for every layer (instrumentation/frame_kind.hpp), with its name.
using instrumentation::FrameKind;
using instrumentation::frame_kind_name;

// A user metric (Profiler::record_metric, SpanGuard::record_metric): the span's own type.
using MetricValue = instrumentation::MetricValue;

// What a call-tree node stands for. Frames are interned: one entry per distinct frame.
struct Frame {
  std::string name;  // qualified: "m.fib", "m.<init>", or a native symbol
  std::string file;  // source file ("" if unknown)
  uint32_t line = 0;
  FrameKind kind = FrameKind::Function;
  uint32_t column = 0;
};

// A frame's identity: every producer and the merger tell frames apart by it (kind, name, file,
// line and column), and Profile::intern_frame finds a frame by it in O(1).
struct FrameKey {
  FrameKind kind = FrameKind::Function;
  std::string name;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  explicit FrameKey(const Frame& f)
      : kind(f.kind), name(f.name), file(f.file), line(f.line), column(f.column) {}
  bool operator==(const FrameKey&) const = default;
};

struct FrameKeyHash {
  size_t operator()(const FrameKey& key) const noexcept;
};

constexpr uint32_t kNoNode = UINT32_MAX;

struct CallNode {
  uint32_t frame = 0;           // index into Profile::frames
  uint32_t parent = kNoNode;    // index into Profile::nodes
  std::vector<uint32_t> children;

  // Exact (spans): valid when has_exact.
  bool has_exact = false;
  uint64_t calls = 0;
  uint64_t inclusive_ns = 0;
  uint64_t self_ns = 0;

  // Sampled: valid when the profile has sampling info.
  uint64_t samples_inclusive = 0;
  uint64_t samples_self = 0;

  // Memory attributed to this call path (allocations made while it was innermost).
  uint64_t alloc_count = 0;
  uint64_t alloc_bytes = 0;
  // Of what was allocated here, what was still allocated when the profile was taken: unbiased
  // estimates from allocation sampling by bytes (MemoryMetrics::heap_sampling; 0 without it).
  uint64_t inuse_objects = 0;
  uint64_t inuse_bytes = 0;

  // Set by the merger where exact and sampled shares disagree beyond the confidence interval.
  bool disagreement = false;

  std::map<std::string, MetricValue> metrics;  // recorded on this node's spans

  // Adds another node's figures (counts, times, samples, allocations, flags); frame, parent,
  // children and user metrics stay (merge adds metrics by its own rule).
  CallNode& add_figures(const CallNode& other);
};

// One sampled thread: the sampler's totals for it (samples, dropped, truncated, cpu_ns,
// wall_ns), which thread it was, and the rate it got.
struct ThreadSampling : sampler::ThreadTotals {
  uint32_t thread = 0;           // index into Profile::threads
  double rate_delivered_hz = 0;  // samples / (cpu or wall time, by the clock)
};

struct SamplingInfo {
  double rate_requested_hz = 0;
  double rate_delivered_hz = 0;
  std::string clock;         // "cpu" or "wall"
  std::string clock_source;  // e.g. "timer_create(CLOCK_THREAD_CPUTIME_ID)", and why a fallback
  std::string delivery;      // "signal" or "thread" (a sampling thread read the stacks)
  uint64_t samples = 0;
  uint64_t dropped_samples = 0;
  // Of those, dropped by a sampling thread because the stack changed under every copy it tried
  // (the rest: the ring was full).
  uint64_t unsettled_copies = 0;
  uint64_t truncated_stacks = 0;
  uint32_t threads = 0;
  bool native = false;
  bool jitter = false;
  uint32_t max_stack = 0;         // frames kept per sample; deeper stacks are truncated
  uint64_t native_unwind_failures = 0;  // --native samples whose unwinding failed or re-entered
  // The sampler's own cost: time in the signal handler, draining the rings, and the kernel's
  // signal delivery (measured at start-up); overhead_percent is their sum over the run's time.
  uint64_t handler_ns = 0;
  uint64_t drain_ns = 0;
  uint64_t naming_ns = 0;  // naming native PCs, off the program's threads (not in overhead_percent)
  double signal_cost_ns = 0;
  double overhead_percent = 0;
  std::vector<ThreadSampling> per_thread;
};

// A thread of the profiled process (the interpreter's, or an embedding program's).
struct ThreadInfo {
  uint32_t id = 0;    // position in Profile::threads
  std::string name;   // "main", or the name the embedder registered
  int64_t tid = 0;    // the OS thread id (0 when not known)
};

// Expression granularity: one expression or block site within one function, aggregated over
// every call path (not one node per path of nested expressions: that grew without bound).
struct ExpressionSite {
  uint32_t function_frame = 0;  // the function (module, ...) it lies in: Profile::frames
  uint32_t frame = 0;           // the site ("Binary @12:5"): Profile::frames
  uint64_t calls = 0;
  uint64_t inclusive_ns = 0;    // outermost activations only: recursion is not counted twice
  uint64_t self_ns = 0;         // excluding the expressions and calls nested in it
};

// Sampled lines (hot lines): the call tree refined by the line each guest frame stood at when
// sampled (the innermost frame's current statement, a caller's the line of the call it waited
// on). One entry per distinct path of (node, line), each refining one call-tree node, whose
// samples_self its entries' add up to. Only sampled profiles whose samples carried lines have
// them (sampled_lines.hpp reads them).
struct LineNode {
  uint32_t node = 0;          // the call-tree node it refines: Profile::nodes
  uint32_t parent = kNoNode;  // Profile::line_nodes (kNoNode: the path's outermost frame)
  uint32_t line = 0;          // 0: no line (native frames, built-ins, the collector)
  uint64_t samples_self = 0;
};

// One raw span kept for the timeline (Chrome trace, speedscope evented profile). Only kept
// when a timeline output is asked for; bounded, with a drop count (ProfilerCost).
struct TimelineEvent {
  uint32_t thread = 0;  // index into Profile::threads
  uint32_t frame = 0;   // index into Profile::frames
  uint32_t depth = 0;   // nesting depth on its thread (0 = outermost span)
  uint64_t start_ns = 0;  // since session start
  uint64_t duration_ns = 0;
};

// One garbage-collector run.
struct GcEvent {
  uint64_t start_ns = 0;  // since session start
  uint64_t duration_ns = 0;
  uint64_t reclaimed_bytes = 0;
  uint64_t reclaimed_objects = 0;
};

struct TimeSeriesPoint {
  uint64_t t_ns = 0;  // since session start
  double value = 0;
};

// Allocation sampling by bytes (issue 16): how the nodes' in-use figures (and, in sampling
// mode, their allocation figures) were estimated. Each sampled allocation of s bytes stands
// for 1 / (1 - exp(-s / rate_bytes)) allocations (Go's scaling; docs/heap-profiling.md).
struct HeapSamplingInfo {
  uint64_t rate_bytes = 0;            // mean bytes between sampled allocations; 1: all of them
  bool allocations_estimated = false; // node alloc figures come from the samples (sampling mode)
  uint64_t sampled_allocations = 0;
  uint64_t live_sampled = 0;          // sampled allocations still live when taken
  uint64_t peak_live_sampled = 0;     // the live table's largest size (bounded by the rate)
  std::map<std::string, uint64_t> inuse_bytes_by_type;    // estimates, by object type name
  std::map<std::string, uint64_t> inuse_objects_by_type;
};

struct MemoryMetrics {
  // What was measured (configuration switches); reports show the rest as not measured.
  bool measured = true;
  bool allocations_measured = true;
  bool deallocations_measured = true;
  bool peak_measured = true;
  // Allocations are heap blocks: objects and the buffers they own (one per allocator call).
  uint64_t total_allocations = 0;
  uint64_t total_allocation_bytes = 0;
  uint64_t total_deallocations = 0;
  uint64_t total_deallocation_bytes = 0;
  uint64_t peak_memory_bytes = 0;
  uint64_t live_bytes_at_end = 0;
  uint64_t live_objects_at_end = 0;
  std::map<std::string, uint64_t> objects_by_type;    // created, by type name
  std::map<std::string, uint64_t> live_objects_by_type;  // alive at the end, by type name
  std::map<std::string, uint64_t> refcount_histogram; // bucket label ("1", "2", "3-4", ...) -> count
  uint64_t gc_collections = 0;
  uint64_t gc_time_ns = 0;
  uint64_t gc_reclaimed_bytes = 0;
  uint64_t gc_reclaimed_objects = 0;
  std::vector<TimeSeriesPoint> heap_bytes;  // live heap over time (sampled ticks or GC points)
  std::vector<GcEvent> gc_runs;             // each collection, for the timeline and memory graph
  // Allocations by the type of object they were made for (a buffer counts as its owner's
  // type): count and bytes. Measured with allocations.
  std::map<std::string, uint64_t> allocations_by_type;
  std::map<std::string, uint64_t> allocation_bytes_by_type;
  // The reference-count histogram is a walk of the heap at the end; false when none was taken.
  bool refcount_measured = true;
  // The whole process, beside the interpreter's heap: resident set size (RSS) over time and
  // its peak (getrusage's ru_maxrss, which includes start-up). 0 / empty: not measured.
  uint64_t peak_rss_bytes = 0;
  std::vector<TimeSeriesPoint> rss_bytes;
  std::optional<HeapSamplingInfo> heap_sampling;  // none: allocations were not sampled
};

struct OperationMetrics {
  bool measured = true;
  std::vector<std::string> tracked;  // categories counted ("arithmetic", "function_calls", ...)
  uint64_t arithmetic = 0;
  uint64_t comparison = 0;
  uint64_t logical = 0;
  uint64_t string = 0;
  uint64_t array = 0;
  uint64_t object = 0;
  uint64_t function_calls = 0;
  uint64_t variable_accesses = 0;
  uint64_t property_accesses = 0;
  uint64_t string_dictionary = 0;
  std::map<std::string, uint64_t> calls_by_function;
  std::map<std::string, uint64_t> accesses_by_variable;
  std::map<std::string, uint64_t> property_accesses_by_type;
  std::map<std::string, uint64_t> dictionary_by_operation;  // "get", "set", ...

  // Whether a category ("arithmetic", ..., "string_dictionary": the names of `tracked` and
  // of the JSON keys) was counted; a category that was not reads as not measured, never 0.
  bool counted(std::string_view category) const;
  // Adds the counts (and the tracked categories) of `other`; `measured` is left to the caller.
  OperationMetrics& operator+=(const OperationMetrics& other);
};

// What the profiler could not measure, and what it cost: every report prints this.
struct ProfilerCost {
  std::string clock;              // the span clock and its calibration
  double span_cost_ns = 0;        // measured cost of one span (enter + exit) at session start
  bool compensated = false;       // span cost subtracted from the figures
  uint64_t spans = 0;             // spans recorded
  uint64_t filtered_spans = 0;    // dropped by min_duration
  uint64_t min_duration_ns = 0;
  uint64_t timeline_dropped = 0;  // raw timeline events dropped (bounded buffer)
  uint64_t timeline_floor_ns = 0; // with drops: every span at least this long was kept
  double overhead_percent = 0;    // the profiler's own time as a share of the run
  std::vector<std::string> notes; // anything else the reader must know
  // Which notes (texts of `notes`) tell how the profiler worked inside rather than what the
  // figures mean (timer sources and switches, delivery, periods merged into weights, what
  // the header already says): the text report shows them with --verbose only. Marked where a
  // note is made (add_internal_note), kept by the JSON and by merges.
  std::set<std::string> internal_notes;

  void add_internal_note(std::string note) {
    internal_notes.insert(note);
    notes.push_back(std::move(note));
  }
  bool is_internal(const std::string& note) const { return internal_notes.count(note) != 0; }
};

struct Profile {
  static constexpr int kSchemaVersion = 2;  // 2: lossless (frames, nodes, sampling, ...)

  std::string session_name;
  std::string mode;  // "exact", "sampling", "hybrid"
  std::string granularity;  // exact mode: "function", "expression", "module"
  std::string program;      // the profiled file
  std::string start_time;   // ISO 8601 UTC
  std::string end_time;
  uint64_t duration_ns = 0;
  std::optional<int> exit_status;                  // the profiled program's
  std::string time_precision = "nanoseconds";      // what times were rounded to
  bool time_measured = true;                       // spans were recorded
  std::map<std::string, std::string> labels;       // --label key=value
  std::map<std::string, std::string> system_info;  // when include_system_info

  std::vector<Frame> frames;
  std::vector<CallNode> nodes;  // nodes[0] is the root (frame 0, kind Root)
  std::vector<ThreadInfo> threads;       // threads seen (sampled or with spans)
  std::vector<TimelineEvent> timeline;   // raw spans, when a timeline was asked for
  std::vector<ExpressionSite> expression_sites;  // expression granularity (exact)
  std::vector<LineNode> line_nodes;              // sampled lines (see LineNode)

  MemoryMetrics memory;
  OperationMetrics operations;
  std::optional<SamplingInfo> sampling;
  ProfilerCost profiler;
  std::map<std::string, MetricValue> metrics;  // session-wide user metrics

  Profile();  // creates the root frame and node

  // Interns a frame (by FrameKey, in O(1)); returns its index. Frames appended to `frames`
  // directly are found too: they are indexed on the next call. A frame must not change its
  // identity (name, file, line, kind, column) once interned.
  uint32_t intern_frame(const Frame& f);
  // The child of `parent` for `frame`, created if missing; returns its index.
  uint32_t child(uint32_t parent, uint32_t frame);
  // A new child of `parent` for `frame`, without looking for an existing one.
  uint32_t add_child(uint32_t parent, uint32_t frame);

 private:
  std::unordered_map<FrameKey, uint32_t, FrameKeyHash> frame_index_;
  size_t indexed_frames_ = 0;  // frames[0, indexed_frames_) are in frame_index_
};

// Moves the root's own figures (self time, self samples, allocations: what ran outside every
// frame) to a child frame `name` of kind Native, so every format shows them under a name that
// says what they are rather than as `<root>`. Nothing when the root has none of its own.
void attribute_root_self(Profile& profile, const std::string& name);

// Per-function totals over the whole tree. Inclusive time counts a recursive function once per
// outermost activation (time of nested activations of the same frame is not added again).
// A function's figures over the whole tree (a recursive function's inclusive figures counted
// once per outermost activation). A native function is one total for all its lines' frames:
// `frame` is the first of them, and several_lines says its line stands for more than one.
struct FunctionTotal {
  uint32_t frame = 0;
  bool several_lines = false;
  uint64_t calls = 0;
  uint64_t inclusive_ns = 0;
  uint64_t self_ns = 0;
  uint64_t samples_inclusive = 0;
  uint64_t samples_self = 0;
};
std::vector<FunctionTotal> function_totals(const Profile& profile);

}  // namespace aiprof::report
