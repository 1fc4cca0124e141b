// The heap object layouts behind Value: strings, arrays, objects, functions, natives,
// modules and environments (the slots closures capture). Created only through the factory
// functions here, which go through Heap.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "anarchy/interpreter/heap.hpp"
#include "anarchy/interpreter/value.hpp"

namespace anarchy {

struct FunctionNode;
struct ModuleNode;
class Interpreter;

// Immutable text; the characters follow the header. `capacity` lets the evaluator append in
// place when it holds the only reference (s += x in a loop stays linear).
struct StrObj : HeapObj {
  uint32_t length;
  uint32_t capacity;
  mutable uint32_t hash_;  // 0 = not computed yet
  uint32_t pad_;
  char* chars() { return reinterpret_cast<char*>(this + 1); }
  const char* chars() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view view() const { return {chars(), length}; }
  uint32_t hash() const;
};

using ValueVector = std::vector<Value, HeapAllocator<Value>>;

struct ArrayObj : HeapObj {
  ValueVector items;
};

// Insertion-ordered string-keyed map. Small maps scan; larger ones keep a hash index.
class PropertyMap {
 public:
  struct Entry {
    Value key;  // always a string
    Value value;
  };
  PropertyMap() = default;
  PropertyMap(const PropertyMap&) = delete;
  PropertyMap& operator=(const PropertyMap&) = delete;
  ~PropertyMap();

  const Value* find(const StrObj* key) const;
  Value* find(const StrObj* key) { return const_cast<Value*>(std::as_const(*this).find(key)); }
  void set(const Value& key, Value value);  // key must be a string
  // Adds a key known not to be present yet (object literals with distinct keys).
  void append_new(const Value& key, Value value);
  void reserve(size_t n) { entries_.reserve(n); }
  bool remove(const StrObj* key);
  void clear();
  size_t size() const { return entries_.size(); }
  std::span<const Entry> entries() const { return {entries_.data(), entries_.size()}; }
  std::span<Entry> entries() { return {entries_.data(), entries_.size()}; }

 private:
  int32_t index_of(const StrObj* key) const;
  void rebuild_index();
  std::vector<Entry, HeapAllocator<Entry>> entries_;
  std::vector<int32_t, HeapAllocator<int32_t>> index_;  // open addressing, -1 = empty
};

struct ObjectObj : HeapObj {
  PropertyMap props;
  bool is_error = false;  // made by a runtime error: prints as its message
};

struct Env : HeapObj {
  Env* parent;  // owned reference (may be null)
  uint32_t size;
  uint32_t pad_;
  Value* slots() { return reinterpret_cast<Value*>(this + 1); }
};

struct FuncObj : HeapObj {
  const FunctionNode* node;
  Env* env;  // owned reference: the scope the function literal was evaluated in
};

// The arguments of a native call: read-only views of values the caller keeps alive.
using Args = std::span<const Value>;
using NativeFn = Value (*)(Interpreter&, const Value& self, Args args);

// No frame id assigned yet (NativeObj::frame_id).
constexpr uint32_t kNoFrameId = UINT32_MAX;

struct NativeObj : HeapObj {
  NativeFn fn;
  const char* name;
  Value self;  // the receiver for a bound method, else Unset
  uint32_t frame_id;  // the frame its calls push (FunctionRegistry), set on the first call
};

struct ModuleObj : HeapObj {
  const ModuleNode* node;
  Env* env;  // owned: the module's member slots
};

// ---- factories (all through Heap::current()) ----
Value make_string(std::string_view text);
Value make_string_with_capacity(std::string_view text, size_t capacity);
// a followed by b, with the rest of its heap block as spare capacity (for appends in place).
Value make_concat(std::string_view a, std::string_view b);
Value make_array();
Value make_array(ValueVector items);
Value make_object();
Value make_function(const FunctionNode* node, Env* env);
Value make_native(NativeFn fn, const char* name, Value self = Value());
Value make_module(const ModuleNode* node, Env* env);
Env* make_env(Env* parent, uint32_t size);  // refcount 1, slots Unset

inline StrObj* str_of(const Value& v) { return v.as<StrObj>(); }
inline ArrayObj* arr_of(const Value& v) { return v.as<ArrayObj>(); }
inline ObjectObj* obj_of(const Value& v) { return v.as<ObjectObj>(); }

bool strings_equal(const StrObj* a, const StrObj* b);

// Calls visit(HeapObj*) for every heap object o directly references (cycle collector).
template <class Visit>
void for_each_child(HeapObj* o, Visit&& visit) {
  auto value = [&](const Value& v) { if (v.is_heap()) visit(v.as_heap()); };
  switch (o->kind) {
    case ObjKind::String: break;
    case ObjKind::Array:
      for (const Value& v : static_cast<ArrayObj*>(o)->items) value(v);
      break;
    case ObjKind::Object:
      for (const auto& e : static_cast<ObjectObj*>(o)->props.entries()) { value(e.key); value(e.value); }
      break;
    case ObjKind::Function:
      if (auto* e = static_cast<FuncObj*>(o)->env) visit(e);
      break;
    case ObjKind::Native: value(static_cast<NativeObj*>(o)->self); break;
    case ObjKind::Module:
      if (auto* e = static_cast<ModuleObj*>(o)->env) visit(e);
      break;
    case ObjKind::Env: {
      auto* e = static_cast<Env*>(o);
      for (uint32_t i = 0; i < e->size; ++i) value(e->slots()[i]);
      if (e->parent) visit(e->parent);
      break;
    }
  }
}

}  // namespace anarchy
