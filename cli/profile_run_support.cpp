// What every profiling mode does alike: the interpreter's options, the run's clock, Ctrl-C.
#include <signal.h>

#include "anarchy/interpreter/interpreter.hpp"
#include "messages.hpp"
#include "profile.hpp"

namespace anarchy::cli {

namespace {

std::atomic<bool> g_interrupted{false};

// Async-signal-safe: one lock-free atomic store.
void on_sigint(int) { g_interrupted.store(true, std::memory_order_relaxed); }

}  // namespace

InterruptToStop::InterruptToStop() {
  g_interrupted.store(false, std::memory_order_relaxed);
  struct sigaction action{};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a program blocked reading its input gets EINTR and comes to a stop.
  // SA_RESETHAND: a second Ctrl-C kills at once, in case the program never reaches a check.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous_);
}

InterruptToStop::~InterruptToStop() { sigaction(SIGINT, &previous_, nullptr); }

bool InterruptToStop::interrupted() const { return g_interrupted.load(std::memory_order_relaxed); }

std::optional<aiprof::Serving::Attached> attach_live(const ProgramRun& program, Interpreter& interp) {
  if (!program.serving) return std::nullopt;
  try {
    return program.serving->attach(&interp.frames(), &interp.functions());
  } catch (const std::exception& e) {
    print_message("anarchy profile", std::string("the live side does not sample the program: ") + e.what());
    return std::nullopt;
  }
}

RunOptions run_options_for(const ProgramRun& program) {
  RunOptions options;
  options.interrupt = &g_interrupted;
  options.max_depth = program.max_depth;
  options.seed = program.seed;
  options.args = program.args;
  return options;
}

std::shared_ptr<aiprof::instrumentation::HeapSampleTable> start_heap_sampling(
    Interpreter& interp, const ProgramRun& program, const ProfileSettings& settings) {
  uint64_t rate = settings.heap_rate.value_or(settings.mode == ProfileMode::Exact ? 1
                                                                                 : kDefaultHeapRate);
  const aiprof::instrumentation::ProfilerConfig& config = settings.profiler;
  if (rate == 0 || !config.enabled || !config.memory_profiling.enabled) return nullptr;
  auto table = std::make_shared<aiprof::instrumentation::HeapSampleTable>(rate);
  interp.heap().start_allocation_sampling(table, &interp.frames(),
                                          program.seed * 0x9e3779b97f4a7c15ull + 1);
  return table;
}

void RunClock::begin() {
  start = std::chrono::system_clock::now();
  steady_start = std::chrono::steady_clock::now();
}

void RunClock::finish() {
  end = std::chrono::system_clock::now();
  steady_end = std::chrono::steady_clock::now();
}

uint64_t RunClock::duration_ns() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(steady_end - steady_start).count());
}

}  // namespace anarchy::cli
