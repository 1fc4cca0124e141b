// Profiler: the API of profiling-design.md ("API Design") in C++.
//
//   Profiler profiler(config);            // or Profiler{} for the defaults
//   profiler.start_session("main");
//   { SpanGuard span = profiler.start_span("load", SpanType::Custom); ... }   // RAII
//   ProfilingSession session = profiler.end_session();
//   std::string text = profiler.generate_report(some_generator);
//
// Spans aggregate into a call tree (call_tree.hpp); the interpreter's events reach the
// profiler through ExactObserver. Misuse (a second start_session, end_session or end_span
// with nothing open, record_metric outside a session) throws ProfilerError; start_span never
// throws and returns an inactive guard when profiling is disabled or no session is running.
//
// One thread: the profiler and its guards belong to the thread that runs the session.
// Nothing here is async-signal-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "aiprof/instrumentation/call_tree.hpp"
#include "aiprof/instrumentation/config.hpp"
#include "aiprof/instrumentation/memory_collector.hpp"
#include "aiprof/instrumentation/operation_collector.hpp"
#include "aiprof/instrumentation/session.hpp"
#include "aiprof/instrumentation/span.hpp"

namespace aiprof::instrumentation {

class ProfilerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Implemented by the report library, one per format. Keeps data flowing one way: the profiler
// hands its session out and never knows how it is formatted.
class ReportGenerator {
 public:
  virtual ~ReportGenerator() = default;
  virtual std::string generate_report(const ProfilingSession& session) const = 0;
};

// Names the span keys and ids an event source produced (ExactObserver names the interpreter's
// functions, modules and expressions). Consulted once, when a session ends.
class SpanDescriber : public IdNames {
 public:
  virtual SpanDescription describe(SpanKey key) const = 0;
};

// A span site known at compile time (what the profile macros declare): its address is its key,
// so a span from a site costs no string handling.
struct SpanSite {
  const char* name;
  SpanType type;
  const char* file;
  uint32_t line;
};

class Profiler;

// Ends its span when it goes out of scope (unless the span was already ended by end_span).
class SpanGuard {
 public:
  SpanGuard() = default;
  SpanGuard(SpanGuard&& other) noexcept : profiler_(other.profiler_), depth_(other.depth_) {
    other.profiler_ = nullptr;
  }
  SpanGuard& operator=(SpanGuard&&) = delete;
  SpanGuard(const SpanGuard&) = delete;
  SpanGuard& operator=(const SpanGuard&) = delete;
  ~SpanGuard();

  bool active() const { return profiler_ != nullptr; }
  // Adds a metric to this span's call-tree node (numbers add up over calls).
  void record_metric(std::string_view name, MetricValue value);

 private:
  friend class Profiler;
  SpanGuard(Profiler* profiler, uint32_t depth) : profiler_(profiler), depth_(depth) {}
  Profiler* profiler_ = nullptr;
  uint32_t depth_ = 0;  // the tree depth with this span open
};

class Profiler {
 public:
  Profiler() : Profiler(ProfilerConfig{}) {}
  explicit Profiler(ProfilerConfig config);
  static Profiler with_config(ProfilerConfig config) { return Profiler(std::move(config)); }
  Profiler(Profiler&&) = default;
  ~Profiler();

  void set_enabled(bool enabled) { config_.enabled = enabled; }
  bool enabled() const { return config_.enabled; }
  const ProfilerConfig& config() const { return config_; }

  // Starts a session: calibrates the clock (once per profiler) and measures the span cost.
  void start_session(std::string_view name);
  // Ends the session: closes open spans and returns the result (also kept for
  // generate_report). Keys and ids are named through the describer set by the event source.
  ProfilingSession end_session();
  bool session_active() const { return active_ != nullptr; }

  SpanGuard start_span(std::string_view name, SpanType type, SourceLocation location = {});
  SpanGuard start_span(const SpanSite& site);
  void end_span();

  // A session-wide metric (numbers recorded twice add up).
  void record_metric(std::string_view name, MetricValue value);

  // The report of the running session (a snapshot) or else of the last ended one.
  std::string generate_report(const ReportGenerator& generator) const;

  // Drops the running and last sessions; keeps the configuration.
  void reset();

  // ---- for event sources (ExactObserver) ----
  void set_describer(const SpanDescriber* describer) { describer_ = describer; }
  // Valid only while a session is active.
  CallTree& tree();
  MemoryCollector& memory();
  OperationCollector& operations();
  // Time an event source spent in its own callbacks (besides span bookkeeping), counted in
  // the session's overhead (ProfilerCostInfo::bookkeeping_ns), and how many callbacks those
  // were (ProfilerCostInfo::hook_calls).
  void add_event_source_cost_ns(double ns, uint64_t callbacks = 0);
  // What one hook call costs the interpreter beyond the observer's timed work (dispatch, the
  // hooked evaluator's slower paths), measured by the caller (cli/hook_cost_calibration.cpp);
  // sessions count it per hook call (ProfilerCostInfo::dispatch_ns). 0: not measured.
  void set_hook_dispatch_cost_ns(double ns_per_call) { dispatch_ns_per_call_ = ns_per_call; }
  // The running session's figures so far (what its ProfilerCostInfo will say): the profiler's
  // own timed work in ns, and the hook calls (two per span, and the event source's callbacks).
  double bookkeeping_ns() const;
  uint64_t hook_calls() const;
  // A key for a named span of `type` (interned: the same name gives the same key).
  SpanKey named_key(SpanType type, std::string_view name, SourceLocation location = {});

 private:
  struct ActiveSession;
  friend class SpanGuard;
  void end_span_at(uint32_t depth);
  ProfilingSession snapshot(const ActiveSession& active, bool finishing) const;
  static double bookkeeping_ns_of(const ActiveSession& active);
  static uint64_t hook_calls_of(const ActiveSession& active);

  ProfilerConfig config_;
  std::optional<SpanClock> clock_;
  double dispatch_ns_per_call_ = 0;
  std::unique_ptr<ActiveSession> active_;
  std::optional<ProfilingSession> last_;
  const SpanDescriber* describer_ = nullptr;
};

}  // namespace aiprof::instrumentation
