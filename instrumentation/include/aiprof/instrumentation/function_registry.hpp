// Maps the frame ids stored in a FrameStack to what they name (function, file, line).
//
// Ids are dense and never reused, so a sample holding ids can be resolved after the run.
// Not async-signal-safe: register on the owning thread before the id can appear in a frame.
// add() and snapshot() are thread-safe (a live endpoint names frames while the program, which
// registers built-ins lazily, runs); at() and size() are for the owning thread or a snapshot.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "aiprof/instrumentation/frame_kind.hpp"

namespace aiprof::instrumentation {

// Entries are Function, Module, Builtin, GC or Native frames (frame_kind.hpp).
struct FunctionInfo {
  std::string name;  // qualified: "module.function" ("m.fib"), "module.<init>", "Array.push"
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  FrameKind kind = FrameKind::Function;
};

class FunctionRegistry {
 public:
  FunctionRegistry() = default;
  FunctionRegistry(const FunctionRegistry& other) : entries_(other.copy_entries()) {}
  FunctionRegistry& operator=(const FunctionRegistry&) = delete;

  uint32_t add(FunctionInfo info) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.push_back(std::move(info));
    return static_cast<uint32_t>(entries_.size() - 1);
  }
  const FunctionInfo& at(uint32_t id) const { return entries_.at(id); }
  uint32_t size() const { return static_cast<uint32_t>(entries_.size()); }
  // Any thread: a copy of every entry added so far.
  FunctionRegistry snapshot() const { return *this; }

 private:
  std::vector<FunctionInfo> copy_entries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_;
  }
  mutable std::mutex mutex_;
  std::vector<FunctionInfo> entries_;
};

}  // namespace aiprof::instrumentation
