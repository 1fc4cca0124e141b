// ProfilerConfig: every option of profiling-design.md ("Configuration Options"), plus the
// exact-mode choices (granularity, compensation). Plain data; the CLI fills it from a config
// file and flags, an embedding program sets it directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aiprof::instrumentation {

// Which interpreter events become spans. Module and import spans (and GC spans) exist at every
// granularity; function adds one span per guest call; expression adds every expression and
// block.
enum class Granularity : uint8_t { Module, Function, Expression };

// The unit reports round times to (the clock itself always counts in its own ticks).
enum class TimePrecision : uint8_t { Nanoseconds, Microseconds, Milliseconds };

// What span times count: wall time (rdtsc or CLOCK_MONOTONIC; includes time the thread waited
// or was descheduled) or the thread's CPU time (excludes it; a system call per read).
enum class TimeClock : uint8_t { Wall, Cpu };

// The operation categories OperationProfiling can track, as bits of an OperationSet.
enum class TrackedOperation : uint8_t {
  Arithmetic,
  Comparison,
  Logical,
  String,
  Array,
  Object,
  FunctionCall,
  VariableAccess,
  PropertyAccess,
  StringDictionary,
  Count
};

class OperationSet {
 public:
  static OperationSet all() {
    return OperationSet((1u << static_cast<unsigned>(TrackedOperation::Count)) - 1);
  }
  static OperationSet none() { return OperationSet(0); }
  bool has(TrackedOperation op) const { return bits_ & bit(op); }
  void add(TrackedOperation op) { bits_ |= bit(op); }
  void remove(TrackedOperation op) { bits_ &= ~bit(op); }
  bool empty() const { return bits_ == 0; }
  bool operator==(const OperationSet&) const = default;

 private:
  explicit OperationSet(uint32_t bits) : bits_(bits) {}
  static uint32_t bit(TrackedOperation op) { return 1u << static_cast<unsigned>(op); }
  uint32_t bits_;
};

struct TimeProfiling {
  bool enabled = true;
  TimePrecision precision = TimePrecision::Microseconds;
  TimeClock clock = TimeClock::Wall;
  // Spans shorter than this are not recorded (counted as filtered; their time stays in their
  // caller's self time). Zero records everything.
  std::chrono::nanoseconds min_duration{0};
  // Subtract the measured cost of a span from the figures of its callers.
  bool compensate = false;
};

struct MemoryProfiling {
  bool enabled = true;
  bool track_allocations = true;
  bool track_deallocations = true;
  bool track_peak_memory = true;
};

struct OperationProfiling {
  bool enabled = true;
  OperationSet tracked_operations = OperationSet::all();
};

struct OutputOptions {
  // The report on stderr when no output file is asked for: a format name of the report
  // library's writers ("text" or "json"; the CLI checks it).
  std::string default_format = "text";
  bool include_source_locations = true;
  bool include_system_info = true;
  uint32_t max_call_stack_depth =
      64;  // deeper call-graph levels are cut from reports (and counted)
};

// The raw spans a timeline output (Chrome trace, speedscope) needs. Off by default: exact
// spans otherwise aggregate into the call tree and are not kept one by one. When the buffer
// holds max_events spans, later ones are dropped and counted.
struct TimelineRecording {
  bool enabled = false;
  uint32_t max_events = 1'000'000;  // 24 bytes each
};

struct ProfilerConfig {
  bool enabled = true;
  Granularity granularity = Granularity::Function;
  TimeProfiling time_profiling;
  MemoryProfiling memory_profiling;
  OperationProfiling operation_profiling;
  OutputOptions output;
  TimelineRecording timeline;
};

// Names as config files and reports spell them ("function", "microseconds", "json",
// "arithmetic", ...). The parse functions return nullopt for an unknown name.
std::string_view to_string(Granularity value);
std::string_view to_string(TimePrecision value);
std::string_view to_string(TimeClock value);
std::string_view to_string(TrackedOperation value);
std::optional<Granularity> parse_granularity(std::string_view text);
std::optional<TimePrecision> parse_time_precision(std::string_view text);
std::optional<TimeClock> parse_time_clock(std::string_view text);
std::optional<TrackedOperation> parse_tracked_operation(std::string_view text);
// "250us", "1.5ms", "2s", "100ns", or a bare number of nanoseconds.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

}  // namespace aiprof::instrumentation
