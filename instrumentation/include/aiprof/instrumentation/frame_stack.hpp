// The guest call stack, kept in a form a SIGPROF handler, or a sampling thread on another
// core, can read.
//
// The interpreter pushes one Frame per guest call, per built-in call and per run of the cycle
// collector (their ids name them in the FunctionRegistry, kinds Builtin and GC, so sampled time
// lands in `String.split` or `<gc>` rather than in the guest function that called them); the
// sampler copies the frame ids out,
// either from a signal handler on the owning thread or from its own thread. Pushes are
// numbered: the state word holds the depth (low 32 bits) and the number of the last push (high
// 32 bits), and each frame carries the number of the push that wrote it beside its function id
// (one 64-bit word, written in one store). A reader on another thread reads the state, then the
// frames below its depth: a frame whose push number is newer than the state's was rewritten
// while it copied (the stack fell below it and grew again), and the copy is refused. Pushes
// above the depth it read leave its copy alone, so only a stack that shrinks into the copied
// frames spoils a copy. (No fences: ThreadSanitizer does not model them. On x86 every store and
// load here is a plain move, and a push stores no more than an unguarded stack would.)
//
// Lines: each frame's position is where it stands, for the samples' hot lines: the evaluator
// stores the innermost guest frame's position once per statement (through a pointer it keeps
// to that frame's position), and a caller's is the call it waits on. Positions are relaxed
// atomic words, read without the push-number check's guarantee: a copy may pair a frame with
// a line it stood at a moment before or after the copy's other frames (a line within that
// running frame, never another function's).
//
// Async-signal-safe: depth(), frame(), copy_ids(), read_state(), copy_ids_from_other_thread(). Safe from another thread: depth(), read_state(), copy_ids_from_other_thread().
// Everything else runs on the owning thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#if defined(__GNUC__)
#define AIPROF_FRAME_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define AIPROF_FRAME_UNLIKELY(x) (x)
#endif

namespace aiprof::instrumentation {

// One guest frame: which function runs (and the number of the push that wrote it), and where
// in it execution currently stands: its position, line and column in one word (the innermost
// guest frame's current statement, a caller's call it is waiting on, or the failing
// expression), written in one relaxed atomic store so a reader on another thread may read the
// line (a plain move on x86; ThreadSanitizer sees no race).
struct Frame {
  uint64_t push_and_id;  // push number << 32 | function id
  uint64_t position;     // column << 32 | line

  uint32_t function_id() const { return static_cast<uint32_t>(push_and_id); }
  // Any thread.
  uint32_t line() const {
    return static_cast<uint32_t>(std::atomic_ref<const uint64_t>(position).load(std::memory_order_relaxed));
  }
  // Owner thread.
  uint32_t column() const { return static_cast<uint32_t>(position >> 32); }
  // Owner thread: where the frame stands now.
  void set_position(uint32_t line, uint32_t column) { store_position(&position, line, column); }
  static void store_position(uint64_t* position_of_frame, uint32_t line, uint32_t column) {
    std::atomic_ref<uint64_t>(*position_of_frame)
        .store(uint64_t{column} << 32 | line, std::memory_order_relaxed);
  }
};

// (The evaluator steps from a frame's position to the one below by this size.)
static_assert(sizeof(Frame) == 16, "Frame's size changed: check ActiveCall (evaluator.hpp)");

class FrameStack {
 public:
  // What a reader saw of the stack at one moment (see read_state()).
  struct State {
    uint32_t depth;
    uint32_t last_push;  // number of the last push (wraps)
  };

  explicit FrameStack(uint32_t capacity)
      : frames_(std::make_unique<Frame[]>(capacity)), capacity_(capacity) {}

  FrameStack(const FrameStack&) = delete;
  FrameStack& operator=(const FrameStack&) = delete;

  uint32_t capacity() const { return capacity_; }

  // Owner thread only. The caller checks depth() < capacity() first (the interpreter turns a
  // full stack into a guest RangeError, never an overflow).
  // Returns the frame pushed (the caller may keep a pointer to its position).
  Frame& push(uint32_t function_id, uint32_t line, uint32_t column) {
    uint64_t state = state_.load(std::memory_order_relaxed);
    uint64_t push = (state >> 32) + 1;
    Frame& f = frames_[static_cast<uint32_t>(state)];
    std::atomic_ref<uint64_t>(f.push_and_id).store(push << 32 | function_id,
                                                    std::memory_order_relaxed);
    f.set_position(line, column);
    // The depth and push number, last; a reader that sees them sees the frame.
    state_.store(push << 32 | (static_cast<uint32_t>(state) + 1), std::memory_order_release);
    return f;
  }

  // Owner thread only: push() when there is room, else nothing (returns whether it pushed, so
  // the caller pops only what it pushed). For frames that must never fail a call (built-ins,
  // the collector): a full stack loses them from the samples, not the program.
  bool try_push(uint32_t function_id, uint32_t line, uint32_t column) {
    if (AIPROF_FRAME_UNLIKELY(depth() >= capacity_)) return false;
    push(function_id, line, column);
    return true;
  }

  // Owner thread only. (A pop rewrites no frame, so it leaves the push number alone.)
  void pop() { state_.store(state_.load(std::memory_order_relaxed) - 1, std::memory_order_release); }

  // Owner thread only: the innermost frame, to record where it stands before a call. (Only
  // its position may be changed through it, by set_position: readers on other threads read
  // function ids and lines.)
  Frame& top() { return frames_[depth() - 1]; }

  // Async-signal-safe; safe from another thread.
  uint32_t depth() const { return static_cast<uint32_t>(state_.load(std::memory_order_acquire)); }

  // Async-signal-safe on the owning thread. Frame i, 0 = outermost.
  const Frame& frame(uint32_t i) const { return frames_[i]; }

  // Async-signal-safe, from a handler on the owning thread (which the owner cannot be
  // running under): copies up to max_frames function ids, outermost first, and returns the
  // number copied. *truncated is set when the stack was deeper than max_frames (the innermost
  // frames are kept, as they matter most for self time). With lines, each frame's line too.
  uint32_t copy_ids(uint32_t* out, uint32_t max_frames, bool* truncated,
                    uint32_t* lines = nullptr) const {
    uint32_t depth = this->depth(), start = first_kept(depth, max_frames, truncated);
    for (uint32_t i = start; i < depth; ++i) out[i - start] = frames_[i].function_id();
    if (lines)
      for (uint32_t i = start; i < depth; ++i) lines[i - start] = frames_[i].line();
    return depth - start;
  }

  // Safe from any thread: the depth and last push number as they stand.
  State read_state() const {
    uint64_t state = state_.load(std::memory_order_acquire);
    return {static_cast<uint32_t>(state), static_cast<uint32_t>(state >> 32)};
  }

  // Safe from any thread: frame i's function id as it stood at `seen` (i < seen.depth), or
  // false when the frame was rewritten since.
  bool frame_id_as_of(State seen, uint32_t i, uint32_t* id) const {
    uint64_t word = std::atomic_ref<uint64_t>(frames_[i].push_and_id).load(std::memory_order_relaxed);
    *id = static_cast<uint32_t>(word);
    return static_cast<int32_t>(static_cast<uint32_t>(word >> 32) - seen.last_push) <= 0;
  }

  // Safe from any thread while the owner runs: copy_ids() as the stack stood when the copy
  // began. Returns false (nothing usable in out) when the owner rewrote a frame it copied; the
  // caller may try again. The innermost frames, the likeliest to change, are read first.
  // With lines, each frame's line too (read before its id is checked).
  bool copy_ids_from_other_thread(uint32_t* out, uint32_t max_frames, bool* truncated,
                                  uint32_t* copied, uint32_t* lines = nullptr) const {
    State seen = read_state();
    uint32_t start = first_kept(seen.depth, max_frames, truncated);
    *copied = seen.depth - start;
    for (uint32_t i = seen.depth; i-- > start;) {
      if (lines) lines[i - start] = frames_[i].line();
      if (!frame_id_as_of(seen, i, &out[i - start])) return false;
    }
    return true;
  }

 private:
  static uint32_t first_kept(uint32_t depth, uint32_t max_frames, bool* truncated) {
    uint32_t start = depth > max_frames ? depth - max_frames : 0;
    *truncated = start != 0;
    return start;
  }

  std::unique_ptr<Frame[]> frames_;
  uint32_t capacity_;
  std::atomic<uint64_t> state_{0};  // last push number << 32 | depth
};

// A frame for a scope that may be left out when the stack is full (a built-in call, a collector
// run): pushed with try_push(), popped only if it was pushed. Owner thread only.
class OptionalFrame {
 public:
  OptionalFrame(FrameStack& stack, uint32_t function_id, uint32_t line, uint32_t column)
      : stack_(stack), pushed_(stack.try_push(function_id, line, column)) {}
  ~OptionalFrame() {
    if (pushed_) stack_.pop();
  }
  OptionalFrame(const OptionalFrame&) = delete;
  OptionalFrame& operator=(const OptionalFrame&) = delete;

 private:
  FrameStack& stack_;
  bool pushed_;
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
