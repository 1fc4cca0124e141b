// CallbackCost: what the exact observer's non-span callbacks (memory and operation counters,
// allocations, properties, variables, ...) cost the run, timed in the run.
//
// One callback in kProbeInterval, whatever its kind, reads the clock at its start and end; as
// the probed callbacks are spread evenly over the sequence of callbacks, their mean time
// times the number of callbacks estimates the total. Span callbacks are left out: CallTree
// times its own bookkeeping (CallTree::bookkeeping_ticks). A probe's interval also holds one
// clock read of its own (the end of the first, the start of the second), which unprobed
// callbacks never pay: it is measured at begin() and taken off each probe. (Left in, it
// counted every counter callback as one clock read more: a read of the CPU clock is a system
// call, and runs with --clock cpu reported overheads above 100%.)
//
// Owner thread only; nothing here is async-signal-safe.
#pragma once

#include <cstdint>

#include "aiprof/instrumentation/clock.hpp"

namespace aiprof::instrumentation {

class CallbackCost {
 public:
  static constexpr uint32_t kProbeInterval = 61;
  static constexpr uint64_t kProbeCapNs = 20'000;  // longer: preempted (as CallTree's probes)

  // Probes the callback it is constructed in (a countdown and a branch, most of the time).
  class Scope {
   public:
    explicit Scope(CallbackCost& cost) : cost_(cost) {
      ++cost_.callbacks_;
      if (--cost_.countdown_ == 0) [[unlikely]]
        start_ = cost_.clock_->now();
    }
    ~Scope() {
      if (start_) [[unlikely]]
        cost_.add_probe(cost_.clock_->now() - start_);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CallbackCost& cost_;
    uint64_t start_ = 0;
  };

  // The clock must outlive the probes (the profiler's, for one session).
  void begin(const SpanClock* clock) {
    *this = CallbackCost();
    clock_ = clock;
    cap_ticks_ = clock->to_ticks(kProbeCapNs);
    read_ticks_ = clock_read_ticks(*clock);
  }
  // The estimated total, in ticks of the clock (0 before the first probe).
  double total_ticks() const {
    if (probes_ == 0) return 0;
    return static_cast<double>(probed_ticks_) / static_cast<double>(probes_) *
           static_cast<double>(callbacks_);
  }
  uint64_t callbacks() const { return callbacks_; }

 private:
  // The least of back-to-back reads: one read's cost, as a probe's interval holds it.
  static uint64_t clock_read_ticks(const SpanClock& clock) {
    uint64_t least = UINT64_MAX;
    for (int i = 0; i < 64; ++i) {
      uint64_t first = clock.now();
      uint64_t second = clock.now();
      if (second - first < least) least = second - first;
    }
    return least;
  }

  void add_probe(uint64_t ticks) {
    ticks = ticks > read_ticks_ ? ticks - read_ticks_ : 0;
    probed_ticks_ += ticks < cap_ticks_ ? ticks : cap_ticks_;
    ++probes_;
    countdown_ = kProbeInterval;
  }

  const SpanClock* clock_ = nullptr;
  uint64_t cap_ticks_ = UINT64_MAX;
  uint64_t read_ticks_ = 0;
  uint64_t callbacks_ = 0;
  uint32_t countdown_ = kProbeInterval;
  uint64_t probes_ = 0;
  uint64_t probed_ticks_ = 0;
};

}  // namespace aiprof::instrumentation
