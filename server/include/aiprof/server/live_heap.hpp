// What the heap endpoints read of a running program (issue 16): the table of its sampled
// allocations (anarchy::Heap::start_allocation_sampling) and the names of its frame ids.
//
//   auto table = std::make_shared<HeapSampleTable>(512 * 1024);
//   interp.heap().start_allocation_sampling(table, &interp.frames());
//   live_heap.attach(table, &interp.functions());   // program thread, before it runs
//   ... run ...
//   live_heap.finish();                              // program thread, before the interpreter goes
//
// /debug/pprof/heap and /allocs read the table as it stands (cumulative since start, as Go's);
// /debug/pprof/delta_heap reads the allocations since the previous delta_heap request (the
// difference is taken on the records, before serialisation, as godeltaprof does). After
// finish() the last table and names stay readable.
// Thread-safe: every member function. Not async-signal-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/instrumentation/heap_samples.hpp"

namespace aiprof::server {

class LiveHeap {
 public:
  struct Reading {
    instrumentation::HeapSampleSnapshot samples;
    instrumentation::FunctionRegistry functions;  // a snapshot of the names
  };

  void attach(std::shared_ptr<const instrumentation::HeapSampleTable> table,
              const instrumentation::FunctionRegistry* functions);
  void finish();

  // The table now; nullopt before attach().
  std::optional<Reading> read();
  // The allocations since the previous call (all of them the first time); in-use figures are
  // the current ones.
  std::optional<Reading> read_delta();

 private:
  std::optional<Reading> read_locked() const;

  std::mutex mutex_;
  std::shared_ptr<const instrumentation::HeapSampleTable> table_;
  const instrumentation::FunctionRegistry* functions_ = nullptr;
  std::optional<instrumentation::FunctionRegistry> final_functions_;  // after finish()
  instrumentation::HeapSampleSnapshot previous_delta_;
};

}  // namespace aiprof::server
