// What a sampling session produced: the aggregated stacks, per-thread figures, the live-heap
// time series, and what the sampler cost and could not see. Plain data, handed over by
// Sampler::take_results(); the report library turns it into a Profile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aiprof/sampler/sampler_config.hpp"
#include "aiprof/sampler/stack_trie.hpp"
#include "aiprof/sampler/thread_totals.hpp"

namespace aiprof::sampler {

struct ThreadFigures : ThreadTotals {
  std::string name;
  int64_t tid = 0;
  uint64_t ticks = 0;             // timer signals handled, or sampling-thread passes
  uint64_t unsettled = 0;         // of dropped, sampling thread: the stack changed under each copy
  uint64_t missed = 0;            // timer expirations coalesced into a later sample's weight
  uint64_t late = 0;              // CPU-clock ticks skipped: the thread was off the CPU
  uint64_t throttled = 0;         // ticks skipped because sampling was eating the thread's time
  uint64_t native_failures = 0;   // native unwinding failed or was re-entered
  uint64_t handler_ns = 0;        // time spent in the handler (or the sampling thread's time)
  std::string source;             // what fed it at the end, in words (a timer, the perf
                                  // task-clock counter or the sampling thread; see notes for
                                  // the sources it left and why)
  bool signalled = true;          // its ticks were signals (not a sampling thread's passes)
  double delivered_hz() const;    // samples per second of the configured clock
  SampleClock clock = SampleClock::Cpu;
};

struct HeapPoint {
  uint64_t t_ns = 0;
  uint64_t live_bytes = 0;
};

// Consecutive samples of one thread with the same stack, as one slice of time (as py-spy's
// chrometrace draws samples): what a timeline of a sampled run shows.
struct SampleSlice {
  int64_t tid = 0;        // the thread's OS id (ThreadFigures::tid)
  uint32_t stack = 0;     // the StackTrie node its samples' stacks ended at
  uint64_t start_ns = 0;  // the first sample's time, since the session's start
  uint64_t last_ns = 0;   // the last sample's time
  uint64_t samples = 0;   // their weight
};

class Symbolizer;

struct SampledSession {
  SamplerConfig config;
  StackTrie stacks;  // counts are weights: 1 + the expirations a sample stands for
  std::vector<ThreadFigures> threads;
  std::vector<HeapPoint> heap;     // one point per sample of a thread that reports its heap
  std::vector<SampleSlice> slices; // in sample order per thread; bounded (slices_dropped)
  uint64_t slices_dropped = 0;     // samples past the bound that started a new slice
  uint64_t duration_ns = 0;        // wall time the sampler ran (summed over start/stop runs)
  uint64_t drain_ns = 0;           // time the reader spent draining and aggregating
  // Time the naming thread spent naming native PCs while the program ran (Boost.Stacktrace, in the
  // helper process where one is enabled, else here; its first look-up reads every module's
  // debug information). Spent off the program's threads, once per PC: not part of
  // overhead_percent, which is what the program's threads pay.
  uint64_t naming_ns = 0;
  double signal_cost_ns = 0;       // kernel delivery + return of one signal, measured
  std::vector<std::string> notes;  // fallbacks taken and why
  // With native frames: their PCs, already named by the sampler's naming thread while the
  // program ran (so naming them does not wait until the run is over). Null without them.
  std::shared_ptr<Symbolizer> symbols;

  uint64_t samples() const;
  uint64_t dropped() const;
  uint64_t unsettled() const;
  uint64_t truncated() const;
  // The rate delivered over all threads: samples / (summed clock time) (0 if nothing ran).
  double delivered_hz() const;
  // The sampler's own cost (handler + drain + signal deliveries) as a share of the run, in %.
  // (naming_ns is left out: see above.)
  double overhead_percent() const;
};

}  // namespace aiprof::sampler
