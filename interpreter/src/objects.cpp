#include "anarchy/interpreter/objects.hpp"

#include <new>

namespace anarchy {

namespace {

template <class T>
T* allocate_object(ObjKind kind, size_t bytes) {
  Heap& heap = Heap::current();
  void* mem = heap.raw_allocate(bytes, kind);
  T* o = new (mem) T();
  heap.init_object(o, kind, static_cast<uint32_t>(bytes));
  return o;
}

}  // namespace

uint32_t StrObj::hash() const {
  if (hash_ == 0) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (uint32_t i = 0; i < length; ++i) h = (h ^ static_cast<uint8_t>(chars()[i])) * 16777619u;
    hash_ = h == 0 ? 1 : h;
  }
  return hash_;
}

bool strings_equal(const StrObj* a, const StrObj* b) {
  if (a == b) return true;
  if (a->reserved & b->reserved & kInternedFlag) return false;  // one object per interned text
  if (a->length != b->length) return false;
  if (a->hash_ && b->hash_ && a->hash_ != b->hash_) return false;
  return std::memcmp(a->chars(), b->chars(), a->length) == 0;
}

Value make_string_with_capacity(std::string_view text, size_t capacity) {
  if (capacity < text.size()) capacity = text.size();
  if (capacity > UINT32_MAX - 64) throw std::bad_alloc();
  // One byte more than the capacity: the text is always NUL-terminated (native names, C APIs).
  auto* s = allocate_object<StrObj>(ObjKind::String, sizeof(StrObj) + capacity + 1);
  s->length = static_cast<uint32_t>(text.size());
  s->capacity = static_cast<uint32_t>(capacity);
  s->hash_ = 0;
  if (!text.empty()) std::memcpy(s->chars(), text.data(), text.size());
  s->chars()[text.size()] = '\0';
  return Value::adopt(Tag::String, s);
}

Value make_string(std::string_view text) { return make_string_with_capacity(text, text.size()); }

// One allocation and two copies (the `+` of two strings used to build a std::string first:
// two more allocations and a copy). The capacity is all that the heap block holds, so the
// appends that often follow in the same expression (`line + "k" + str(n) + ","`) fit in place
// (the evaluator's append_to_temporary); the heap's statistics still count the bytes asked for.
Value make_concat(std::string_view a, std::string_view b) {
  size_t length = a.size() + b.size();
  if (length > UINT32_MAX - 64) throw std::bad_alloc();
  size_t bytes = sizeof(StrObj) + length + 1;  // + the terminating NUL
  auto* s = allocate_object<StrObj>(ObjKind::String, bytes);
  s->length = static_cast<uint32_t>(length);
  s->capacity = static_cast<uint32_t>(Heap::usable_size(bytes) - sizeof(StrObj) - 1);
  s->hash_ = 0;
  if (!a.empty()) std::memcpy(s->chars(), a.data(), a.size());
  if (!b.empty()) std::memcpy(s->chars() + a.size(), b.data(), b.size());
  s->chars()[length] = '\0';
  return Value::adopt(Tag::String, s);
}

Value make_array() { return Value::adopt(Tag::Array, allocate_object<ArrayObj>(ObjKind::Array, sizeof(ArrayObj))); }

Value make_array(ValueVector items) {
  Value v = make_array();
  arr_of(v)->items = std::move(items);
  return v;
}

Value make_object() {
  return Value::adopt(Tag::Object, allocate_object<ObjectObj>(ObjKind::Object, sizeof(ObjectObj)));
}

Value make_function(const FunctionNode* node, Env* env) {
  auto* f = allocate_object<FuncObj>(ObjKind::Function, sizeof(FuncObj));
  f->node = node;
  f->env = env;
  if (env) {
    incref(env);
    Heap::current().track_env_chain(env);
  }
  return Value::adopt(Tag::Function, f);
}

Value make_native(NativeFn fn, const char* name, Value self) {
  auto* n = allocate_object<NativeObj>(ObjKind::Native, sizeof(NativeObj));
  n->fn = fn;
  n->name = name;
  n->self = std::move(self);
  n->frame_id = kNoFrameId;
  return Value::adopt(Tag::Native, n);
}

Value make_module(const ModuleNode* node, Env* env) {
  auto* m = allocate_object<ModuleObj>(ObjKind::Module, sizeof(ModuleObj));
  m->node = node;
  m->env = env;
  if (env) {
    incref(env);
    Heap::current().track_env_chain(env);
  }
  return Value::adopt(Tag::Module, m);
}

Env* make_env(Env* parent, uint32_t size) {
  size_t bytes = sizeof(Env) + size * sizeof(Value);
  Heap& heap = Heap::current();
  void* mem = heap.raw_allocate(bytes, ObjKind::Env);
  auto* e = new (mem) Env();
  e->parent = parent;
  if (parent) incref(parent);
  e->size = size;
  for (uint32_t i = 0; i < size; ++i) new (&e->slots()[i]) Value();
  heap.init_object(e, ObjKind::Env, static_cast<uint32_t>(bytes));
  return e;
}

// ---- PropertyMap ----

namespace {
constexpr size_t kIndexThreshold = 8;
}

PropertyMap::~PropertyMap() = default;

int32_t PropertyMap::index_of(const StrObj* key) const {
  if (index_.empty()) {
    // Keys written in the source are interned, so identity usually decides: scan for it first.
    const Entry* e = entries_.data();
    size_t n = entries_.size();
    for (size_t i = 0; i < n; ++i)
      if (e[i].key.as_heap() == key) return static_cast<int32_t>(i);
    for (size_t i = 0; i < n; ++i)
      if (strings_equal(str_of(e[i].key), key)) return static_cast<int32_t>(i);
    return -1;
  }
  size_t mask = index_.size() - 1;
  for (size_t h = key->hash() & mask;; h = (h + 1) & mask) {
    int32_t i = index_[h];
    if (i < 0) return -1;
    if (strings_equal(str_of(entries_[i].key), key)) return i;
  }
}

const Value* PropertyMap::find(const StrObj* key) const {
  int32_t i = index_of(key);
  return i < 0 ? nullptr : &entries_[i].value;
}

void PropertyMap::rebuild_index() {
  index_.clear();
  if (entries_.size() <= kIndexThreshold) return;
  size_t cap = 16;
  while (cap < entries_.size() * 2) cap *= 2;
  index_.assign(cap, -1);
  for (size_t i = 0; i < entries_.size(); ++i) {
    size_t mask = cap - 1;
    size_t h = str_of(entries_[i].key)->hash() & mask;
    while (index_[h] >= 0) h = (h + 1) & mask;
    index_[h] = static_cast<int32_t>(i);
  }
}

void PropertyMap::set(const Value& key, Value value) {
  int32_t i = index_of(str_of(key));
  if (i >= 0) {
    entries_[i].value = std::move(value);
    return;
  }
  entries_.push_back(Entry{key, std::move(value)});
  if (entries_.size() > kIndexThreshold) {
    if (entries_.size() * 2 > index_.size()) {
      rebuild_index();
    } else {
      size_t mask = index_.size() - 1;
      size_t h = str_of(key)->hash() & mask;
      while (index_[h] >= 0) h = (h + 1) & mask;
      index_[h] = static_cast<int32_t>(entries_.size() - 1);
    }
  }
}

void PropertyMap::append_new(const Value& key, Value value) {
  entries_.push_back(Entry{key, std::move(value)});
  if (entries_.size() > kIndexThreshold) rebuild_index();
}

bool PropertyMap::remove(const StrObj* key) {
  int32_t i = index_of(key);
  if (i < 0) return false;
  entries_.erase(entries_.begin() + i);
  rebuild_index();
  return true;
}

void PropertyMap::clear() {
  decltype(entries_) old;
  old.swap(entries_);
  index_.clear();
}

}  // namespace anarchy
