// The guest call stack, kept in a form a SIGPROF handler can read.
//
// The interpreter pushes one Frame per guest call; the sampler's signal handler copies the
// frames out. The depth is published last (after a signal fence), so a handler that
// interrupts a push never sees a half-written frame.
//
// Async-signal-safe: depth(), frame(), copy_to(). Everything else runs on the owning thread.
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
    uint32_t d = depth_.load(std::memory_order_relaxed);
    frames_[d] = Frame{function_id, line, column};
    std::atomic_signal_fence(std::memory_order_release);
    depth_.store(d + 1, std::memory_order_relaxed);
  }

  // Owner thread only.
  void pop() { depth_.store(depth_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed); }

  // Owner thread only: the innermost frame, to record where it stands before a call.
  Frame& top() { return frames_[depth_.load(std::memory_order_relaxed) - 1]; }

  // Async-signal-safe.
  uint32_t depth() const {
    uint32_t d = depth_.load(std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_acquire);
    return d;
  }

  // Async-signal-safe. Frame i, 0 = outermost.
  const Frame& frame(uint32_t i) const { return frames_[i]; }

  // Async-signal-safe: copies up to max_frames function ids, outermost first, and returns the
  // number copied. *truncated is set when the stack was deeper than max_frames (the innermost
  // frames are kept, as they matter most for self time).
  uint32_t copy_ids(uint32_t* out, uint32_t max_frames, bool* truncated) const {
    uint32_t d = depth();
    uint32_t start = d > max_frames ? d - max_frames : 0;
    for (uint32_t i = start; i < d; ++i) out[i - start] = frames_[i].function_id;
    *truncated = start != 0;
    return d - start;
  }

 private:
  std::unique_ptr<Frame[]> frames_;
  uint32_t capacity_;
  std::atomic<uint32_t> depth_{0};
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
