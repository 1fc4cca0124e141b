#include "aiprof/sampler/sampler.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "aiprof/sampler/namer_process.hpp"
#include "aiprof/sampler/symbolizer.hpp"
#include "heap_series.hpp"
#include "naming_queue.hpp"
#include "rate_policy.hpp"
#include "session_delta.hpp"
#include "signal_cost.hpp"
#include "signal_handler.hpp"
#include "slice_series.hpp"
#include "thread_sampling.hpp"
#include "thread_timer.hpp"
#include "xorshift.hpp"

namespace aiprof::sampler {

using detail::ThreadSlot;
using detail::TimerSource;

namespace {

// Blocks SIGPROF on the calling thread for a scope: a registration or unregistration cannot be
// interrupted by a tick of the slot it is changing.
class BlockSigprof {
 public:
  BlockSigprof() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &set, &previous_);
  }
  ~BlockSigprof() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

 private:
  sigset_t previous_;
};

// What take_results() hands over, gathered since the last call (or the sampler's start).
struct Gathered {
  StackTrie stacks;
  std::vector<ThreadFigures> finished;  // threads that unregistered
  detail::HeapSeries heap;
  detail::SliceSeries slices;
  uint64_t duration_ns = 0;  // of finished runs
  uint64_t drain_ns = 0;     // draining and aggregating, naming excluded
  uint64_t naming_ns = 0;    // naming native PCs (see SampledSession::naming_ns)
  std::vector<std::string> notes;  // fallbacks taken and why
};

}  // namespace

struct Sampler::State {
  SamplerConfig config;  // with the delivery resolved (never Auto)
  std::string delivery_reason;
  mutable std::mutex mutex;  // guards everything below, and every timer operation
  std::vector<ThreadSlot*> slots;  // registered threads (owned by their registrations)
  Gathered gathered;          // since the last take_results()
  uint64_t origin_ns = 0;     // monotonic time of the first start()
  uint64_t started_at = 0;    // of the current run
  bool signals_used = false;   // the handler is installed: some thread is or was signalled
  double signal_cost_ns = -1;  // measured by the reader thread once signals are used
  bool running = false;
  uint64_t epoch = 0;  // bumped by take_results(): marks taken before it are stale
  // The CPU-time source new threads start on: the CPU-clock timer until one under-delivers,
  // then what replaced it.
  TimerSource cpu_fallback = TimerSource::CpuTimer;
  uint32_t next_index = 0;
  // With native frames: names for their PCs, looked up on a naming thread of their own while
  // the program runs, without the lock (the first look-up starts the helper process or reads
  // the binary's debug information: hundreds of milliseconds that no new thread, drain or rate
  // check should wait for). Only that thread names during a run; the report names what is left.
  std::shared_ptr<Symbolizer> symbols;
  detail::NamingQueue unnamed;

  // The reader (with thread delivery, the sampling thread) lives as long as the sampler,
  // parked between runs: a start() needs no thread creation (hundreds of microseconds under
  // ASan, where a thousand short runs then took almost no samples). The naming thread lives
  // for one run.
  std::thread reader;
  std::thread namer;
  bool in_run = false;       // the reader is in a run's loop (stop() waits for it to leave)
  bool reader_exit = false;  // set by ~Sampler
  std::condition_variable wake;         // for the reader: a run started or ended, or exit
  std::condition_variable reader_idle;  // the reader left a run's loop
  std::condition_variable naming_wake;  // PCs were queued, or the run ended
  // Bumped by stop(): a reader of an older run exits. (Atomic: read without the lock while
  // the reader measures the signal cost.)
  std::atomic<uint64_t> run_generation{0};

  bool by_thread() const { return config.delivery == Delivery::Thread; }

  void arm(ThreadSlot& s, TimerSource source) {
    if (source == TimerSource::WallFilteredByCpu) {
      s.cpu_credit.reset(detail::clock_ns(s.cpu_clock));
    }
    s.origin_ns.store(origin_ns, std::memory_order_relaxed);
    if (detail::is_sampling_thread(source)) return detail::arm_sampling_thread(s, source);
    prepare_signals();
    std::string error = detail::arm_timer(s, source);
    if (!error.empty()) throw std::runtime_error("cannot sample thread '" + s.name + "': " + error);
  }

  // Signal delivery needs the handler. (Thread delivery turns to signals only for a thread it
  // cannot keep up with.) The cost of a signal, for the reports, is measured later by the
  // reader thread: see measure_signal_cost.
  void prepare_signals() {
    detail::install_handler();
    signals_used = true;
  }

  // Measures what one signal costs (80 signals to the calling thread) once signals are used.
  // Only the reader thread calls it, so the program's threads never wait for the measurement:
  // each signal is a kernel entry, and on a VM each costs tens of microseconds (4 ms of a
  // 10 ms run when the program's thread measured before its program started).
  // A run that ends meanwhile cuts it short (a stop() waits for the reader).
  void measure_signal_cost(std::unique_lock<std::mutex>& lock, uint64_t generation) {
    if (!signals_used || signal_cost_ns >= 0) return;
    lock.unlock();
    double cost = detail::measure_signal_cost_ns(
        [&] { return run_generation.load(std::memory_order_relaxed) == generation; });
    lock.lock();
    signal_cost_ns = cost;
  }

  void open_window(ThreadSlot& s) {
    s.cpu_at_arm = detail::clock_ns(s.cpu_clock);
    s.wall_at_arm = detail::monotonic_ns();
    begin_source(s);
    arm(s, detail::initial_source(config, cpu_fallback));
  }

  void close_window(ThreadSlot& s) {
    if (!s.armed.load(std::memory_order_relaxed)) return;
    detail::disarm_timer(s);
    s.cpu_total_ns += detail::clock_ns(s.cpu_clock) - s.cpu_at_arm;
    s.wall_total_ns += detail::monotonic_ns() - s.wall_at_arm;
  }

  void drain(ThreadSlot& s) {
    s.ring.drain([&](const SampleRecord& r) {
      uint32_t stack = gathered.stacks.add(s.ring.guest_ids(&r), r.guest_depth,
                                           s.ring.native_pcs(&r), r.native_depth, r.weight,
                                           s.ring.guest_lines(&r));
      gathered.slices.record(s.tid, stack, r.t_ns, r.weight);
      if (symbols) unnamed.queue(s.ring.native_pcs(&r), r.native_depth);
      if (s.live_bytes) gathered.heap.record(r.t_ns, r.live_bytes);
    });
  }

  // Naming thread only: names the queued PCs with the lock released.
  void name_queued(std::unique_lock<std::mutex>& lock) {
    if (!symbols || unnamed.empty()) return;
    std::vector<detail::NamingQueue::Lookup> batch = unnamed.take_batch();
    std::shared_ptr<Symbolizer> namer = symbols;
    lock.unlock();
    uint64_t start = detail::monotonic_ns();
    for (auto [pc, return_address] : batch) namer->resolve(pc, return_address);
    uint64_t took = detail::monotonic_ns() - start;
    lock.lock();
    gathered.naming_ns += took;
  }

  void drain_all() {
    uint64_t start = detail::monotonic_ns();
    for (ThreadSlot* s : slots) drain(*s);
    gathered.drain_ns += detail::monotonic_ns() - start;
  }

  // The delivered-rate check (rate_policy.hpp) of the thread's current source, and the move
  // to the next source when it under-delivers.
  void check_delivered_rate(ThreadSlot& s) {
    TimerSource source = s.source.load(std::memory_order_relaxed);
    if (!detail::rate_is_checked(source) || s.checked_source == static_cast<int>(source) ||
        !s.armed.load(std::memory_order_relaxed))
      return;
    detail::SourceWindow window = window_of(s);
    if (!detail::rate_check_due(config, source, window.cpu_ns)) return;
    // A timer is checked once (its rate does not change); a sampling thread at every drain.
    if (source != TimerSource::SamplingThreadCpu) s.checked_source = static_cast<int>(source);
    std::string shortfall = detail::delivery_shortfall(config, source, window);
    if (!shortfall.empty()) switch_source(s, source, shortfall);
  }

  void switch_source(ThreadSlot& s, TimerSource source, const std::string& shortfall) {
    TimerSource next = detail::next_source(source, cpu_fallback);
    std::string why;
    if (next == TimerSource::PerfTaskClock && !try_arm(s, next, why)) {
      gathered.notes.push_back("thread '" + s.name + "': no perf task-clock counter (" + why + ")");
      next = TimerSource::WallFilteredByCpu;
    }
    gathered.notes.push_back("thread '" + s.name + "': " + detail::describe(source) + " " +
                             shortfall + "; switched to " + detail::describe(next));
    if (source != TimerSource::SamplingThreadCpu) cpu_fallback = next;
    // From the sampling thread (this one, the ring's producer and consumer, just drained) to
    // a handler, which must not fault pages in.
    if (source == TimerSource::SamplingThreadCpu) s.ring.touch_pages();
    if (next != TimerSource::PerfTaskClock) arm(s, next);
    begin_source(s);
  }

  detail::SourceWindow window_of(const ThreadSlot& s) const {
    detail::SourceWindow window;
    window.cpu_ns = detail::clock_ns(s.cpu_clock) - s.cpu_at_source;
    window.ticks = s.ticks.load(std::memory_order_relaxed) - s.ticks_at_source;
    window.samples = s.samples.load(std::memory_order_relaxed) - s.samples_at_source;
    window.late = s.late.load(std::memory_order_relaxed) - s.late_at_source;
    return window;
  }

  bool try_arm(ThreadSlot& s, TimerSource source, std::string& why) {
    prepare_signals();
    why = detail::arm_timer(s, source);
    return why.empty();
  }

  // Where the delivered rate of the thread's current source is counted from.
  void begin_source(ThreadSlot& s) {
    s.cpu_at_source = detail::clock_ns(s.cpu_clock);
    s.ticks_at_source = s.ticks.load(std::memory_order_relaxed);
    s.samples_at_source = s.samples.load(std::memory_order_relaxed);
    s.late_at_source = s.late.load(std::memory_order_relaxed);
  }

  // Delivery::Thread: this thread takes the samples too, one pass over the registered threads
  // per period (jittered if asked), and drains every drain interval.
  void sampling_loop(std::unique_lock<std::mutex>& lock, uint64_t generation) {
    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / config.rate_hz));
    const auto drain_every = std::chrono::milliseconds(config.drain_interval_ms);
    uint64_t rng = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(detail::monotonic_ns());
    auto next_interval = [&] {
      if (!config.jitter) return period;
      return std::chrono::nanoseconds(static_cast<int64_t>(
          detail::jittered_interval(rng, static_cast<uint64_t>(period.count()))));
    };
    auto next_tick = Clock::now() + next_interval();
    auto next_drain = Clock::now() + drain_every;
    while (run_generation == generation) {
      if (wake.wait_until(lock, next_tick, [&] { return run_generation != generation; })) break;
      auto now = Clock::now();
      // Periods slept through (the sampling thread was not scheduled) weigh this sample.
      uint64_t missed = now > next_tick + period ? (now - next_tick) / period : 0;
      next_tick += next_interval() + static_cast<int64_t>(missed) * period;
      for (ThreadSlot* s : slots)
        if (detail::is_sampling_thread(s->source.load(std::memory_order_relaxed)))
          detail::sample_other_thread(*s, missed);
      if (now >= next_drain) {
        drain_all();
        for (ThreadSlot* s : slots) check_delivered_rate(*s);
        measure_signal_cost(lock, generation);  // after a thread was moved to signals
        next_drain = now + drain_every;
      }
    }
  }

  void reader_loop(std::unique_lock<std::mutex>& lock, uint64_t generation) {
    if (by_thread()) return sampling_loop(lock, generation);
    measure_signal_cost(lock, generation);
    while (run_generation == generation) {
      // The predicate is checked under the lock: a stop() cannot slip between check and wait.
      if (wake.wait_for(lock, std::chrono::milliseconds(config.drain_interval_ms),
                        [&] { return run_generation != generation; }))
        break;
      drain_all();
      for (ThreadSlot* s : slots) check_delivered_rate(*s);
      if (!unnamed.empty()) naming_wake.notify_one();
    }
  }

  // The reader thread: parked until a run starts, then that run's loop until it ends.
  void reader_main() {
    prctl(PR_SET_TIMERSLACK, 1UL);  // wake on time, not up to 50 us late
    std::unique_lock<std::mutex> lock(mutex);
    uint64_t served = UINT64_MAX;
    for (;;) {
      wake.wait(lock, [&] { return reader_exit || (running && run_generation != served); });
      if (reader_exit) return;
      served = run_generation;
      in_run = true;
      reader_loop(lock, served);
      in_run = false;
      reader_idle.notify_all();
    }
  }

  void naming_loop(uint64_t generation) {
    std::unique_lock<std::mutex> lock(mutex);
    while (run_generation == generation) {
      naming_wake.wait(lock, [&] { return run_generation != generation || !unnamed.empty(); });
      name_queued(lock);
    }
  }

  ThreadFigures figures_of(const ThreadSlot& s) const {
    ThreadFigures f;
    f.name = s.name;
    f.tid = s.tid;
    f.ticks = s.ticks.load(std::memory_order_relaxed);
    f.samples = s.samples.load(std::memory_order_relaxed);
    f.dropped = s.dropped.load(std::memory_order_relaxed);
    f.unsettled = s.unsettled.load(std::memory_order_relaxed);
    f.missed = s.missed.load(std::memory_order_relaxed);
    f.late = s.late.load(std::memory_order_relaxed);
    f.throttled = s.throttled.load(std::memory_order_relaxed);
    f.truncated = s.truncated.load(std::memory_order_relaxed);
    f.native_failures = s.native_failures.load(std::memory_order_relaxed);
    f.handler_ns = s.handler_ns.load(std::memory_order_relaxed);
    f.cpu_ns = s.cpu_total_ns;
    f.wall_ns = s.wall_total_ns;
    f.clock = config.clock;
    f.source = detail::describe(s.source.load(std::memory_order_relaxed));
    f.signalled = !detail::is_sampling_thread(s.source.load(std::memory_order_relaxed));
    return f;
  }

  // figures_of() with the current run's CPU and wall time so far (a run adds them at its end).
  ThreadFigures figures_now(const ThreadSlot& s) const {
    ThreadFigures f = figures_of(s);
    if (running && s.armed.load(std::memory_order_relaxed)) {
      f.cpu_ns += detail::clock_ns(s.cpu_clock) - s.cpu_at_arm;
      f.wall_ns += detail::monotonic_ns() - s.wall_at_arm;
    }
    return f;
  }

  // Every thread's figures now: those that unregistered since the last take_results(), then
  // those registered.
  std::vector<ThreadFigures> all_figures_now() const {
    std::vector<ThreadFigures> out = gathered.finished;
    for (const ThreadSlot* s : slots) out.push_back(figures_now(*s));
    return out;
  }

  uint64_t run_time_now() const {
    return gathered.duration_ns + (running ? detail::monotonic_ns() - started_at : 0);
  }

  // The session clock (SampleRecord::t_ns) now.
  uint64_t session_clock_now() const {
    return origin_ns == 0 ? 0 : detail::monotonic_ns() - origin_ns;
  }

  SampleMark mark() {
    drain_all();
    SampleMark m;
    m.epoch = epoch;
    m.t_ns = session_clock_now();
    m.wall_ns = run_time_now();
    m.drain_ns = gathered.drain_ns;
    m.naming_ns = gathered.naming_ns;
    m.node_samples.reserve(gathered.stacks.nodes().size());
    for (const StackTrie::Node& n : gathered.stacks.nodes()) m.node_samples.push_back(n.self_samples);
    m.threads = all_figures_now();
    m.notes = gathered.notes.size();
    return m;
  }

  // The slices and heap points gathered after the mark, their stacks mapped to the fresh trie.
  void series_since(const SampleMark& m, const std::vector<uint32_t>& node_of,
                    SampledSession& out) const {
    for (const SampleSlice& slice : gathered.slices.slices()) {
      if (slice.start_ns < m.t_ns || slice.stack >= node_of.size() ||
          node_of[slice.stack] == UINT32_MAX)
        continue;
      out.slices.push_back(slice);
      out.slices.back().stack = node_of[slice.stack];
    }
    for (const HeapPoint& h : gathered.heap.points())
      if (h.t_ns >= m.t_ns) out.heap.push_back(h);
  }

  SampledSession since(const SampleMark& m) {
    if (m.epoch != epoch)
      throw std::logic_error("Sampler::since: the mark was taken before take_results()");
    drain_all();
    SampledSession out;
    out.config = config;
    std::vector<uint32_t> node_of;
    out.stacks = detail::stacks_since(gathered.stacks, m.node_samples, &node_of);
    for (const ThreadFigures& now : all_figures_now()) {
      auto then = std::find_if(m.threads.begin(), m.threads.end(), [&](const ThreadFigures& t) {
        return t.tid == now.tid && t.name == now.name;
      });
      out.threads.push_back(detail::figures_since(now, then == m.threads.end() ? nullptr : &*then));
    }
    series_since(m, node_of, out);
    out.duration_ns = run_time_now() - m.wall_ns;
    out.drain_ns = gathered.drain_ns - m.drain_ns;
    out.naming_ns = gathered.naming_ns - m.naming_ns;
    out.signal_cost_ns = std::max(signal_cost_ns, 0.0);
    out.notes.push_back(delivery_note());
    out.notes.insert(out.notes.end(), gathered.notes.begin() + static_cast<std::ptrdiff_t>(
                                          std::min(m.notes, gathered.notes.size())),
                     gathered.notes.end());
    return out;
  }

  std::string delivery_note() const {
    return std::string("samples taken by ") + (by_thread() ? "a sampling thread" : "SIGPROF") +
           " (" + to_string(config.delivery) + " delivery: " + delivery_reason + ")";
  }
};

// ---- ThreadRegistration ----

ThreadRegistration::ThreadRegistration(ThreadRegistration&& other) noexcept
    : sampler_(other.sampler_), slot_(other.slot_) {
  other.sampler_ = nullptr;
  other.slot_ = nullptr;
}

ThreadRegistration& ThreadRegistration::operator=(ThreadRegistration&& other) noexcept {
  if (this != &other) {
    if (sampler_) sampler_->unregister(slot_);
    sampler_ = other.sampler_;
    slot_ = other.slot_;
    other.sampler_ = nullptr;
    other.slot_ = nullptr;
  }
  return *this;
}

ThreadRegistration::~ThreadRegistration() {
  if (sampler_) sampler_->unregister(slot_);
}

// ---- Sampler ----

Sampler::Sampler(SamplerConfig config) : state_(std::make_unique<State>()) {
  std::string problem = validate(config);
  if (!problem.empty()) throw std::invalid_argument(problem);
  state_->config = config;
  DeliveryChoice choice = resolve_delivery(config);
  state_->config.delivery = choice.delivery;
  state_->delivery_reason = choice.reason;
  if (config.native) state_->symbols = std::make_shared<Symbolizer>();
  if (choice.delivery == Delivery::Signal) state_->prepare_signals();
  if (config.native) detail::warm_up_unwinder();
}

Sampler::~Sampler() {
  stop();
  State& st = *state_;
  {
    std::lock_guard<std::mutex> lock(st.mutex);
    st.reader_exit = true;
  }
  st.wake.notify_all();
  if (st.reader.joinable()) st.reader.join();
}

const SamplerConfig& Sampler::config() const { return state_->config; }

ThreadRegistration Sampler::register_current_thread(std::string name,
                                                    const instrumentation::FrameStack* frames,
                                                    const std::atomic<uint64_t>* live_bytes) {
  State& st = *state_;
  if (st.config.native) detail::warm_up_unwinder();
  std::lock_guard<std::mutex> lock(st.mutex);
  auto slot = std::make_unique<ThreadSlot>(st.config, st.next_index++, std::move(name), frames,
                                           live_bytes);
  slot->tid = static_cast<pid_t>(syscall(SYS_gettid));
  slot->owner = pthread_self();
  if (pthread_getcpuclockid(pthread_self(), &slot->cpu_clock) != 0)
    throw std::runtime_error("pthread_getcpuclockid failed");
  if (!detail::publish_slot(slot.get()))
    throw std::runtime_error("too many sampled threads (the limit is " +
                             std::to_string(detail::kMaxThreads) + ")");
  st.slots.push_back(slot.get());
  if (st.running) {
    try {
      st.open_window(*slot);
    } catch (...) {
      st.slots.pop_back();
      detail::withdraw_slot(slot.get());
      throw;
    }
  }
  return ThreadRegistration(this, slot.release());
}

void Sampler::unregister(ThreadSlot* slot) {
  State& st = *state_;
  BlockSigprof blocked;  // no tick of this thread while its slot goes away (signal delivery)
  {
    std::lock_guard<std::mutex> lock(st.mutex);
    st.close_window(*slot);
    st.drain(*slot);
    st.gathered.finished.push_back(st.figures_of(*slot));
    st.slots.erase(std::find(st.slots.begin(), st.slots.end(), slot));
    detail::withdraw_slot(slot);
  }
  delete slot;
}

void Sampler::start() {
  State& st = *state_;
  std::lock_guard<std::mutex> lock(st.mutex);
  if (st.running) return;
  st.started_at = detail::monotonic_ns();
  if (st.origin_ns == 0) st.origin_ns = st.started_at;
  for (ThreadSlot* s : st.slots) st.open_window(*s);
  st.running = true;
  uint64_t generation = st.run_generation.load();
  if (!st.reader.joinable()) st.reader = std::thread([&st] { st.reader_main(); });
  st.wake.notify_all();
  if (st.symbols) st.namer = std::thread([&st, generation] { st.naming_loop(generation); });
}

void Sampler::stop() {
  State& st = *state_;
  std::thread namer;
  {
    std::unique_lock<std::mutex> lock(st.mutex);
    if (!st.running) return;
    for (ThreadSlot* s : st.slots) st.close_window(*s);
    st.drain_all();
    st.gathered.duration_ns += detail::monotonic_ns() - st.started_at;
    st.running = false;
    ++st.run_generation;
    namer = std::move(st.namer);
    st.wake.notify_all();
    // Once the reader left the run's loop it takes no sample and touches no figure of it.
    st.reader_idle.wait(lock, [&] { return !st.in_run; });
  }
  st.naming_wake.notify_all();
  if (namer.joinable()) namer.join();  // (after the look-up it is in, if any)
}

bool Sampler::running() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->running;
}

SampledSession Sampler::take_results() {
  stop();
  State& st = *state_;
  std::lock_guard<std::mutex> lock(st.mutex);
  st.drain_all();  // records a handler published after the last drain
  // A run that ended before the reader got to it: one short measurement here, after the run.
  if (st.signals_used && st.signal_cost_ns < 0)
    st.signal_cost_ns = detail::measure_signal_cost_ns([] { return false; });
  Gathered gathered = std::exchange(st.gathered, Gathered{});
  st.unnamed.clear();
  SampledSession out;
  out.config = st.config;
  out.stacks = std::move(gathered.stacks);
  out.threads = std::move(gathered.finished);
  for (ThreadSlot* s : st.slots) out.threads.push_back(st.figures_of(*s));
  out.heap = gathered.heap.take();
  out.slices = gathered.slices.take(&out.slices_dropped);
  out.duration_ns = gathered.duration_ns;
  out.drain_ns = gathered.drain_ns;
  out.naming_ns = gathered.naming_ns;
  out.signal_cost_ns = std::max(st.signal_cost_ns, 0.0);
  out.notes = std::move(gathered.notes);
  if (st.symbols) out.symbols = std::exchange(st.symbols, std::make_shared<Symbolizer>());
  if (st.config.native)
    out.notes.push_back(namer_process_used()
                            ? "native PCs named by a helper process (Boost.Stacktrace there: "
                              "reading debug information here slowed the program)"
                            : "native PCs named in this process (Boost.Stacktrace)");
  out.notes.insert(out.notes.begin(), st.delivery_note());
  ++st.epoch;
  return out;
}

SampleMark Sampler::mark() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->mark();
}

SampledSession Sampler::since(const SampleMark& mark) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->since(mark);
}

void Sampler::set_rate(double rate_hz) {
  State& st = *state_;
  std::lock_guard<std::mutex> lock(st.mutex);
  if (st.running) throw std::logic_error("Sampler::set_rate: the sampler is running");
  SamplerConfig changed = st.config;
  changed.rate_hz = rate_hz;
  if (std::string problem = validate(changed); !problem.empty())
    throw std::invalid_argument(problem);
  st.config.rate_hz = rate_hz;
  // Each slot keeps its period (thread_slot.cpp); timers and the sampling thread read it when
  // a run arms them.
  for (ThreadSlot* s : st.slots)
    s->period_ns.store(static_cast<uint64_t>(1e9 / rate_hz + 0.5), std::memory_order_relaxed);
}

}  // namespace aiprof::sampler
