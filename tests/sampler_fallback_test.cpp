// The sampler's delivered-rate check and the fallback chain it drives, each step forced (not
// left to what the kernel or the machine's load happens to do), and --jitter.
//
//   sampling thread --(behind, or the thread off the CPU)--> signals:
//   CPU-clock timer --(under-delivers)--> perf task-clock counter --(refused, or
//   under-delivers)--> CLOCK_MONOTONIC timer filtered by the thread's CPU time.
//
// Every bound here catches breakage, not noise (see sampler_test.cpp).
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <string>

#include "aiprof/sampler/sampler.hpp"
#include "sampler_test_support.hpp"

namespace {

using namespace aiprof::sampler;
using namespace sampler_test;

// Above the scheduler tick of any kernel (100 to 1000 Hz): the tick is where CPU-clock timers
// are checked, so one asked for this rate delivers a quarter of it at most, on any kernel.
constexpr double kAboveAnyTick = 4000;

const char* const kCpuTimer = "timer_create(thread CPU-time clock)";
const char* const kPerf = "perf_event task-clock";
const char* const kFilteredWall = "timer_create(CLOCK_MONOTONIC), sampling once per period";

std::string notes_of(const SampledSession& s) {
  std::string all;
  for (const std::string& note : s.notes) all += "\n  note: " + note;
  return all;
}

SampledSession sampled_spin(const SamplerConfig& config, uint64_t cpu_ns,
                            const std::atomic<uint64_t>* live_bytes = nullptr) {
  Sampler sampler(config);
  FrameStack frames(8);
  frames.push(1, 0, 0);
  spin_sampled(sampler, frames, "spinner", cpu_ns, live_bytes);
  return sampler.take_results();
}

// Breakage (exact): a CPU-clock timer asked for more than the tick can deliver is found out
// after 20 ms of CPU time and replaced by the next source (the perf counter, or where
// perf_event is refused, the filtered wall timer), which delivers; the notes say so.
TEST(SamplerFallbackTest, ACpuClockTimerThatUnderDeliversIsReplaced) {
  SamplerConfig c;
  c.delivery = Delivery::Signal;
  c.rate_hz = kAboveAnyTick;
  SampledSession s = sampled_spin(c, 300'000'000);
  std::string notes = notes_of(s);
  ASSERT_EQ(s.threads.size(), 1u);
  EXPECT_NE(notes.find(std::string(kCpuTimer) + " delivered"), std::string::npos) << notes;
  EXPECT_NE(notes.find("switched to"), std::string::npos) << notes;
  EXPECT_EQ(s.threads[0].source.find(kCpuTimer), std::string::npos) << s.threads[0].source;
  // 1200 periods of CPU time: the tick alone would give at most 300 samples.
  EXPECT_GT(s.samples(), 400u) << notes;
}

#if defined(__x86_64__)
// Makes perf_event_open fail with EACCES in this process, as where perf_event_paranoid or a
// container forbids it (seccomp, every thread, for the rest of the process's life).
bool refuse_perf_event_open() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program) == 0;
}

// In a child process (the filter cannot be taken back): exit status 0 when the chain went on
// to the filtered wall timer and it delivered, else 1 with what happened on stderr.
[[noreturn]] void sample_where_perf_event_is_refused() {
  if (!refuse_perf_event_open()) {
    std::fprintf(stderr, "could not install the seccomp filter\n");
    _exit(3);
  }
  SamplerConfig c;
  c.delivery = Delivery::Signal;
  c.rate_hz = kAboveAnyTick;
  SampledSession s = sampled_spin(c, 300'000'000);
  std::string notes = notes_of(s);
  bool refused = notes.find("no perf task-clock counter (perf_event_open: Permission denied)") !=
                 std::string::npos;
  bool filtered = !s.threads.empty() && s.threads[0].source.find(kFilteredWall) == 0;
  bool delivered = s.samples() > 400;  // of 1200 periods; the tick alone: 300 at most
  if (refused && filtered && delivered) _exit(0);
  std::fprintf(stderr, "source: %s; %llu samples%s\n",
               s.threads.empty() ? "-" : s.threads[0].source.c_str(),
               static_cast<unsigned long long>(s.samples()), notes.c_str());
  _exit(1);
}

// Breakage (exact): where perf_event_open is refused, the thread goes from the CPU-clock timer
// straight to the CLOCK_MONOTONIC timer filtered by its CPU time, which delivers the rate.
TEST(SamplerFallbackDeathTest, WherePerfEventIsRefusedTheFilteredWallTimerTakesOver) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(sample_where_perf_event_is_refused(), testing::ExitedWithCode(0), "");
}
#endif

// This thread on one CPU of those it may use (restored when the scope ends): threads it
// creates meanwhile, such as a sampler's sampling thread, share that CPU with it.
class PinnedToOneCpu {
 public:
  PinnedToOneCpu() {
    sched_getaffinity(0, sizeof original_, &original_);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &original_)) {
        CPU_SET(cpu, &one);
        break;
      }
    pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~PinnedToOneCpu() { sched_setaffinity(0, sizeof original_, &original_); }
  bool pinned() const { return pinned_; }

 private:
  cpu_set_t original_;
  bool pinned_ = false;
};

// Breakage (exact): a sampling thread that shares its one CPU with the thread it samples never
// finds it running (when the sampling thread runs, the program's thread does not), so every
// sample due is late and none is taken; after 100 ms of the thread's CPU time it hands the thread to signals,
// which go on to deliver, and the notes say why.
TEST(SamplerFallbackTest, ASamplingThreadThatFindsTheThreadOffTheCpuHandsItToSignals) {
  SampledSession s;
  {
    PinnedToOneCpu pin;
    ASSERT_TRUE(pin.pinned());
    SamplerConfig c;
    c.delivery = Delivery::Thread;  // (auto would pick signals on one CPU)
    s = sampled_spin(c, 400'000'000);  // (the sampler, and its thread, end inside the scope)
  }
  std::string notes = notes_of(s);
  ASSERT_EQ(s.threads.size(), 1u);
  EXPECT_TRUE(s.threads[0].signalled) << s.threads[0].source << notes;
  // (Found off the CPU at every due sample, it also took none: either reason may be given.)
  EXPECT_NE(notes.find("a sampling thread reading the frame stack, once per period of thread CPU "
                       "time"),
            std::string::npos)
      << notes;
  EXPECT_TRUE(notes.find("off the CPU") != std::string::npos ||
              notes.find("the CPUs are all busy") != std::string::npos)
      << notes;
  EXPECT_GT(s.samples(), 100u) << notes;  // 400 periods; the signals took the last 300
}

// The share of intervals between consecutive samples shorter than 3/4 of a period (the heap
// series has one point, with its time, per sample).
double share_of_short_intervals(const SampledSession& s, double rate_hz) {
  double short_ns = 0.75e9 / rate_hz;
  uint64_t short_ones = 0;
  for (size_t i = 1; i < s.heap.size(); ++i)
    if (static_cast<double>(s.heap[i].t_ns - s.heap[i - 1].t_ns) < short_ns) ++short_ones;
  return s.heap.size() < 2 ? 0.0
                           : static_cast<double>(short_ones) / static_cast<double>(s.heap.size() - 1);
}

class JitterTest : public testing::TestWithParam<Delivery> {};

INSTANTIATE_TEST_SUITE_P(Sampler, JitterTest, testing::Values(Delivery::Signal, Delivery::Thread),
                         [](const testing::TestParamInfo<Delivery>& info) {
                           return std::string(to_string(info.param));
                         });

// Breakage: with --jitter every interval is drawn from [0.5, 1.5) periods of the thread's CPU
// time, a quarter of them under 3/4 of a period. Without it no interval between samples is that
// short, loaded machine or not: time off the CPU only lengthens an interval, and a sample is due
// only once a whole period of CPU time has passed since the last. Here 3.4-14% came out with
// jitter (fewer the more the thread is preempted: a preemption stretches the interval it falls
// in), under 0.3% without (load average 15-20); at least 1.5% must. And the mean interval stays
// one period: the periods the samples stand for come to the thread's CPU time within 40%.
// (CPU clock: with signals that is the perf counter here, whose period is redrawn each sample.)
TEST_P(JitterTest, JitteredIntervalsAreDrawnAroundThePeriod) {
  SamplerConfig c;
  c.delivery = GetParam();
  c.jitter = true;
  std::atomic<uint64_t> live_bytes{1};
  SampledSession s = sampled_spin(c, 600'000'000, &live_bytes);
  std::string notes = notes_of(s);
  ASSERT_GT(s.heap.size(), 200u) << notes;
  EXPECT_GT(share_of_short_intervals(s, c.rate_hz), 0.015) << s.threads[0].source << notes;
  const ThreadFigures& t = s.threads[0];
  double periods = static_cast<double>(t.samples + t.missed);
  double cpu_periods = static_cast<double>(t.cpu_ns) * 1e-9 * c.rate_hz;
  EXPECT_NEAR(periods / cpu_periods, 1.0, 0.4) << t.source << notes;
}

}  // namespace
