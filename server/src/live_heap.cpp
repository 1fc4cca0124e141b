#include "aiprof/server/live_heap.hpp"

namespace aiprof::server {

namespace inst = aiprof::instrumentation;

void LiveHeap::attach(std::shared_ptr<const inst::HeapSampleTable> table,
                      const inst::FunctionRegistry* functions) {
  std::lock_guard<std::mutex> lock(mutex_);
  table_ = std::move(table);
  functions_ = functions;
  final_functions_.reset();
}

void LiveHeap::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (functions_) final_functions_.emplace(functions_->snapshot());
  functions_ = nullptr;
}

std::optional<LiveHeap::Reading> LiveHeap::read() {
  std::lock_guard<std::mutex> lock(mutex_);
  return read_locked();
}

std::optional<LiveHeap::Reading> LiveHeap::read_locked() const {
  if (!table_) return std::nullopt;
  // The names after the samples: every id a sample holds was registered before it was taken.
  inst::HeapSampleSnapshot samples = table_->snapshot();
  if (functions_) return Reading{std::move(samples), functions_->snapshot()};
  if (final_functions_) return Reading{std::move(samples), *final_functions_};
  return Reading{std::move(samples), inst::FunctionRegistry()};
}

std::optional<LiveHeap::Reading> LiveHeap::read_delta() {
  std::lock_guard<std::mutex> lock(mutex_);  // one delta at a time: each sees the one before
  std::optional<Reading> now = read_locked();
  if (!now) return now;
  inst::HeapSampleSnapshot delta = inst::allocations_since(now->samples, previous_delta_);
  previous_delta_ = std::move(now->samples);
  now->samples = std::move(delta);
  return now;
}

}  // namespace aiprof::server
