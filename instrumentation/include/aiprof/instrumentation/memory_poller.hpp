// MemoryPoller: live heap bytes and the process's resident set size (RSS), read on a clock.
//
// The memory graph needs points however rarely the cycle collector runs (in exact mode the
// collector's own series has a point only at the start, at each collection and at the end).
// A small thread wakes every `interval`, reads the heap's live-bytes counter (an atomic the
// heap keeps for the sampler anyway) and, every 8th time, /proc/self/statm. The program's
// thread pays nothing: no hook, no clock read on the allocation path. Measured by
// bench/memory_poller_cost.cpp: about 1% of one core (another core), no measurable change to
// the program thread's CPU time.
//
// Bounded: when it holds max_points it keeps every other point and doubles its interval, so
// a long run keeps an even series of at most max_points.
//
// start()/stop() belong to one owning thread; points() is read after stop(). The poller's
// thread reads only the atomic counter and the /proc file. Nothing here is async-signal-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace aiprof::instrumentation {

struct MemoryPoint {
  uint64_t t_ns = 0;        // since start()
  uint64_t heap_bytes = 0;  // the heap's live bytes
  uint64_t rss_bytes = 0;   // the process's resident set (0: not read at this point, or /proc
                            // could not be read; it is read at every 8th point, the first, the last)
};

class MemoryPoller {
 public:
  // `heap_bytes` may be null (then only RSS is polled); it must outlive stop().
  explicit MemoryPoller(const std::atomic<uint64_t>* heap_bytes,
                        std::chrono::nanoseconds interval = std::chrono::milliseconds(1),
                        size_t max_points = 8192);
  ~MemoryPoller();
  MemoryPoller(const MemoryPoller&) = delete;
  MemoryPoller& operator=(const MemoryPoller&) = delete;

  // Takes a first point (t = 0) and starts the thread.
  void start();
  // Stops the thread and takes a last point. Idempotent.
  void stop();

  const std::vector<MemoryPoint>& points() const { return points_; }
  // The interval the series ended with (the one asked for, doubled each time it was thinned).
  std::chrono::nanoseconds interval() const { return interval_; }

 private:
  void run();
  void take_point(bool with_rss);
  static constexpr size_t kRssEvery = 8;
  void thin();

  const std::atomic<uint64_t>* heap_bytes_;
  std::chrono::nanoseconds interval_;
  size_t max_points_;
  std::chrono::steady_clock::time_point start_;
  std::vector<MemoryPoint> points_;
  int statm_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The process's resident set size now (/proc/self/statm; 0 when it cannot be read), and its
// peak over the whole life of the process (getrusage's ru_maxrss; includes start-up).
uint64_t current_rss_bytes();
uint64_t peak_rss_bytes();

}  // namespace aiprof::instrumentation
