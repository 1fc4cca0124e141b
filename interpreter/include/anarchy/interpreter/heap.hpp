// The heap: the one allocation entry point, reference-count release, and the cycle collector.
//
// Every guest object (and every buffer it owns) is allocated by Heap::raw_allocate, which is
// where allocation statistics and the allocate/free hooks live. Objects are freed when their
// reference count reaches zero (iteratively, so freeing a long chain never recurses deeply);
// cyclic garbage is found by a trial-deletion collector over all container objects.
// Nothing here is async-signal-safe, except live_bytes().
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <unordered_map>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "anarchy/interpreter/value.hpp"

namespace aiprof::instrumentation {
class FrameStack;
class HeapSampleTable;
}

namespace anarchy {

constexpr size_t kObjKinds = 7;

struct HeapStats {
  uint64_t allocations = 0;
  uint64_t allocation_bytes = 0;
  uint64_t deallocations = 0;
  uint64_t deallocation_bytes = 0;
  uint64_t peak_bytes = 0;
  uint64_t objects_created[kObjKinds] = {};
  uint64_t objects_freed[kObjKinds] = {};
  uint64_t allocations_by_kind[kObjKinds] = {};  // blocks (objects and their buffers) by kind
  uint64_t allocation_bytes_by_kind[kObjKinds] = {};
  uint64_t collections = 0;
  uint64_t collection_ns = 0;
  uint64_t collected_objects = 0;
  uint64_t collected_bytes = 0;
};

// One run of the cycle collector, as the heap logged it (steady_clock time).
struct GcRecord {
  std::chrono::steady_clock::time_point start;
  uint64_t duration_ns = 0;
  uint64_t reclaimed_bytes = 0;
  uint64_t reclaimed_objects = 0;
};

class Heap;
// The heap of the interpreter running on this thread. (__thread rather than thread_local: GCC
// 12's UBSan misreports loads of a thread_local pointer as null-pointer loads.)
extern __thread Heap* tls_current_heap;

class Heap {
 public:
  Heap();
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // The heap of the interpreter running on this thread.
  static Heap& current() { return *tls_current_heap; }
  static void set_current(Heap* h) { tls_current_heap = h; }

  // The single allocation entry point (objects and the buffers they own). Small blocks are
  // recycled through per-size free lists; statistics and hooks count every request the same
  // way whether it was served from a list or from malloc.
  void* raw_allocate(size_t bytes, ObjKind kind);
  void raw_free(void* p, size_t bytes, ObjKind kind);

  // The bytes a block allocated for `bytes` really holds: a small request gets its whole
  // 16-byte size class (take_block allocates the class size, so that the block can serve any
  // request of its class later). A string may use that room (make_concat).
  static constexpr size_t usable_size(size_t bytes) {
    return bytes - 1 < kSmallLimit ? ((bytes - 1) / 16 + 1) * 16 : bytes;
  }

  // Initialises a header for a fresh object of `bytes` (refcount 1) and, for containers,
  // links it into the collector's list.
  void init_object(HeapObj* o, ObjKind kind, uint32_t bytes);

  // Environments start untracked by the cycle collector: one can only become part of a cycle
  // once a closure captures it, and make_function tracks it (and its parents) then. This keeps
  // the list operations off the call path.
  void track_env_chain(HeapObj* env);

  // The one string object for this text, kept alive for the heap's life. Names and property
  // keys in the source are interned, so comparing two of them is a pointer comparison.
  Value intern(std::string_view text);

  // Called when a reference count reaches zero.
  void release(HeapObj* o);

  // The cycle collector. maybe_collect() is the cheap check at safe points.
  void maybe_collect() {
    if (AIPROF_UNLIKELY(containers_since_collect_ >= collect_threshold_)) collect();
  }
  size_t collect();
  // Frees every container still alive (end of the interpreter's life).
  void collect_all_at_exit();

  // While the collector runs, a frame `frame_id` (the registry's "<gc>") sits on `frames`, so
  // a sampler charges collection time to the collector, not to the guest function below it.
  void set_collector_frame(aiprof::instrumentation::FrameStack* frames, uint32_t frame_id) {
    collector_frames_ = frames;
    collector_frame_id_ = frame_id;
  }
  // The collector's runs in order, the first kMaxGcRecords of them (stats().collections
  // counts them all), for the reports of modes that do not observe the collector themselves.
  static constexpr size_t kMaxGcRecords = 100000;
  const std::vector<GcRecord>& gc_records() const { return gc_records_; }

  // Allocation sampling by bytes (issue 16; DESIGN.md, "Heap sampling by bytes"): from now
  // on, each allocation is sampled when a countdown over allocated bytes, drawn from an
  // exponential distribution of mean table->rate_bytes() (1: every allocation), runs out; the
  // allocating thread then reads its own guest stack from `frames` and records the allocation
  // in `table`, and frees of sampled blocks (by reference count or by the collector) are
  // recorded there too. The unsampled path costs one subtraction and one sign test per
  // allocation and one byte test per free (heap_sampling.cpp says why). `seed` makes runs
  // repeat. Compiled out with the hook sites (AIPROF_HOOKS=OFF).
  void start_allocation_sampling(std::shared_ptr<aiprof::instrumentation::HeapSampleTable> table,
                                 const aiprof::instrumentation::FrameStack* frames,
                                 uint64_t seed = 0x9e3779b97f4a7c15ull);
  const std::shared_ptr<aiprof::instrumentation::HeapSampleTable>& allocation_samples() const {
    return samples_;
  }
  // Reads whether an observer listens to allocations (the interpreter calls it as each run
  // starts; observers attach between runs, hooks.hpp). The allocate and free hooks and
  // sampling share one test per call, which this sets.
  void sync_hooks();

  const HeapStats& stats() const { return stats_; }
  uint64_t live_bytes() const { return live_bytes_.load(std::memory_order_relaxed); }
  // The counter itself, for a sampler's signal handler to read on each tick.
  const std::atomic<uint64_t>& live_bytes_counter() const { return live_bytes_; }
  uint64_t live_objects() const;
  size_t container_count() const { return container_count_; }
  // Counts of live containers grouped by reference count (1, 2, 3-4, 5-8, ... buckets).
  std::vector<uint64_t> refcount_histogram() const;

 private:
  void record_allocate(size_t bytes, ObjKind kind);
  void record_free(size_t bytes);
  // The bodies of raw_allocate, raw_free and init_object without their hooks, and the cold
  // variants they hand a call to when an observer listens or a sample is due (heap.cpp).
  void* take_block(size_t bytes);
  void give_block(void* p, size_t bytes);
  void init_header(HeapObj* o, ObjKind kind, uint32_t bytes);
  void init_object_reported(HeapObj* o, ObjKind kind, uint32_t bytes);
  // Allocation sampling's slow paths (heap_sampling.cpp), out of line and cold.
  void* raw_allocate_slow(size_t bytes, ObjKind kind);
  void raw_free_slow(void* p, size_t bytes, ObjKind kind);
  void set_countdown(int64_t remaining);
  // Records a sampled allocation; returns the distance to the next one (INT64_MAX: none).
  int64_t sample_allocation(void* p, size_t bytes, ObjKind kind);
  void forget_if_sampled(void* p);
  int64_t next_sample_distance();
  // Which byte of sampled_marks_ an address counts in (a multiplicative hash: block addresses
  // are 16-byte aligned, and large blocks page-aligned).
  static size_t mark_slot(const void* p) {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(p) * 0x9E3779B97F4A7C15ull) >>
                               (64 - kMarkSlotBits));
  }
  void link(HeapObj* o);
  void unlink(HeapObj* o);
  void destroy(HeapObj* o);
  void drain_pending();
  size_t collect_cycles();

  HeapStats stats_;
  // What raw_allocate subtracts from: bytes left before the next sampled allocation
  // (INT64_MAX: sampling off), or kPinned while an observer listens (every call is slow).
  static constexpr int64_t kPinned = INT64_MIN / 2;
  int64_t countdown_ = INT64_MAX;
  int64_t sample_remaining_ = INT64_MAX;  // the bytes left while pinned
  bool pinned_ = false;
  bool check_frees_ = false;  // raw_free takes its slow path (observer, or sampled blocks)
  std::atomic<uint64_t> live_bytes_{0};
  HeapObj containers_;  // sentinel of the circular container list
  size_t container_count_ = 0;
  size_t containers_since_collect_ = 0;
  size_t collect_threshold_ = 20000;
  // Free lists of recycled small blocks, one per 16-byte size class.
  static constexpr size_t kSmallLimit = 256;
  static constexpr size_t kClassCount = kSmallLimit / 16;
  static constexpr size_t kMaxCachedPerClass = 4096;
  struct FreeBlock { FreeBlock* next; };
  FreeBlock* free_lists_[kClassCount] = {};
  uint32_t free_counts_[kClassCount] = {};
  std::unordered_map<std::string, Value> interned_;
  std::vector<HeapObj*> pending_;
  std::vector<GcRecord> gc_records_;
  aiprof::instrumentation::FrameStack* collector_frames_ = nullptr;
  uint32_t collector_frame_id_ = 0;
  // Allocation sampling: the table, the stack it reads, the draw's state, and a filter of the
  // live sampled blocks' addresses: how many hash to each slot (255 sticks: counted no more).
  // A free whose slot is 0 was not sampled; the others ask the table.
  static constexpr unsigned kMarkSlotBits = 13;
  std::shared_ptr<aiprof::instrumentation::HeapSampleTable> samples_;
  const aiprof::instrumentation::FrameStack* sample_frames_ = nullptr;
  uint64_t sample_rng_ = 0;
  uint8_t sampled_marks_[size_t{1} << kMarkSlotBits] = {};
  bool draining_ = false;
  bool collecting_ = false;
};

// std-style allocator routing container buffers through the heap's entry point.
template <class T>
struct HeapAllocator {
  using value_type = T;
  HeapAllocator() = default;
  template <class U> HeapAllocator(const HeapAllocator<U>&) {}
  T* allocate(size_t n) {
    return static_cast<T*>(Heap::current().raw_allocate(n * sizeof(T), ObjKind::Array));
  }
  void deallocate(T* p, size_t n) { Heap::current().raw_free(p, n * sizeof(T), ObjKind::Array); }
  template <class U> bool operator==(const HeapAllocator<U>&) const { return true; }
};

}  // namespace anarchy
