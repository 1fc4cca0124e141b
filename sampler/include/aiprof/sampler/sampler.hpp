// The sampler. With signal delivery, per-thread timers deliver SIGPROF to each registered
// thread, whose handler copies that thread's guest frame ids (and native PCs with `native`)
// into a ring allocated at registration; a reader thread drains the rings into a StackTrie
// every few milliseconds. With thread delivery (the default where it can work, see
// SamplerConfig::delivery), that reader thread takes the samples itself, reading each
// registered thread's frame stack from another core, and nothing interrupts the program.
//
//   Sampler sampler(config);
//   auto reg = sampler.register_current_thread("main", &frame_stack);  // on each thread
//   sampler.start();  ...  sampler.stop();
//   SampledSession session = sampler.take_results();
//
// start() and stop() may be called from any thread, at any moment, any number of times;
// threads may register and unregister while the sampler runs. A thread stays registered
// while its ThreadRegistration lives; destroy the registration on the same thread, before the
// FrameStack it names.
// Not async-signal-safe: nothing here is (the handler is internal; see signal_handler.hpp).
// Thread-safe: every member function.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/sampler/sample_mark.hpp"
#include "aiprof/sampler/sampled_session.hpp"
#include "aiprof/sampler/sampler_config.hpp"

// Whether the opt-in object target aiprof::sampler_interposition defines dl_iterate_phdr and
// sigprocmask, so that a handler's native unwinding never waits for the dynamic loader's lock
// nor makes libunwind's signal-mask system calls (see docs/sampling.md). The sampler library
// itself never defines them: a program gets them only by linking that target. Not in
// sanitizer builds: ASan and TSan intercept both
// themselves and call them while they start, before a definition of ours could look up the
// real one.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR 0
#endif
#endif
#ifndef AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR
#define AIPROF_SAMPLER_OWNS_DL_ITERATE_PHDR 1
#endif

namespace aiprof::sampler {

namespace detail {
struct ThreadSlot;
}

class Sampler;

// A thread's membership in a sampler (RAII). Move-only; unregisters when destroyed.
class ThreadRegistration {
 public:
  ThreadRegistration() = default;
  ThreadRegistration(ThreadRegistration&& other) noexcept;
  ThreadRegistration& operator=(ThreadRegistration&& other) noexcept;
  ~ThreadRegistration();
  explicit operator bool() const { return slot_ != nullptr; }

 private:
  friend class Sampler;
  ThreadRegistration(Sampler* sampler, detail::ThreadSlot* slot) : sampler_(sampler), slot_(slot) {}
  Sampler* sampler_ = nullptr;
  detail::ThreadSlot* slot_ = nullptr;
};

class Sampler {
 public:
  // Throws std::invalid_argument for a configuration validate() rejects.
  explicit Sampler(SamplerConfig config);
  ~Sampler();  // stops; outstanding registrations must be gone first
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Registers the calling thread. frames: its guest frame stack (null for native-only
  // threads); live_bytes: a heap size to record on each tick (may be null). Throws
  // std::runtime_error when no timer can be created or too many threads are registered.
  [[nodiscard]] ThreadRegistration register_current_thread(
      std::string name, const instrumentation::FrameStack* frames,
      const std::atomic<uint64_t>* live_bytes = nullptr);

  void start();
  void stop();
  bool running() const;

  // Stops, drains, and hands over everything gathered so far; stacks, heap points and the
  // figures of unregistered threads start afresh. The figures of threads still registered are
  // cumulative since their registration.
  SampledSession take_results();

  // Shared runs (sample_mark.hpp): a position in the results now, and what arrived after one.
  // Neither stops the sampler; both drain the rings first. since() has fresh stacks, the
  // threads' figures over the interval (their CPU and wall time included, running or not),
  // the slices and heap points after the mark, and no native names (the report names the PCs:
  // a Symbolizer is not shared between threads). Throws std::logic_error for a stale mark.
  SampleMark mark();
  SampledSession since(const SampleMark& mark);

  // The rate of the next run, for every registered thread and those registering later. Only
  // while stopped: throws std::logic_error when running, std::invalid_argument for a rate
  // validate() rejects.
  void set_rate(double rate_hz);

  const SamplerConfig& config() const;

 private:
  friend class ThreadRegistration;
  void unregister(detail::ThreadSlot* slot);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace aiprof::sampler
