// Values of the guest language: a 16-byte tagged union, with heap objects reference counted.
//
// A Value owns one reference to its heap object (copy increments, destruction decrements).
// Heap objects are created only through Heap (heap.hpp), the single allocation entry point.
// Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "aiprof/instrumentation/hooks.hpp"

namespace anarchy {

// Heap tags come last so "is this a heap value" is one comparison.
enum class Tag : uint8_t { Unset, Null, Bool, Number, String, Array, Object, Function, Native, Module };

enum class ObjKind : uint8_t { String, Array, Object, Function, Native, Module, Env };

struct HeapObj {
  uint32_t refcount;
  ObjKind kind;
  uint8_t gc_mark;    // used by the cycle collector only
  uint16_t reserved;  // strings: kInternedFlag when interned
  uint32_t gc_refs;   // cycle collector scratch
  uint32_t alloc_bytes;
  HeapObj* gc_prev;   // containers only: the list the cycle collector walks
  HeapObj* gc_next;
};

constexpr uint16_t kInternedFlag = 1;

void release_object(HeapObj* o);  // heap.cpp: refcount reached zero

// The reference-count hook fires on every copy and destruction of a heap value, so even its
// disabled check costs about 1-2.5% of all instructions (callgrind, disabled_hooks_callgrind),
// and no observer listens to it (the refcount histogram comes from the heap at the end). It is
// compiled in only with -DAIPROF_ENABLE_REFCOUNT_HOOK=1.
#ifndef AIPROF_ENABLE_REFCOUNT_HOOK
#define AIPROF_ENABLE_REFCOUNT_HOOK 0
#endif

inline void incref(HeapObj* o) {
  ++o->refcount;
#if AIPROF_ENABLE_REFCOUNT_HOOK
  AIPROF_HOOK(kHookRefcount, on_refcount(+1, o->refcount));
#endif
}
inline void decref(HeapObj* o) {
#if AIPROF_ENABLE_REFCOUNT_HOOK
  AIPROF_HOOK(kHookRefcount, on_refcount(-1, o->refcount - 1));
#endif
  if (--o->refcount == 0) release_object(o);
}

class Value {
 public:
  Value() : tag_(Tag::Unset), num_(0) {}
  static Value null() { Value v; v.tag_ = Tag::Null; return v; }
  static Value boolean(bool b) { Value v; v.tag_ = Tag::Bool; v.bool_ = b; return v; }
  static Value number(double d) { Value v; v.tag_ = Tag::Number; v.num_ = d; return v; }
  // Takes a new reference to o.
  static Value object(Tag t, HeapObj* o) { Value v; v.tag_ = t; v.obj_ = o; incref(o); return v; }
  // Adopts the reference the caller already owns (fresh objects start at refcount 1).
  static Value adopt(Tag t, HeapObj* o) { Value v; v.tag_ = t; v.obj_ = o; return v; }

  Value(const Value& o) : tag_(o.tag_), num_(o.num_) { if (is_heap()) incref(obj_); }
  Value(Value&& o) noexcept : tag_(o.tag_), num_(o.num_) { o.tag_ = Tag::Unset; }
  Value& operator=(const Value& o) {
    if (o.is_heap()) incref(o.obj_);
    Value old(std::move(*this));
    tag_ = o.tag_;
    num_ = o.num_;
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      Value old(std::move(*this));
      tag_ = o.tag_;
      num_ = o.num_;
      o.tag_ = Tag::Unset;
    }
    return *this;
  }
  ~Value() { if (is_heap()) decref(obj_); }

  // A copy that leaves out the reference-count hook: only for callers that checked that
  // kHookRefcount is off (so the hook would not have fired).
  static Value copy_unhooked(const Value& o) {
    Value v;
    v.tag_ = o.tag_;
    v.num_ = o.num_;
    if (v.is_heap()) ++v.obj_->refcount;
    return v;
  }

  Tag tag() const { return tag_; }
  bool is_heap() const { return tag_ >= Tag::String; }
  bool is_unset() const { return tag_ == Tag::Unset; }
  bool is_null() const { return tag_ == Tag::Null; }
  bool is_bool() const { return tag_ == Tag::Bool; }
  bool is_number() const { return tag_ == Tag::Number; }
  bool is_string() const { return tag_ == Tag::String; }
  bool is_array() const { return tag_ == Tag::Array; }
  bool is_object() const { return tag_ == Tag::Object; }
  bool is_callable() const { return tag_ == Tag::Function || tag_ == Tag::Native; }

  double as_number() const { return num_; }
  bool as_bool() const { return bool_; }
  HeapObj* as_heap() const { return obj_; }
  template <class T> T* as() const { return static_cast<T*>(obj_); }

  // Bitwise identity of the payload (for === on heap values and booleans).
  bool same_payload(const Value& o) const { return obj_ == o.obj_; }

 private:
  Tag tag_;
  union {
    double num_;
    bool bool_;
    HeapObj* obj_;
  };
};
static_assert(sizeof(Value) == 16, "a Value is a tag and one word");

}  // namespace anarchy
