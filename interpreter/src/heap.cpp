#include "anarchy/interpreter/heap.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>
#include <optional>

#include "aiprof/instrumentation/frame_stack.hpp"

#include "anarchy/interpreter/objects.hpp"

namespace anarchy {

using aiprof::instrumentation::ObjectType;

__thread Heap* tls_current_heap = nullptr;

namespace {

ObjectType object_type(ObjKind k) { return static_cast<ObjectType>(k); }

bool is_container(ObjKind k) { return k != ObjKind::String; }

// The heap's hook calls, out of line and cold (callers test hook_listens first): a virtual
// call inside record_allocate, record_free or init_object kept them from being inlined into
// raw_allocate / raw_free and cost 1-2% of all instructions with no observer attached
// (disabled_hooks_callgrind). The callers go further: see Heap::raw_allocate.
[[gnu::cold, gnu::noinline]] void report_allocate(ObjKind kind, size_t bytes) {
  aiprof::instrumentation::g_observer->on_allocate(object_type(kind), bytes);
}
[[gnu::cold, gnu::noinline]] void report_free(ObjKind kind, size_t bytes) {
  aiprof::instrumentation::g_observer->on_free(object_type(kind), bytes, 0);
}
[[gnu::cold, gnu::noinline]] void report_value_create(ObjKind kind) {
  aiprof::instrumentation::g_observer->on_value_create(object_type(kind));
}

}  // namespace

void release_object(HeapObj* o) { Heap::current().release(o); }

Heap::Heap() {
  containers_.gc_prev = containers_.gc_next = &containers_;
  sync_hooks();
  if (tls_current_heap == nullptr) tls_current_heap = this;
}

Value Heap::intern(std::string_view text) {
  auto it = interned_.find(std::string(text));
  if (it != interned_.end()) return it->second;
  Value s = make_string(text);
  s.as_heap()->reserved = kInternedFlag;
  interned_.emplace(std::string(text), s);
  return s;
}

Heap::~Heap() {
  collect_all_at_exit();
  interned_.clear();
  for (FreeBlock*& head : free_lists_) {
    while (head) {
      FreeBlock* next = head->next;
      std::free(head);
      head = next;
    }
  }
  if (tls_current_heap == this) tls_current_heap = nullptr;
}

// Inlined into raw_allocate / raw_free (they run on every allocation).
[[gnu::always_inline]] inline void Heap::record_allocate(size_t bytes, ObjKind kind) {
  ++stats_.allocations;
  stats_.allocation_bytes += bytes;
  ++stats_.allocations_by_kind[static_cast<size_t>(kind)];
  stats_.allocation_bytes_by_kind[static_cast<size_t>(kind)] += bytes;
  uint64_t live = live_bytes_.load(std::memory_order_relaxed) + bytes;
  live_bytes_.store(live, std::memory_order_relaxed);
  if (live > stats_.peak_bytes) stats_.peak_bytes = live;
}

[[gnu::always_inline]] inline void Heap::record_free(size_t bytes) {
  ++stats_.deallocations;
  stats_.deallocation_bytes += bytes;
  live_bytes_.store(live_bytes_.load(std::memory_order_relaxed) - bytes, std::memory_order_relaxed);
}

[[gnu::always_inline]] inline void* Heap::take_block(size_t bytes) {
  if (bytes - 1 < kSmallLimit) {
    size_t c = (bytes - 1) / 16;
    if (FreeBlock* b = free_lists_[c]) {
      free_lists_[c] = b->next;
      --free_counts_[c];
      return b;
    }
    bytes = (c + 1) * 16;  // so the block can serve any request of its class later
  }
  void* p = std::malloc(bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

[[gnu::always_inline]] inline void Heap::give_block(void* p, size_t bytes) {
  if (bytes - 1 < kSmallLimit) {
    size_t c = (bytes - 1) / 16;
    if (free_counts_[c] < kMaxCachedPerClass) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = free_lists_[c];
      free_lists_[c] = b;
      ++free_counts_[c];
      return;
    }
  }
  std::free(p);
}

// Inlined into init_object and its reported variant (the allocation path of every container).
[[gnu::always_inline]] inline void Heap::link(HeapObj* o) {
  o->gc_next = containers_.gc_next;
  o->gc_prev = &containers_;
  containers_.gc_next->gc_prev = o;
  containers_.gc_next = o;
  ++container_count_;
}

[[gnu::always_inline]] inline void Heap::init_header(HeapObj* o, ObjKind kind, uint32_t bytes) {
  o->refcount = 1;
  o->kind = kind;
  o->gc_mark = 0;
  o->reserved = 0;
  o->gc_refs = 0;
  o->alloc_bytes = bytes;
  o->gc_prev = o->gc_next = nullptr;
  ++stats_.objects_created[static_cast<size_t>(kind)];
  if (is_container(kind) && kind != ObjKind::Env) {
    link(o);
    ++containers_since_collect_;
  }
}

// The allocate/free hook and allocation sampling share one test per call (issue 16). A call
// left inside raw_allocate or raw_free made them keep a stack frame and save registers on
// every call even with no observer (about 6 instructions, over 1% of the churn workload;
// disabled_hooks_callgrind), so each slow case takes the whole call to a cold function.
//
// Allocation: countdown_ is the bytes left before the next sampled allocation (INT64_MAX:
// sampling off), or kPinned while an observer listens to allocations; either way one
// subtraction and a sign test decide. (The hook mask changes only between runs, hooks.hpp;
// sync_hooks() reads it at construction and at the start of each run, and the slow path
// re-reads it, so a detached observer costs one slow call.)
void* Heap::raw_allocate(size_t bytes, ObjKind kind) {
#if AIPROF_ENABLE_HOOKS
  if (AIPROF_UNLIKELY((countdown_ -= static_cast<int64_t>(bytes)) < 0))
    return raw_allocate_slow(bytes, kind);
#endif
  record_allocate(bytes, kind);
  return take_block(bytes);
}

[[gnu::cold, gnu::noinline]] void* Heap::raw_allocate_slow(size_t bytes, ObjKind kind) {
  int64_t remaining = pinned_ ? (sample_remaining_ -= static_cast<int64_t>(bytes)) : countdown_;
  pinned_ = aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookAllocate);
  record_allocate(bytes, kind);
  if (pinned_) report_allocate(kind, bytes);
  void* p = take_block(bytes);
  if (remaining < 0) remaining = sample_allocation(p, bytes, kind);
  set_countdown(remaining);
  return p;
}

// Free: one flag byte, set while an observer listens or sampled blocks may be live; the slow
// path tests the block's byte in the sampled-block filter (heap_sampling.cpp).
void Heap::raw_free(void* p, size_t bytes, ObjKind kind) {
  if (p == nullptr) return;
#if AIPROF_ENABLE_HOOKS
  if (AIPROF_UNLIKELY(check_frees_)) return raw_free_slow(p, bytes, kind);
#else
  static_cast<void>(kind);  // only the slow path (hooks, sampling) reads it
#endif
  record_free(bytes);
  give_block(p, bytes);
}

[[gnu::cold, gnu::noinline]] void Heap::raw_free_slow(void* p, size_t bytes, ObjKind kind) {
  if (sampled_marks_[mark_slot(p)] != 0) forget_if_sampled(p);
  record_free(bytes);
  if (aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookAllocate))
    report_free(kind, bytes);
  give_block(p, bytes);
}

void Heap::sync_hooks() {
  int64_t remaining = pinned_ ? sample_remaining_ : countdown_;
  pinned_ = aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookAllocate);
  set_countdown(remaining);
}

void Heap::set_countdown(int64_t remaining) {
  sample_remaining_ = remaining;
  countdown_ = pinned_ ? kPinned : remaining;
  check_frees_ = pinned_ || samples_ != nullptr;
}

void Heap::init_object(HeapObj* o, ObjKind kind, uint32_t bytes) {
  if (aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookValueCreate))
    return init_object_reported(o, kind, bytes);
  init_header(o, kind, bytes);
}

[[gnu::cold, gnu::noinline]] void Heap::init_object_reported(HeapObj* o, ObjKind kind,
                                                             uint32_t bytes) {
  init_header(o, kind, bytes);
  report_value_create(kind);
}

void Heap::track_env_chain(HeapObj* env) {
  for (auto* e = static_cast<Env*>(env); e && e->gc_next == nullptr; e = e->parent) {
    link(e);
    ++containers_since_collect_;
  }
}

void Heap::unlink(HeapObj* o) {
  o->gc_prev->gc_next = o->gc_next;
  o->gc_next->gc_prev = o->gc_prev;
  o->gc_prev = o->gc_next = nullptr;
  --container_count_;
}

// Freeing one object drops references to its children, which may free them in turn. Doing
// that recursively would overflow the native stack on a long chain, so releases queue up and
// one loop drains them.
void Heap::release(HeapObj* o) {
  if (draining_) {
    pending_.push_back(o);
    return;
  }
  draining_ = true;
  destroy(o);
  if (!pending_.empty()) drain_pending();
  draining_ = false;
}

void Heap::drain_pending() {
  draining_ = true;
  while (!pending_.empty()) {
    HeapObj* o = pending_.back();
    pending_.pop_back();
    destroy(o);
  }
  draining_ = false;
}

void Heap::destroy(HeapObj* o) {
  ObjKind kind = o->kind;
  if (o->gc_next != nullptr) unlink(o);
  ++stats_.objects_freed[static_cast<size_t>(kind)];
  uint32_t bytes = o->alloc_bytes;
  switch (kind) {
    case ObjKind::String: static_cast<StrObj*>(o)->~StrObj(); break;
    case ObjKind::Array: static_cast<ArrayObj*>(o)->~ArrayObj(); break;
    case ObjKind::Object: static_cast<ObjectObj*>(o)->~ObjectObj(); break;
    case ObjKind::Function: {
      auto* f = static_cast<FuncObj*>(o);
      if (f->env) decref(f->env);
      break;
    }
    case ObjKind::Native: static_cast<NativeObj*>(o)->~NativeObj(); break;
    case ObjKind::Module: {
      auto* m = static_cast<ModuleObj*>(o);
      if (m->env) decref(m->env);
      break;
    }
    case ObjKind::Env: {
      auto* e = static_cast<Env*>(o);
      for (uint32_t i = 0; i < e->size; ++i) e->slots()[i].~Value();
      if (e->parent) decref(e->parent);
      break;
    }
  }
  raw_free(o, bytes, kind);
}

uint64_t Heap::live_objects() const {
  uint64_t n = 0;
  for (size_t k = 0; k < kObjKinds; ++k) n += stats_.objects_created[k] - stats_.objects_freed[k];
  return n;
}

std::vector<uint64_t> Heap::refcount_histogram() const {
  std::vector<uint64_t> buckets(8, 0);  // 1, 2, 3-4, 5-8, 9-16, 17-32, 33-64, >64
  for (HeapObj* o = containers_.gc_next; o != &containers_; o = o->gc_next) {
    uint32_t rc = o->refcount, b = 0;
    while (b < 7 && rc > (1u << b)) ++b;
    ++buckets[b];
  }
  return buckets;
}

namespace {

// Drops the references an object holds, leaving it empty but alive.
void clear_contents(HeapObj* o) {
  switch (o->kind) {
    case ObjKind::Array: {
      ValueVector old;
      old.swap(static_cast<ArrayObj*>(o)->items);
      break;
    }
    case ObjKind::Object: static_cast<ObjectObj*>(o)->props.clear(); break;
    case ObjKind::Function: {
      auto* f = static_cast<FuncObj*>(o);
      Env* e = f->env;
      f->env = nullptr;
      if (e) decref(e);
      break;
    }
    case ObjKind::Native: static_cast<NativeObj*>(o)->self = Value(); break;
    case ObjKind::Module: {
      auto* m = static_cast<ModuleObj*>(o);
      Env* e = m->env;
      m->env = nullptr;
      if (e) decref(e);
      break;
    }
    case ObjKind::Env: {
      auto* e = static_cast<Env*>(o);
      for (uint32_t i = 0; i < e->size; ++i) e->slots()[i] = Value();
      Env* p = e->parent;
      e->parent = nullptr;
      if (p) decref(p);
      break;
    }
    case ObjKind::String: break;
  }
}

}  // namespace

// Trial deletion (as CPython's gc does): subtract references that containers hold to each
// other; whatever keeps a positive count is referenced from outside (the evaluator's values,
// the globals) and is live, as is everything reachable from it. The rest is cyclic garbage.
// A run of the collector: under its own frame (when a frame stack was given), timed, logged.
size_t Heap::collect() {
  if (collecting_) return 0;
  collecting_ = true;
  std::optional<aiprof::instrumentation::OptionalFrame> frame;
  if (collector_frames_) frame.emplace(*collector_frames_, collector_frame_id_, 0, 0);
  auto t0 = std::chrono::steady_clock::now();
  uint64_t bytes_before = stats_.collected_bytes, objects_before = stats_.collected_objects;
  AIPROF_HOOK(kHookCollect, on_collect_begin());
  size_t freed = collect_cycles();
  auto ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
          .count());
  stats_.collection_ns += ns;
  if (gc_records_.size() < kMaxGcRecords)
    gc_records_.push_back(GcRecord{t0, ns, stats_.collected_bytes - bytes_before,
                                   stats_.collected_objects - objects_before});
  AIPROF_HOOK(kHookCollect, on_collect_end(freed, stats_.collected_bytes - bytes_before));
  collecting_ = false;
  return freed;
}

// Trial deletion over every container: what only other garbage refers to is garbage.
size_t Heap::collect_cycles() {
  HeapObj* head = &containers_;
  for (HeapObj* o = head->gc_next; o != head; o = o->gc_next) {
    o->gc_refs = o->refcount;
    o->gc_mark = 0;
  }
  for (HeapObj* o = head->gc_next; o != head; o = o->gc_next)
    for_each_child(o, [](HeapObj* c) { if (c->kind != ObjKind::String) --c->gc_refs; });
  std::vector<HeapObj*> stack;
  for (HeapObj* o = head->gc_next; o != head; o = o->gc_next)
    if (o->gc_refs > 0 && !o->gc_mark) { o->gc_mark = 1; stack.push_back(o); }
  while (!stack.empty()) {
    HeapObj* o = stack.back();
    stack.pop_back();
    for_each_child(o, [&](HeapObj* c) {
      if (c->kind != ObjKind::String && !c->gc_mark) { c->gc_mark = 1; stack.push_back(c); }
    });
  }
  std::vector<HeapObj*> garbage;
  for (HeapObj* o = head->gc_next; o != head; o = o->gc_next)
    if (!o->gc_mark) garbage.push_back(o);
  uint64_t freed_before = stats_.deallocation_bytes;
  for (HeapObj* g : garbage) ++g->refcount;  // keep them alive while their contents go
  for (HeapObj* g : garbage) clear_contents(g);
  for (HeapObj* g : garbage) decref(g);
  uint64_t bytes = stats_.deallocation_bytes - freed_before;
  ++stats_.collections;
  stats_.collected_objects += garbage.size();
  stats_.collected_bytes += bytes;
  containers_since_collect_ = 0;
  // Collect again after as many new containers as there are live ones (amortised O(1)).
  collect_threshold_ = std::max<size_t>(20000, container_count_);
  return garbage.size();
}

void Heap::collect_all_at_exit() {
  std::vector<HeapObj*> all;
  for (HeapObj* o = containers_.gc_next; o != &containers_; o = o->gc_next) all.push_back(o);
  for (HeapObj* o : all) ++o->refcount;
  for (HeapObj* o : all) clear_contents(o);
  for (HeapObj* o : all) decref(o);
}

}  // namespace anarchy
