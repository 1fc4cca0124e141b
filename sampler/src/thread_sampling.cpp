#include "thread_sampling.hpp"

namespace aiprof::sampler::detail {

namespace {

// A push by the owner during the copy can rewrite a copied frame; the copy is then tried
// again (a copy takes tens of nanoseconds, so a few tries find a quiet moment), and a sample
// that never gets a consistent copy is dropped and counted.
constexpr int kCopyAttempts = 8;

// Periods of CPU time the thread ran since the last sample (0: not yet a whole one); the
// credit is kept until a sample is taken.
uint64_t cpu_periods_due(ThreadSlot& s, uint64_t cpu_now) {
  return s.cpu_credit.accrue(cpu_now, s.period_ns.load(std::memory_order_relaxed));
}

void spend_cpu_periods(ThreadSlot& s, uint64_t periods) {
  s.cpu_credit.spend(periods, s.period_ns.load(std::memory_order_relaxed));
}

bool copy_stack(ThreadSlot& s, SampleRecord& r) {
  bool truncated = false;
  r.guest_depth = 0;
  r.flags = 0;
  if (!s.frames) return true;
  for (int attempt = 0; attempt < kCopyAttempts; ++attempt) {
    if (s.frames->copy_ids_from_other_thread(s.ring.guest_ids(&r), s.ring.max_guest(),
                                             &truncated, &r.guest_depth,
                                             s.ring.guest_lines(&r))) {
      if (truncated) r.flags |= kTruncated;  // counted when published: a copy may be discarded
      return true;
    }
  }
  return false;
}

// Copies the stack into a claimed record; null (the record not published) when the ring is
// full or no consistent copy was had, counted as dropped (the latter also as unsettled).
SampleRecord* copy_into_ring(ThreadSlot& s) {
  SampleRecord* r = s.ring.claim();
  if (r && copy_stack(s, *r)) return r;
  bump(s.dropped);
  if (r) bump(s.unsettled);
  return nullptr;
}

void publish(ThreadSlot& s, SampleRecord& r, uint64_t now, uint64_t weight) {
  r.t_ns = now - s.origin_ns.load(std::memory_order_relaxed);
  r.live_bytes = s.live_bytes ? s.live_bytes->load(std::memory_order_relaxed) : 0;
  r.native_depth = 0;
  r.weight = static_cast<uint32_t>(weight);
  bool truncated = r.flags & kTruncated;  // read before the record is handed to the reader
  s.ring.publish();
  bump(s.samples);
  if (truncated) bump(s.truncated);
  if (weight > 1) bump(s.missed, weight - 1);
}

// The CPU clock: a sample once the thread has run another period, taken only while it is on
// the CPU. Its CPU time must advance across the copy; a thread that is preempted or blocked
// would otherwise be sampled where it stopped (often a system call's exit), not where it
// spends its CPU time. Such ticks are counted as late and the credit waits for the next.
void sample_by_cpu_time(ThreadSlot& s, uint64_t now) {
  uint64_t cpu_before = clock_ns(s.cpu_clock);
  uint64_t periods = cpu_periods_due(s, cpu_before);
  if (periods == 0) return;
  SampleRecord* r = copy_into_ring(s);
  if (!r) return spend_cpu_periods(s, periods);
  if (clock_ns(s.cpu_clock) == cpu_before) {
    bump(s.late);
    return;
  }
  spend_cpu_periods(s, periods);
  publish(s, *r, now, periods);
}

}  // namespace

void arm_sampling_thread(ThreadSlot& slot, TimerSource source) {
  slot.cpu_credit.reset(clock_ns(slot.cpu_clock));
  slot.source.store(source, std::memory_order_release);
  slot.armed.store(true, std::memory_order_release);
}

void sample_other_thread(ThreadSlot& s, uint64_t missed_ticks) {
  if (!s.armed.load(std::memory_order_acquire)) return;
  uint64_t start = monotonic_ns();
  bump(s.ticks);
  if (s.source.load(std::memory_order_relaxed) == TimerSource::SamplingThreadCpu) {
    sample_by_cpu_time(s, start);
  } else if (SampleRecord* r = copy_into_ring(s)) {
    publish(s, *r, start, 1 + missed_ticks);
  }
  bump(s.handler_ns, monotonic_ns() - start);
}

}  // namespace aiprof::sampler::detail
