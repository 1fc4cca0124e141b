// What the sampler's tests share: a unit of CPU work, the clocks they read, a workload of
// known shares under hand-pushed frames, and a spin while sampled.
#pragma once

#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <cstdint>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sampler.hpp"

namespace sampler_test {

using aiprof::instrumentation::FrameStack;
using aiprof::sampler::Sampler;
using aiprof::sampler::ThreadRegistration;

inline uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// One unit of work: the same instructions every time.
__attribute__((noinline)) inline uint64_t spin_unit(uint64_t seed) {
  volatile uint64_t x = seed;
  for (int i = 0; i < 20000; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Calls functions 1, 2 and 3 doing 2, 3 and 5 units per round (20/30/50% of the work) until
// the thread has used cpu_ns of CPU time (checked every 16 rounds, outside the functions).
inline void known_shares_workload(FrameStack& frames, uint64_t cpu_ns) {
  frames.push(0, 1, 1);
  uint64_t end_cpu = thread_cpu_ns() + cpu_ns, sink = 0;
  const int units[] = {2, 3, 5};
  for (uint64_t round = 0; round % 16 != 0 || thread_cpu_ns() < end_cpu; ++round) {
    for (uint32_t f = 0; f < 3; ++f) {
      frames.push(f + 1, 1, 1);
      for (int u = 0; u < units[f]; ++u) sink += spin_unit(sink);
      frames.pop();
    }
  }
  frames.pop();
  EXPECT_NE(sink, 1u);  // keeps the work
}

// Registers the calling thread with `frames` (and a heap counter, for samples' times in the
// heap series), samples it while it spins for cpu_ns, stops.
inline void spin_sampled(Sampler& sampler, FrameStack& frames, const char* name, uint64_t cpu_ns,
                         const std::atomic<uint64_t>* live_bytes = nullptr) {
  ThreadRegistration reg = sampler.register_current_thread(name, &frames, live_bytes);
  sampler.start();
  uint64_t end = thread_cpu_ns() + cpu_ns, sink = 0;
  while (thread_cpu_ns() < end) sink += spin_unit(sink);
  sampler.stop();
  EXPECT_NE(sink, 1u);
}

}  // namespace sampler_test
