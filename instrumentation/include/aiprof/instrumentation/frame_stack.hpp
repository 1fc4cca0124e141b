// The guest call stack, kept in a form a SIGPROF handler, or a sampling thread on another
// core, can read.
//
// The interpreter pushes one Frame per guest call; the sampler copies the frame ids out,
// either from a signal handler on the owning thread or from its own thread. The state word
// holds the depth (low 32 bits) and a push count (high 32 bits), seqlock-style: a push bumps
// the count before it writes its frame (a release store, so a reader that sees the new frame
// sees the new count) and publishes the new depth after, so a reader on another thread can
// tell whether any frame it copied was rewritten while it copied. (No fences: ThreadSanitizer
// does not model them.) On x86 every store and load here compiles to a plain move: a push
// costs one store more than an unguarded stack would.
//
// Async-signal-safe: depth(), frame(), copy_ids(), copy_ids_from_other_thread().
// Safe from another thread: depth(), copy_ids_from_other_thread(). Everything else runs on
// the owning thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace aiprof::instrumentation {

// One guest frame: which function runs, and where in it execution currently stands
// (the line/column of the call the frame is waiting on, or of the failing expression).
struct Frame {
  uint32_t function_id;
  uint32_t line;
  uint32_t column;
};

class FrameStack {
 public:
  explicit FrameStack(uint32_t capacity)
      : frames_(std::make_unique<Frame[]>(capacity)), capacity_(capacity) {}

  FrameStack(const FrameStack&) = delete;
  FrameStack& operator=(const FrameStack&) = delete;

  uint32_t capacity() const { return capacity_; }

  // Owner thread only. The caller checks depth() < capacity() first (the interpreter turns a
  // full stack into a guest RangeError, never an overflow).
  void push(uint32_t function_id, uint32_t line, uint32_t column) {
    uint64_t state = state_.load(std::memory_order_relaxed);
    Frame& f = frames_[static_cast<uint32_t>(state)];
    state_.store(state + kOnePush, std::memory_order_relaxed);  // "frames may change", which a
    // reader that sees the new id below also sees (the release store orders it first)
    std::atomic_ref<uint32_t>(f.function_id).store(function_id, std::memory_order_release);
    f.line = line;
    f.column = column;
    state_.store(state + kOnePush + 1, std::memory_order_release);  // the depth, last
  }

  // Owner thread only. (A pop rewrites no frame, so it leaves the push count alone.)
  void pop() { state_.store(state_.load(std::memory_order_relaxed) - 1, std::memory_order_release); }

  // Owner thread only: the innermost frame, to record where it stands before a call. (Only
  // line and column may be changed through it: readers on other threads read function ids.)
  Frame& top() { return frames_[depth() - 1]; }

  // Async-signal-safe; safe from another thread.
  uint32_t depth() const { return static_cast<uint32_t>(state_.load(std::memory_order_acquire)); }

  // Async-signal-safe on the owning thread. Frame i, 0 = outermost.
  const Frame& frame(uint32_t i) const { return frames_[i]; }

  // Async-signal-safe, from a handler on the owning thread (which the owner cannot be
  // running under): copies up to max_frames function ids, outermost first, and returns the
  // number copied. *truncated is set when the stack was deeper than max_frames (the innermost
  // frames are kept, as they matter most for self time).
  uint32_t copy_ids(uint32_t* out, uint32_t max_frames, bool* truncated) const {
    return copy_range(static_cast<uint32_t>(state_.load(std::memory_order_acquire)), out,
                      max_frames, truncated);
  }

  // Safe from any thread while the owner runs: the same copy, as the stack stood when the
  // copy began. Returns false (nothing usable in out) when the owner pushed during the copy,
  // which may have rewritten a copied frame; the caller may try again.
  bool copy_ids_from_other_thread(uint32_t* out, uint32_t max_frames, bool* truncated,
                                  uint32_t* copied) const {
    uint64_t before = state_.load(std::memory_order_acquire);
    *copied = copy_range(static_cast<uint32_t>(before), out, max_frames, truncated);
    uint64_t after = state_.load(std::memory_order_relaxed);
    return (after >> 32) == (before >> 32);
  }

 private:
  static constexpr uint64_t kOnePush = uint64_t{1} << 32;

  uint32_t copy_range(uint32_t depth, uint32_t* out, uint32_t max_frames, bool* truncated) const {
    uint32_t start = depth > max_frames ? depth - max_frames : 0;
    for (uint32_t i = start; i < depth; ++i)
      out[i - start] =
          std::atomic_ref<uint32_t>(frames_[i].function_id).load(std::memory_order_acquire);
    *truncated = start != 0;
    return depth - start;
  }

  std::unique_ptr<Frame[]> frames_;
  uint32_t capacity_;
  std::atomic<uint64_t> state_{0};  // push count << 32 | depth
};

// Pushes a frame for a scope (native code that keeps its own frame stack for the sampler):
//   void parse() { ScopedFrame frame(stack, kParseId); ... }
// Owner thread only. The stack must have room (depth() < capacity()).
class ScopedFrame {
 public:
  ScopedFrame(FrameStack& stack, uint32_t function_id, uint32_t line = 0, uint32_t column = 0)
      : stack_(stack) {
    stack_.push(function_id, line, column);
  }
  ~ScopedFrame() { stack_.pop(); }
  ScopedFrame(const ScopedFrame&) = delete;
  ScopedFrame& operator=(const ScopedFrame&) = delete;

 private:
  FrameStack& stack_;
};

}  // namespace aiprof::instrumentation
