// What the sampler's tests share: a unit of CPU work, the clocks they read, a workload of
// known shares under hand-pushed frames (those three from bench/accuracy_workload.hpp), and a
// spin while sampled.
#pragma once

#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <cstdint>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "accuracy_workload.hpp"  // bench/
#include "aiprof/sampler/sampler.hpp"

namespace sampler_test {

using aiprof::instrumentation::FrameStack;
using aiprof::sampler::Sampler;
using aiprof::sampler::ThreadRegistration;

// The clocks, the unit of work and the known-shares workload are bench/accuracy's (one
// definition for the test and the benchmark that measures the same thing over many runs).
inline uint64_t thread_cpu_ns() { return accuracy::clock_ns(CLOCK_THREAD_CPUTIME_ID); }
inline uint64_t monotonic_ns() { return accuracy::clock_ns(CLOCK_MONOTONIC); }
using accuracy::work_unit;

// Calls functions 1, 2 and 3 doing 2, 3 and 5 units per round (20/30/50% of the work) until
// the thread has used cpu_ns of CPU time (bench/accuracy_workload.hpp, run_known_shares).
inline void known_shares_workload(FrameStack& frames, uint64_t cpu_ns) {
  accuracy::run_known_shares(frames, cpu_ns);
}

// Registers the calling thread with `frames` (and a heap counter, for samples' times in the
// heap series), samples it while it spins for cpu_ns, stops.
inline void spin_sampled(Sampler& sampler, FrameStack& frames, const char* name, uint64_t cpu_ns,
                         const std::atomic<uint64_t>* live_bytes = nullptr) {
  ThreadRegistration reg = sampler.register_current_thread(name, &frames, live_bytes);
  sampler.start();
  uint64_t end = thread_cpu_ns() + cpu_ns, sink = 0;
  while (thread_cpu_ns() < end) sink += work_unit(sink);
  sampler.stop();
  EXPECT_NE(sink, 1u);
}

}  // namespace sampler_test
