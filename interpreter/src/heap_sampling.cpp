// Allocation sampling by bytes: the heap's slow paths (issue 16; DESIGN.md, "Heap sampling
// by bytes").
//
// The fast paths live in heap.cpp and cost, per allocation, one subtraction from the byte
// countdown and a sign test (sampling off leaves the countdown at INT64_MAX, so the test never
// fires), and per free one flag test; both tests are the ones the allocate hook had, so with
// sampling off nothing is added. With sampling on, frees take the slow path, which tests the
// block's byte in sampled_marks_. No observer listens: sampling leaves the interpreter on its
// plain evaluator. When the countdown runs out, the allocating
// thread copies its own guest stack (no signal: it is the owner of its FrameStack), records the
// allocation in the HeapSampleTable and draws the next distance from an exponential
// distribution, so each allocation of s bytes is sampled with probability 1 - exp(-s/rate),
// whatever came before it (the scaling of scale_heap_sample rests on that).
#include <cmath>
#include <cstdint>
#include <limits>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/instrumentation/hooks.hpp"

#include "anarchy/interpreter/heap.hpp"

namespace anarchy {

namespace inst = aiprof::instrumentation;

void Heap::start_allocation_sampling(std::shared_ptr<inst::HeapSampleTable> table,
                                     const inst::FrameStack* frames, uint64_t seed) {
  samples_ = std::move(table);
  sample_frames_ = frames;
  sample_rng_ = seed ? seed : 1;
  pinned_ = aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookAllocate);
  set_countdown(samples_ && samples_->rate_bytes() > 0 ? next_sample_distance()
                                                      : std::numeric_limits<int64_t>::max());
}

// Exponential with mean rate_bytes (xorshift64* for the uniform draw). Rate 1: every
// allocation (a countdown of 0 runs out on the next byte).
int64_t Heap::next_sample_distance() {
  uint64_t rate = samples_->rate_bytes();
  if (rate <= 1) return 0;
  sample_rng_ ^= sample_rng_ >> 12;
  sample_rng_ ^= sample_rng_ << 25;
  sample_rng_ ^= sample_rng_ >> 27;
  uint64_t bits = (sample_rng_ * 0x2545F4914F6CDD1Dull) >> 11;  // 53 bits
  double uniform = (static_cast<double>(bits) + 1.0) / 9007199254740992.0;  // (0, 1]
  double distance = -std::log(uniform) * static_cast<double>(rate);
  if (distance >= 9.0e18) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(distance);
}

int64_t Heap::sample_allocation(void* p, size_t bytes, ObjKind kind) {
  if (!samples_ || samples_->rate_bytes() == 0) return std::numeric_limits<int64_t>::max();
  uint32_t ids[inst::kMaxHeapSampleFrames];
  uint32_t depth = sample_frames_ ? sample_frames_->depth() : 0;
  uint32_t start = depth > inst::kMaxHeapSampleFrames ? depth - inst::kMaxHeapSampleFrames : 0;
  for (uint32_t i = start; i < depth; ++i) ids[i - start] = sample_frames_->frame(i).function_id();
  samples_->record_allocation(p, ids, depth - start, start != 0,
                              static_cast<inst::ObjectType>(kind), bytes);
  uint8_t& mark = sampled_marks_[mark_slot(p)];
  if (mark < UINT8_MAX) ++mark;
  return next_sample_distance();
}

// Only frees whose filter byte is set come here; most of them are sampled blocks (the filter
// has 8192 slots for about live_bytes / rate live sampled blocks).
[[gnu::cold, gnu::noinline]] void Heap::forget_if_sampled(void* p) {
  if (!samples_ || !samples_->record_free(p)) return;
  uint8_t& mark = sampled_marks_[mark_slot(p)];
  if (mark < UINT8_MAX) --mark;  // a full count sticks: the slot's blocks are counted no more
}

}  // namespace anarchy
