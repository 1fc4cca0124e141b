// A single-producer single-consumer ring of fixed-size sample records, one per sampled thread.
//
// The producer is the SIGPROF handler running on the owning thread (or, with thread delivery,
// the sampling thread); the consumer is the reader thread (or whoever drains). All memory is
// allocated by the constructor, and touched there for a handler, before any timer can fire,
// so the handler never allocates or faults a page in. (A sampling thread may fault pages in:
// it runs beside the program, and the program need not wait for a megabyte to be touched.)
//
// Async-signal-safe: claim(), publish(), guest_ids(), guest_lines(), native_pcs(). Everything
// else is the
// consumer's (one consumer at a time).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace aiprof::sampler {

struct SampleRecord {
  uint64_t t_ns = 0;        // monotonic time of the sample, since the session's start
  uint64_t live_bytes = 0;  // the thread's heap, read atomically at the tick (0 if none)
  uint32_t guest_depth = 0; // guest frame ids that follow (outermost first), then their lines
  uint32_t native_depth = 0;// native PCs that follow (innermost first)
  uint32_t flags = 0;       // kTruncated, kNativeFailed
  uint32_t weight = 1;      // 1 + timer expirations that coalesced into this signal
};

// The ring's stride arithmetic (sample_ring.cpp) assumes this layout: guest ids start right
// after the record (so its size is a multiple of 4), and a stride that is a multiple of 16 keeps
// every record aligned. A new field must keep both, and update this size.
static_assert(sizeof(SampleRecord) == 32, "SampleRecord's size changed: check SampleRing's stride");
static_assert(sizeof(SampleRecord) % alignof(uint32_t) == 0 && alignof(SampleRecord) <= 16,
              "SampleRing places guest ids after the record and aligns strides to 16");

constexpr uint32_t kTruncated = 1;
constexpr uint32_t kNativeFailed = 2;

class SampleRing {
 public:
  SampleRing(uint32_t capacity, uint32_t max_guest, uint32_t max_native, bool touch_now = true);

  // Touches every page (before a handler becomes the producer). Only while no producer runs
  // and the ring is drained: it overwrites the records.
  void touch_pages();

  SampleRing(const SampleRing&) = delete;
  SampleRing& operator=(const SampleRing&) = delete;

  uint32_t max_guest() const { return max_guest_; }
  uint32_t max_native() const { return max_native_; }

  // Producer, async-signal-safe: the next free record, or nullptr when the ring is full.
  SampleRecord* claim() {
    uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) >= capacity_) return nullptr;
    return record_at(head);
  }
  // Producer, async-signal-safe: makes the claimed record visible to the consumer.
  void publish() {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Async-signal-safe: the arrays that belong to a record.
  uint32_t* guest_ids(SampleRecord* r) const { return reinterpret_cast<uint32_t*>(r + 1); }
  const uint32_t* guest_ids(const SampleRecord* r) const {
    return reinterpret_cast<const uint32_t*>(r + 1);
  }
  // The line each guest frame stood at (0: not known), beside its id.
  uint32_t* guest_lines(SampleRecord* r) const { return guest_ids(r) + max_guest_; }
  const uint32_t* guest_lines(const SampleRecord* r) const { return guest_ids(r) + max_guest_; }
  uintptr_t* native_pcs(SampleRecord* r) const {
    return reinterpret_cast<uintptr_t*>(reinterpret_cast<char*>(r) + native_offset_);
  }
  const uintptr_t* native_pcs(const SampleRecord* r) const {
    return reinterpret_cast<const uintptr_t*>(reinterpret_cast<const char*>(r) + native_offset_);
  }

  // Consumer: calls visit(const SampleRecord&) for every published record, oldest first,
  // then frees them. Returns how many were visited.
  template <class Visit>
  uint64_t drain(Visit&& visit) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_acquire);
    for (uint64_t i = tail; i < head; ++i) visit(static_cast<const SampleRecord&>(*record_at(i)));
    tail_.store(head, std::memory_order_release);
    return head - tail;
  }

 private:
  SampleRecord* record_at(uint64_t index) const {
    return reinterpret_cast<SampleRecord*>(storage_.get() + (index % capacity_) * stride_);
  }

  // Anonymous pages of their own: populated in one system call (a page fault per page, as a
  // memset would take, costs a VM tens of microseconds each: ~7 ms for a 1 MB ring).
  struct Unmap {
    size_t bytes;
    void operator()(char* p) const;
  };

  uint32_t capacity_;
  uint32_t max_guest_;
  uint32_t max_native_;
  size_t native_offset_;  // from the record's start
  size_t stride_;         // bytes per record, a multiple of 16
  std::unique_ptr<char[], Unmap> storage_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the consumer
};

}  // namespace aiprof::sampler
