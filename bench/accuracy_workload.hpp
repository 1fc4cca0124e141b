// The workload of bench/accuracy: three functions whose shares of the CPU time are known, run
// under hand-pushed guest frames while the sampler samples the thread, and the shares its
// samples give. Header-only: bench/accuracy.cpp, and the sampler's tests
// (tests/sampler_test_support.hpp, the same workload held to looser bounds in one run).
//
// Functions 1, 2 and 3 call one fixed unit of CPU work 2, 3 and 5 times per round: 20, 30 and
// 50% of the work. The truth is that work share. Each unit runs the same instructions on the
// same two cache lines, and what makes one unit slower than another (a preemption's cold caches,
// a kernel entry's after-cost, the virtual CPU descheduled by the host) strikes at moments that
// fall in each function in proportion to its time, so in expectation it leaves the shares alone.
// The per-call costs beside the units (a push, a pop, two vDSO clock reads) are ~0.05% of a call.
//
// For comparison the run also measures the "timed" truth sampler_test used to hold the samples
// to: each call's monotonic duration, capped at 3x the call's best. That cap counts a preempted
// call as up to three calls: a preemption lands in a call in proportion to its length, and then
// adds up to twice that length, so the timed truth leans to the longest function (by up to a
// point per preemption every few rounds).
#pragma once

#include <time.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sampler.hpp"

namespace accuracy {

inline constexpr std::array<uint32_t, 3> kUnits = {2, 3, 5};
inline constexpr std::array<double, 3> kWorkShare = {20.0, 30.0, 50.0};

inline uint64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// One unit of work: the same instructions every time (tens of microseconds).
__attribute__((noinline)) inline uint64_t work_unit(uint64_t seed) {
  volatile uint64_t x = seed;
  for (int i = 0; i < 20000; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

// Shares in % of the three functions (index 0 = function 1).
using Shares = std::array<double, 3>;

inline Shares shares_of(const std::array<double, 3>& amounts) {
  double total = amounts[0] + amounts[1] + amounts[2];
  Shares out{};
  for (size_t f = 0; f < 3; ++f) out[f] = total > 0 ? 100.0 * amounts[f] / total : 0.0;
  return out;
}

// Runs rounds until the thread has used cpu_ns of CPU time, pushing frame f+1 around function
// f's units. Returns the timed truth. The CPU budget (a system call here) is read every 64
// rounds, in the outer frame, so its kernel entry's after-cost rarely lands in a function.
inline Shares run_known_shares(aiprof::instrumentation::FrameStack& frames, uint64_t cpu_ns) {
  frames.push(0, 1, 1);
  uint64_t end_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) + cpu_ns, sink = 0;
  std::array<uint64_t, 3> best{UINT64_MAX, UINT64_MAX, UINT64_MAX};
  std::array<double, 3> timed{};
  for (uint64_t round = 0; round % 64 != 0 || clock_ns(CLOCK_THREAD_CPUTIME_ID) < end_cpu;
       ++round) {
    for (size_t f = 0; f < 3; ++f) {
      frames.push(static_cast<uint32_t>(f + 1), 1, 1);
      uint64_t before = clock_ns(CLOCK_MONOTONIC);
      for (uint32_t u = 0; u < kUnits[f]; ++u) sink += work_unit(sink);
      uint64_t took = clock_ns(CLOCK_MONOTONIC) - before;
      frames.pop();
      best[f] = std::min(best[f], took);
      timed[f] += static_cast<double>(std::min(took, 3 * best[f]));
    }
  }
  frames.pop();
  if (sink == 1) timed[0] += 1;  // keeps the work
  return shares_of(timed);
}

// The sampled shares of functions 1-3: samples (with their weights) whose innermost guest
// frame is the function.
inline Shares sampled_shares(const aiprof::sampler::SampledSession& session) {
  using aiprof::sampler::StackTrie;
  std::array<double, 3> samples{};
  const auto& nodes = session.stacks.nodes();
  for (const StackTrie::Node& node : nodes) {
    if (node.parent == UINT32_MAX || StackTrie::is_native(node.frame)) continue;
    uint32_t id = StackTrie::guest_id(node.frame);
    if (id >= 1 && id <= 3) samples[id - 1] += static_cast<double>(node.self_samples);
  }
  return shares_of(samples);
}

}  // namespace accuracy
