#include "shared_runs.hpp"

#include <stdexcept>

namespace aiprof::server {

struct SharedRuns::Run {
  std::unique_ptr<sampler::Sampler> sampler;
  sampler::SampleClock clock;
  bool native;
  bool registered = false;  // the program's thread registered with it
  std::string problem;      // why it could not (native: no signal timer)
  uint32_t windows = 0;     // open windows sharing its run (0: stopped)
};

namespace {

std::unique_ptr<sampler::Sampler> make_sampler(sampler::SampleClock clock, bool native) {
  sampler::SamplerConfig config;
  config.rate_hz = 100;  // each run sets the rate its first window asks (set_rate)
  config.clock = clock;
  config.native = native;  // native frames: signal delivery (SamplerConfig::delivery)
  config.ring_records = kLiveRingRecords;
  return std::make_unique<sampler::Sampler>(config);
}

}  // namespace

SharedRuns::SharedRuns() {
  for (sampler::SampleClock clock : {sampler::SampleClock::Cpu, sampler::SampleClock::Wall}) {
    for (size_t i = 0; i <= kRunsPerLane; ++i) {
      bool native = i == kRunsPerLane;
      auto run = std::make_unique<Run>();
      run->clock = clock;
      run->native = native;
      run->sampler = make_sampler(clock, native);
      runs_.push_back(std::move(run));
    }
  }
}

SharedRuns::~SharedRuns() = default;

std::vector<sampler::ThreadRegistration> SharedRuns::register_current_thread(
    const instrumentation::FrameStack* frames) {
  std::vector<sampler::ThreadRegistration> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& run : runs_) {
    try {
      out.push_back(run->sampler->register_current_thread("main", frames));
      run->registered = true;
    } catch (const std::runtime_error& e) {
      if (!run->native) throw;  // no sampler at all: the caller says the program runs unsampled
      run->problem = e.what();
    }
  }
  return out;
}

std::string SharedRuns::native_problem() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return native_problem_locked();
}

std::string SharedRuns::native_problem_locked() const {
  for (const auto& run : runs_)
    if (run->native && !run->registered)
      return run->problem.empty() ? "the program has not started" : run->problem;
  return "";
}

std::variant<size_t, std::string> SharedRuns::choose(sampler::SampleClock clock, double rate_hz,
                                                     bool native) {
  std::optional<size_t> idle, fastest;
  for (size_t i = 0; i < runs_.size(); ++i) {
    const Run& r = *runs_[i];
    if (r.clock != clock || r.native != native || !r.registered) continue;
    double hz = r.sampler->config().rate_hz;
    if (r.windows > 0 && hz == rate_hz) return i;
    if (r.windows == 0 && !idle) idle = i;
    if (r.windows > 0 && (!fastest || hz > runs_[*fastest]->sampler->config().rate_hz)) fastest = i;
  }
  if (idle) {
    runs_[*idle]->sampler->set_rate(rate_hz);
    runs_[*idle]->sampler->start();
    return *idle;
  }
  if (fastest) return *fastest;
  if (native) return "native frames cannot be recorded in this process: " + native_problem_locked();
  return "the program's thread is registered with no sampler of this clock";
}

std::variant<SharedRuns::Ticket, std::string> SharedRuns::open(sampler::SampleClock clock,
                                                               double rate_hz, bool native) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto chosen = choose(clock, rate_hz, native);
  if (const std::string* problem = std::get_if<std::string>(&chosen)) return *problem;
  Ticket t;
  t.run = std::get<size_t>(chosen);
  Run& run = *runs_[t.run];
  ++run.windows;
  t.mark = run.sampler->mark();
  t.asked_hz = rate_hz;
  t.run_hz = run.sampler->config().rate_hz;
  return t;
}

sampler::SampledSession SharedRuns::close(const Ticket& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  Run& run = *runs_[ticket.run];
  sampler::SampledSession session = run.sampler->since(ticket.mark);
  if (--run.windows == 0) {
    run.sampler->stop();
    run.sampler->take_results();  // every window took its share: start the next run afresh
  }
  return session;
}

}  // namespace aiprof::server
