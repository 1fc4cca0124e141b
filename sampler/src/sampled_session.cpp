#include "aiprof/sampler/sampled_session.hpp"

namespace aiprof::sampler {

double ThreadFigures::delivered_hz() const {
  uint64_t ns = clock == SampleClock::Cpu ? cpu_ns : wall_ns;
  return ns ? static_cast<double>(samples) * 1e9 / static_cast<double>(ns) : 0.0;
}

uint64_t SampledSession::samples() const {
  uint64_t n = 0;
  for (const ThreadFigures& t : threads) n += t.samples;
  return n;
}

uint64_t SampledSession::dropped() const {
  uint64_t n = 0;
  for (const ThreadFigures& t : threads) n += t.dropped;
  return n;
}

uint64_t SampledSession::unsettled() const {
  uint64_t n = 0;
  for (const ThreadFigures& t : threads) n += t.unsettled;
  return n;
}

uint64_t SampledSession::truncated() const {
  uint64_t n = 0;
  for (const ThreadFigures& t : threads) n += t.truncated;
  return n;
}

double SampledSession::delivered_hz() const {
  uint64_t samples = 0, ns = 0;
  for (const ThreadFigures& t : threads) {
    samples += t.samples;
    ns += config.clock == SampleClock::Cpu ? t.cpu_ns : t.wall_ns;
  }
  return ns ? static_cast<double>(samples) * 1e9 / static_cast<double>(ns) : 0.0;
}

double SampledSession::overhead_percent() const {
  if (duration_ns == 0) return 0;
  double spent = static_cast<double>(drain_ns);
  for (const ThreadFigures& t : threads)
    spent += static_cast<double>(t.handler_ns) +
             (t.signalled ? signal_cost_ns * static_cast<double>(t.ticks) : 0.0);
  return 100.0 * spent / static_cast<double>(duration_ns);
}

}  // namespace aiprof::sampler
