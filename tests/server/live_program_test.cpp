// LiveProgram in one process (issue 15, section 3): overlapping windows share sampler runs and
// each gets only its own interval; rates other than 100 Hz and native frames are served; a
// program that finishes while windows are open ends them at once with what they collected.
// A spinning thread with a hand-pushed frame stands for the interpreter. The wall clock is used
// so that samples come on a loaded machine too; no check depends on how fast anything runs
// (the one wait, for a window to be open before the program ends, is a generous 2 s).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "aiprof/server/live_program.hpp"
#include "shared_runs.hpp"

namespace {

namespace srv = aiprof::server;
using aiprof::instrumentation::FrameStack;
using aiprof::instrumentation::FunctionRegistry;
using aiprof::sampler::SampleClock;
using aiprof::sampler::StackTrie;
using namespace std::chrono_literals;

// A thread that attaches to `live`, spins in function "m.hot" until end(), then finishes.
class SpinningProgram {
 public:
  explicit SpinningProgram(srv::LiveProgram& live) : live_(live) {
    hot_ = functions_.add({"m.hot", "spin.ai", 3, 1});
    thread_ = std::thread([this] { run(); });
  }
  ~SpinningProgram() { end(); }
  void end() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint32_t hot() const { return hot_; }

 private:
  void run() {
    srv::LiveProgram::Attachment attachment = live_.attach(&frames_, &functions_);
    frames_.push(hot_, 3, 1);
    volatile uint64_t sink = 0;
    while (!stop_.load(std::memory_order_relaxed)) sink = sink + 1;
    frames_.pop();
    live_.finish();
  }

  srv::LiveProgram& live_;
  FrameStack frames_{64};
  FunctionRegistry functions_;
  uint32_t hot_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

srv::ProgramInfo program_info() { return {"spin.ai", {}, nullptr}; }

std::future<std::optional<srv::Window>> window_async(srv::LiveProgram& live, std::chrono::seconds length,
                                                     srv::WindowOptions options = {},
                                                     SampleClock clock = SampleClock::Wall) {
  return std::async(std::launch::async, [&live, length, options, clock] {
    srv::LiveProgram::Refusal why{};
    return live.take_window(length, clock, &why, options);
  });
}

// The samples whose stack starts with `function` (native frames beneath it included).
uint64_t samples_in(const srv::Window& w, uint32_t function) {
  const auto& nodes = w.session.stacks.nodes();
  uint64_t n = 0;
  for (const StackTrie::Node& node : nodes) {
    if (node.parent == UINT32_MAX) continue;  // the root
    const StackTrie::Node* outermost = &node;
    while (outermost->parent != StackTrie::kRoot) outermost = &nodes[outermost->parent];
    if (outermost->frame == function) n += node.self_samples;
  }
  return n;
}

bool has_native_frames(const srv::Window& w) {
  const auto& nodes = w.session.stacks.nodes();
  return std::any_of(nodes.begin(), nodes.end(),
                     [](const StackTrie::Node& n) { return StackTrie::is_native(n.frame); });
}

// The window's sampler figures cover its own interval: from after it opened to before it
// closed, never the shared run's whole time.
void expect_own_interval(const srv::Window& w, std::chrono::seconds length) {
  ASSERT_EQ(w.session.threads.size(), 1u);
  uint64_t wall = w.session.threads[0].wall_ns;
  EXPECT_GE(wall, static_cast<uint64_t>(std::chrono::nanoseconds(length).count()));
  EXPECT_LE(wall, w.duration_ns);
  EXPECT_LE(w.session.duration_ns, w.duration_ns);
}

TEST(LiveProgramTest, OverlappingWindowsShareARunAndEachGetsItsOwnInterval) {
  srv::LiveProgram live(program_info());
  SpinningProgram program(live);
  auto long_window = window_async(live, 3s);
  auto short_window = window_async(live, 1s);
  std::optional<srv::Window> a = long_window.get(), b = short_window.get();
  ASSERT_TRUE(a && b);
  // Served at once, not one after the other: their intervals overlap.
  EXPECT_LT(std::max(a->start, b->start), std::min(a->end, b->end));
  EXPECT_GT(samples_in(*a, program.hot()), 0u);
  EXPECT_GT(samples_in(*b, program.hot()), 0u);
  expect_own_interval(*a, 3s);
  expect_own_interval(*b, 1s);
  EXPECT_FALSE(a->cut_short || b->cut_short);
  EXPECT_EQ(a->session.config.rate_hz, 100);
  // A later window starts a fresh run: it has no samples of the windows before it.
  auto c = window_async(live, 1s).get();
  ASSERT_TRUE(c);
  expect_own_interval(*c, 1s);
}

TEST(LiveProgramTest, ARateOtherThan100IsSampledAtThatRate) {
  srv::LiveProgram live(program_info());
  SpinningProgram program(live);
  auto fast = window_async(live, 1s, {250, false});
  auto slow = window_async(live, 1s, {100, false});
  std::optional<srv::Window> f = fast.get(), s = slow.get();
  ASSERT_TRUE(f && s);
  EXPECT_EQ(f->session.config.rate_hz, 250);
  EXPECT_EQ(f->asked_rate_hz, 250);
  EXPECT_TRUE(f->notes.empty());
  EXPECT_EQ(s->session.config.rate_hz, 100);  // overlapping, on a run of its own rate
  EXPECT_GT(samples_in(*f, program.hot()), 0u);
}

TEST(LiveProgramTest, MoreRatesThanSamplersShareTheFastestRunAndSaySo) {
  srv::LiveProgram live(program_info());
  SpinningProgram program(live);
  std::vector<std::future<std::optional<srv::Window>>> pending;
  for (size_t i = 0; i <= srv::kRunsPerLane; ++i)
    pending.push_back(window_async(live, 6s, {100.0 * static_cast<double>(i + 1), false}));
  std::vector<srv::Window> windows;
  for (auto& p : pending) {
    auto w = p.get();
    ASSERT_TRUE(w);
    windows.push_back(std::move(*w));
  }
  size_t shared = 0;
  for (const srv::Window& w : windows) {
    bool own_rate = w.session.config.rate_hz == w.asked_rate_hz;
    EXPECT_EQ(w.notes.empty(), own_rate) << "a window served at another rate says so";
    shared += own_rate ? 0 : 1;
    EXPECT_GT(samples_in(w, program.hot()), 0u);
  }
  // All four open together (a common second, past the moment each opened): one had to share.
  auto latest_start = std::max_element(windows.begin(), windows.end(), [](auto& x, auto& y) {
                        return x.start < y.start;
                      })->start;
  auto earliest_end = std::min_element(windows.begin(), windows.end(), [](auto& x, auto& y) {
                        return x.end < y.end;
                      })->end;
  if (latest_start + 1s < earliest_end) {
    EXPECT_EQ(shared, 1u);
  }
  EXPECT_LE(shared, 1u);
}

TEST(LiveProgramTest, NativeFramesAreRecordedWhenAsked) {
  srv::LiveProgram live(program_info());
  SpinningProgram program(live);
  auto native = window_async(live, 1s, {100, true});
  auto guest_only = window_async(live, 1s, {100, false});
  std::optional<srv::Window> n = native.get(), g = guest_only.get();
  ASSERT_TRUE(n && g) << live.native_problem();
  EXPECT_EQ(live.native_problem(), "");
  EXPECT_TRUE(n->session.config.native);
  EXPECT_TRUE(has_native_frames(*n));
  EXPECT_FALSE(has_native_frames(*g));
  EXPECT_GT(samples_in(*n, program.hot()), 0u);
}

TEST(LiveProgramTest, AProgramThatFinishesEndsOpenWindowsWithWhatTheyCollected) {
  srv::LiveProgram live(program_info());
  SpinningProgram program(live);
  auto cpu = window_async(live, 600s, {}, SampleClock::Cpu);
  auto wall = window_async(live, 600s, {250, false});
  std::this_thread::sleep_for(2s);  // both windows open
  program.end();                    // the program's last statement, then finish()
  std::optional<srv::Window> c = cpu.get(), w = wall.get();
  ASSERT_TRUE(c && w);
  for (const srv::Window* x : {&*c, &*w}) {
    EXPECT_TRUE(x->cut_short);
    EXPECT_LT(x->duration_ns, 600'000'000'000u);  // the real duration, not the one asked
    EXPECT_LE(x->session.threads.at(0).wall_ns, x->duration_ns);
  }
  EXPECT_GT(samples_in(*w, program.hot()), 0u);
  srv::LiveProgram::Refusal why{};
  EXPECT_FALSE(live.take_window(1s, SampleClock::Wall, &why));
  EXPECT_EQ(why, srv::LiveProgram::Refusal::Finished);
}

}  // namespace
