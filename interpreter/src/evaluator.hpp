// Expression evaluation and statement execution: the evaluator's function templates.
//
// Every function here is a template on H, whether its instantiation has hook sites (impl.hpp).
// Two translation units instantiate them: eval.cpp the one without hooks (and the entry points
// that choose), eval_hooked.cpp the one with. Apart, each unit's inliner sees the call graph of
// one evaluator, as a build with hooks compiled out does; in one unit, helpers called from both
// instantiations stopped being inlined as functions called once (+0.6% of the churn workload,
// disabled_hooks_callgrind). Included by those two files only. Nothing here is
// async-signal-safe.
#pragma once

#include <cassert>
#include <cmath>
#include <string>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "impl.hpp"

namespace anarchy {

using aiprof::instrumentation::OperationType;
using aiprof::instrumentation::SourcePos;

// Every function of the evaluator is a template on H, whether its instantiation has hook sites
// (impl.hpp, Impl::listens). A hook site of the evaluator: AIPROF_HOOK in the instantiation with
// hooks, nothing at all in the one without.
#define EVAL_HOOK(bit, call)            \
  do {                                  \
    if constexpr (H) AIPROF_HOOK(bit, call); \
  } while (0)
// A counting hook site (inline_sink.hpp): an increment while the exact observer's sink is active.
#define EVAL_COUNT(bit, call)                      \
  do {                                             \
    if constexpr (H) AIPROF_COUNT_HOOK(bit, call); \
  } while (0)

namespace {

// Restores the current environment when a scope ends, normally or by exception, and drops the
// reference the scope held.
struct EnvScope {
  Env*& current;
  Env* saved;
  Env* owned;
  EnvScope(Env*& cur, Env* fresh) : current(cur), saved(cur), owned(fresh) { current = fresh; }
  ~EnvScope() {
    current = saved;
    decref(owned);
  }
};

void clear_slots(Env* env, const ScopeInfo& s) {
  Value* slots = env->slots() + s.first_slot;
  for (uint32_t i = 0; i < s.slot_count; ++i) slots[i] = Value();
}

OperationType operation_type(Op op) {
  switch (op) {
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
      return OperationType::Comparison;
    case Op::And: case Op::Or: case Op::Not: return OperationType::Logical;
    default: return OperationType::Arithmetic;
  }
}

std::string describe(const Value& v) { return type_name(v); }

// JavaScript's %: the sign of the dividend. Integer operands (the common case) avoid fmod,
// which costs over a hundred instructions in glibc.
[[gnu::noinline]] double js_mod_general(double x, double y) {
  if (x >= -9007199254740991.0 && x <= 9007199254740991.0 && y >= -9007199254740991.0 &&
      y <= 9007199254740991.0) {
    auto xi = static_cast<int64_t>(x), yi = static_cast<int64_t>(y);
    if (static_cast<double>(xi) == x && static_cast<double>(yi) == y && yi != 0) {
      int64_t r = xi % yi;
      if (r == 0 && x < 0) return -0.0;
      return static_cast<double>(r);
    }
  }
  return std::fmod(x, y);
}

// Non-negative integer operands below 2^32 (the usual case) take a 32-bit division inline,
// much cheaper than a 64-bit one.
[[gnu::always_inline]] inline double js_mod(double x, double y) {
  if (x >= 0 && x <= 4294967295.0 && y >= 1 && y <= 4294967295.0) {
    auto xu = static_cast<uint32_t>(x), yu = static_cast<uint32_t>(y);
    if (static_cast<double>(xu) == x && static_cast<double>(yu) == y)
      return static_cast<double>(xu % yu);
  }
  return js_mod_general(x, y);
}

}  // namespace

// ---------------------------------------------------------------- quick numeric expressions

// Arithmetic trees whose leaves are numeric literals and locals of the current environment
// (acc * 31 + i % 17) are computed on doubles directly, with no Value temporaries and no
// dispatch per node, while no hook listens (Impl::quick_hooks_listen). Such a tree has no side
// effects, so when a leaf is not a number or a divisor is zero the generic evaluator starts over
// on the same tree (and raises or reports what it must). With the exact observer counting, a
// tree that ran to its end counts as one execution of its CountSite: the operations and variable
// reads the generic evaluator would have reported one by one (Impl::count_quick).
static bool is_arithmetic(Op op) { return op <= Op::Mod; }  // Add, Sub, Mul, Div, Mod

constexpr int kQuickMaxDepth = 6;  // bounds the cost of a tree whose leaves turn out not numbers

static bool is_quick_tree(const Node* n, int depth) {
  if (n->kind == NodeKind::Number) return true;
  if (n->kind == NodeKind::Name) {
    const Binding& b = static_cast<const NameExpr*>(n)->binding;
    return b.kind == Binding::Local && b.hops == 0;
  }
  if (n->kind != NodeKind::Binary || depth >= kQuickMaxDepth) return false;
  auto* b = static_cast<const BinaryExpr*>(n);
  return is_arithmetic(b->op) && is_quick_tree(b->left, depth + 1) &&
         is_quick_tree(b->right, depth + 1);
}

// What one run of the quick tree n reports in the generic evaluator: each operator's operation
// and each local variable read (literals report nothing).
static void add_to_count_site(const Node* n, aiprof::instrumentation::CountSite& site) {
  if (n->kind == NodeKind::Name) site.variables.push_back(static_cast<const NameExpr*>(n)->variable_id);
  if (n->kind != NodeKind::Binary) return;
  auto* b = static_cast<const BinaryExpr*>(n);
  ++site.operations[static_cast<size_t>(operation_type(b->op))];
  add_to_count_site(b->left, site);
  add_to_count_site(b->right, site);
}

[[gnu::noinline]] static bool find_quick_operands(Interpreter::Impl& I, const BinaryExpr* b) {
  b->quick = b->op <= Op::Ge && is_quick_tree(b->left, 1) && is_quick_tree(b->right, 1);
  if (b->quick) {
    b->count_site = static_cast<uint32_t>(I.count_sites.size());
    add_to_count_site(b, I.count_sites.emplace_back());
  }
  return b->quick;
}

// Whether both operands of b are quick trees (found once per node, which then gets its count
// site).
[[gnu::always_inline]] static inline bool quick_operands(Interpreter::Impl& I, const BinaryExpr* b) {
  if (AIPROF_UNLIKELY(b->quick < 0)) return find_quick_operands(I, b);
  return b->quick;
}

[[gnu::always_inline]] static inline bool quick_arithmetic(Op op, double x, double y, double& out) {
  switch (op) {
    case Op::Add: out = x + y; return true;
    case Op::Sub: out = x - y; return true;
    case Op::Mul: out = x * y; return true;
    case Op::Div: if (y == 0) return false; out = x / y; return true;
    case Op::Mod: if (y == 0) return false; out = js_mod(x, y); return true;
    default: return false;
  }
}

// A binary operator on two numbers: arithmetic (false for a zero divisor, which the generic
// path reports) or a comparison. False for any other operator.
[[gnu::always_inline]] static inline bool numeric_binary(Op op, double x, double y, Value& out) {
  switch (op) {
    case Op::Lt: out = Value::boolean(x < y); return true;
    case Op::Le: out = Value::boolean(x <= y); return true;
    case Op::Gt: out = Value::boolean(x > y); return true;
    case Op::Ge: out = Value::boolean(x >= y); return true;
    case Op::Eq: out = Value::boolean(x == y); return true;
    case Op::Ne: out = Value::boolean(x != y); return true;
    default: {
      double v;
      if (!quick_arithmetic(op, x, y, v)) return false;
      out = Value::number(v);
      return true;
    }
  }
}

static bool quick_eval_binary(const Interpreter::Impl& I, const BinaryExpr* b, double& out);

// The value of a quick tree (is_quick_tree), or false when a leaf is not a number or a divisor
// is zero. Leaves are read inline; operators recurse.
[[gnu::always_inline]] static inline bool quick_eval(const Interpreter::Impl& I, const Node* n,
                                                     double& out) {
  if (n->kind == NodeKind::Binary)
    return quick_eval_binary(I, static_cast<const BinaryExpr*>(n), out);
  return I.quick_number(n, out);
}

static bool quick_eval_binary(const Interpreter::Impl& I, const BinaryExpr* b, double& out) {
  double x, y;
  return quick_eval(I, b->left, x) && quick_eval(I, b->right, y) &&
         quick_arithmetic(b->op, x, y, out);
}

// ---------------------------------------------------------------- names and environments

static Value* local_slot(Env* env, const Binding& b) {
  Env* e = env;
  for (uint16_t h = b.hops; h > 0; --h) e = e->parent;
  return &e->slots()[b.slot];
}

[[gnu::cold, gnu::noinline, noreturn]] static void raise_not_defined(Interpreter::Impl& I, const NameExpr* n) {
  I.raise(ErrorKind::RuntimeError, n->name + " is not defined", n);
}

template <bool H>
[[gnu::noinline]] static const Value& read_name(Interpreter::Impl& I, const NameExpr* n) {
  EVAL_COUNT(kHookVariable, on_variable(n->variable_id));
  if (n->binding.kind == Binding::Local) {
    const Value* v = local_slot(I.env, n->binding);
    if (!v->is_unset()) return *v;
  } else if (n->binding.kind == Binding::Global) {
    return I.globals[n->binding.slot];
  }
  raise_not_defined(I, n);
}

// The slot an assignment writes (plain '=' always has a local binding; see the resolver).
static Value* name_target(Interpreter::Impl& I, const NameExpr* n) {
  if (n->binding.kind == Binding::Local) return local_slot(I.env, n->binding);
  if (n->binding.kind == Binding::Global)
    I.raise(ErrorKind::RuntimeError, "cannot change built-in '" + n->name + "'", n);
  raise_not_defined(I, n);
}

// ---------------------------------------------------------------- operators

// (append_display throws NativeError for text too deep or too large; the caller turns it into
// a located guest error.)
static Value concat(const Value& a, const Value& b) {
  std::string left, right;  // the text of an operand that is not a string
  if (!a.is_string()) append_display(left, a);
  if (!b.is_string()) append_display(right, b);
  return make_concat(a.is_string() ? str_of(a)->view() : std::string_view(left),
                     b.is_string() ? str_of(b)->view() : std::string_view(right));
}

// l + r for two strings when l is a temporary only the evaluator holds (refcount 1: not a
// variable's, not a literal's, not interned): r is appended in place if it fits l's spare
// capacity (make_concat leaves the rest of the heap block), so a chain such as
// `line + "k" + str(n) + ","` allocates one string instead of one per `+`.
static bool append_to_temporary(Value& l, const Value& r) {
  if (!l.is_string() || !r.is_string()) return false;
  StrObj* s = str_of(l);
  const StrObj* t = str_of(r);
  size_t need = size_t{s->length} + t->length;
  if (s->refcount != 1 || need > s->capacity) return false;
  std::memcpy(s->chars() + s->length, t->chars(), t->length);
  s->length = static_cast<uint32_t>(need);
  s->chars()[need] = '\0';
  s->hash_ = 0;
  return true;
}

template <bool H>
[[gnu::noinline]] static Value arithmetic(Interpreter::Impl& I, Op op, const Value& a, const Value& b, const Node* at) {
  EVAL_COUNT(kHookOperation, on_operation(operation_type(op), static_cast<uint16_t>(op)));
  if (a.is_number() && b.is_number()) {
    double x = a.as_number(), y = b.as_number();
    switch (op) {
      case Op::Add: return Value::number(x + y);
      case Op::Sub: return Value::number(x - y);
      case Op::Mul: return Value::number(x * y);
      case Op::Div:
        if (y == 0) I.raise(ErrorKind::RuntimeError, "division by zero", at);
        return Value::number(x / y);
      case Op::Mod:
        if (y == 0) I.raise(ErrorKind::RuntimeError, "division by zero", at);
        return Value::number(js_mod(x, y));
      default: break;
    }
  }
  if (op == Op::Add && (a.is_string() || b.is_string())) {
    EVAL_COUNT(kHookOperation, on_operation(OperationType::String, static_cast<uint16_t>(op)));
    try {
      return concat(a, b);
    } catch (NativeError& e) {
      I.raise(e.kind, e.message, at);
    }
  }
  I.raise(ErrorKind::TypeError,
          std::string("cannot apply '") + op_text(op) + "' to " + describe(a) + " and " + describe(b), at);
}

template <bool H>
static Value compare(Interpreter::Impl& I, Op op, const Value& a, const Value& b, const Node* at) {
  EVAL_COUNT(kHookOperation, on_operation(OperationType::Comparison, static_cast<uint16_t>(op)));
  int c;
  if (a.is_number() && b.is_number()) {
    double x = a.as_number(), y = b.as_number();
    switch (op) {
      case Op::Lt: return Value::boolean(x < y);
      case Op::Le: return Value::boolean(x <= y);
      case Op::Gt: return Value::boolean(x > y);
      default: return Value::boolean(x >= y);
    }
  }
  if (a.is_string() && b.is_string()) {
    c = str_of(a)->view().compare(str_of(b)->view());
  } else {
    I.raise(ErrorKind::TypeError,
            std::string("cannot compare ") + describe(a) + " and " + describe(b) + " with '" + op_text(op) + "'", at);
  }
  switch (op) {
    case Op::Lt: return Value::boolean(c < 0);
    case Op::Le: return Value::boolean(c <= 0);
    case Op::Gt: return Value::boolean(c > 0);
    default: return Value::boolean(c >= 0);
  }
}

template <bool H>
[[gnu::noinline]] static Value binary(Interpreter::Impl& I, Op op, const Value& a, const Value& b, const Node* at) {
  switch (op) {
    case Op::Eq: return Value::boolean(strict_equals(a, b));
    case Op::Ne: return Value::boolean(!strict_equals(a, b));
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: return compare<H>(I, op, a, b, at);
    default: return arithmetic<H>(I, op, a, b, at);
  }
}

// ---------------------------------------------------------------- properties and indexes

static Value key_string(const Value& key) {
  if (key.is_string()) return key;
  return make_string(to_display(key));
}

static Value module_member(Interpreter::Impl& I, const Value& mod, const StrObj* name, const Node* at) {
  auto* m = mod.as<ModuleObj>();
  const auto& names = m->node->member_names;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name->view()) {
      const Value& v = m->env->slots()[i];
      if (v.is_unset()) break;
      return v;
    }
  }
  I.raise(ErrorKind::RuntimeError,
          std::string(name->view()) + " is not defined in module " + m->node->name, at);
}

// The built-in methods and the length property a member name can mean (once per site, out of
// line: resolved() is on every member access). Their frame ids come later (method_frame).
[[gnu::noinline, gnu::cold]] static void resolve_methods(const MemberExpr* m) {
  std::string_view name = str_of(m->name)->view();
  m->array_method = find_array_method(name);
  m->string_method = find_string_method(name);
  m->number_method = find_number_method(name);
  m->is_length = name == "length" || name == "len";
  m->methods_resolved = true;
}

[[gnu::always_inline]] static inline const MemberExpr* resolved(const MemberExpr* m) {
  if (AIPROF_UNLIKELY(!m->methods_resolved)) resolve_methods(m);
  return m;
}

// The frame id of a call of the built-in method m names ("Array.push"): *frame, one of m's
// array_frame, string_frame, number_frame, registered on the first call a sampler or profiler
// sees, so a run without either registers none. 0 is "not yet": the registry's id 0 is never
// a built-in's (the constructor registers "<gc>" before any).
[[gnu::noinline, gnu::cold]] static uint32_t register_method_frame(Interpreter::Impl& I,
                                                                  const MemberExpr* m,
                                                                  uint32_t* frame) {
  const char* type = frame == &m->array_frame    ? "Array."
                     : frame == &m->string_frame ? "String."
                                                 : "Number.";
  return *frame = I.builtin_frame(type + std::string(str_of(m->name)->view()));
}

// A built-in method taken as a value (`f = arr.push`). Its name must outlive the key it was
// looked up with, so it points into the interned copy (alive, NUL-terminated, for the heap's
// life).
static Value bound_method(NativeFn fn, const StrObj* key, const Value& receiver) {
  Value name = Heap::current().intern(key->view());
  return make_native(fn, str_of(name)->chars(), receiver);
}

template <bool H>
static Value get_member(Interpreter::Impl& I, const Value& obj, const Value& name, const Node* at) {
  const StrObj* key = str_of(name);
  switch (obj.tag()) {
    case Tag::Object: {
      EVAL_COUNT(kHookProperty, on_property(aiprof::instrumentation::ObjectType::Object, key->chars(), key->length));
      const Value* v = obj_of(obj)->props.find(key);
      return v ? *v : Value::null();
    }
    case Tag::Array: {
      EVAL_COUNT(kHookProperty, on_property(aiprof::instrumentation::ObjectType::Array, key->chars(), key->length));
      Value p = array_property(obj, key->view());
      if (!p.is_unset()) return p;
      if (NativeFn fn = find_array_method(key->view())) return bound_method(fn, key, obj);
      return Value::null();
    }
    case Tag::String: {
      EVAL_COUNT(kHookProperty, on_property(aiprof::instrumentation::ObjectType::String, key->chars(), key->length));
      Value p = string_property(obj, key->view());
      if (!p.is_unset()) return p;
      if (NativeFn fn = find_string_method(key->view())) return bound_method(fn, key, obj);
      return Value::null();
    }
    case Tag::Number:
      if (NativeFn fn = find_number_method(key->view())) return bound_method(fn, key, obj);
      return Value::null();
    case Tag::Module: return module_member(I, obj, key, at);
    case Tag::Null:
    case Tag::Unset:
      I.raise(ErrorKind::TypeError, "cannot read property '" + std::string(key->view()) + "' of null", at);
    default: return Value::null();
  }
}

static bool array_index(const Value& key, size_t& out) {
  if (!key.is_number()) return false;
  double d = key.as_number();
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740992.0) return false;
  out = static_cast<size_t>(d);
  return true;
}

template <bool H>
static Value get_index(Interpreter::Impl& I, const Value& obj, const Value& key, const Node* at) {
  switch (obj.tag()) {
    case Tag::Array: {
      EVAL_COUNT(kHookArray, on_array_op(0));
      size_t i;
      if (array_index(key, i)) {
        auto& items = arr_of(obj)->items;
        return i < items.size() ? items[i] : Value::null();
      }
      if (key.is_string()) return get_member<H>(I, obj, key, at);
      return Value::null();
    }
    case Tag::String: {
      size_t i;
      if (array_index(key, i)) {
        std::string_view text = str_of(obj)->view();
        // Characters are UTF-8 code points: find the i-th one.
        size_t pos = 0, n = 0;
        while (pos < text.size()) {
          size_t len = 1;
          unsigned char c = static_cast<unsigned char>(text[pos]);
          if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
          if (n == i) return make_string(text.substr(pos, len));
          pos += len;
          ++n;
        }
        return Value::null();
      }
      if (key.is_string()) return get_member<H>(I, obj, key, at);
      return Value::null();
    }
    case Tag::Object:
    case Tag::Module:
      return get_member<H>(I, obj, key_string(key), at);
    case Tag::Null:
    case Tag::Unset:
      I.raise(ErrorKind::TypeError, "cannot index null", at);
    default:
      return Value::null();
  }
}

template <bool H>
static void set_member(Interpreter::Impl& I, const Value& obj, const Value& name, Value v, const Node* at) {
  switch (obj.tag()) {
    case Tag::Object:
      EVAL_COUNT(kHookProperty, on_property(aiprof::instrumentation::ObjectType::Object, str_of(name)->chars(), str_of(name)->length));
      obj_of(obj)->props.set(name, std::move(v));
      return;
    case Tag::Module: {
      auto* m = obj.as<ModuleObj>();
      const auto& names = m->node->member_names;
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == str_of(name)->view()) { m->env->slots()[i] = std::move(v); return; }
      I.raise(ErrorKind::RuntimeError,
              std::string(str_of(name)->view()) + " is not defined in module " + m->node->name, at);
    }
    case Tag::Null:
    case Tag::Unset:
      I.raise(ErrorKind::TypeError, "cannot set property '" + std::string(str_of(name)->view()) + "' of null", at);
    default:
      I.raise(ErrorKind::TypeError,
              "cannot set property '" + std::string(str_of(name)->view()) + "' of a " + describe(obj), at);
  }
}

template <bool H>
static void set_index(Interpreter::Impl& I, const Value& obj, const Value& key, Value v, const Node* at) {
  if (obj.is_array()) {
    EVAL_COUNT(kHookArray, on_array_op(1));
    if (!key.is_number()) I.raise(ErrorKind::TypeError, "array index must be a number", at);
    size_t i;
    auto& items = arr_of(obj)->items;
    if (!array_index(key, i) || i > items.size())
      I.raise(ErrorKind::RangeError, "array index " + number_to_string(key.as_number()) + " out of range", at);
    if (i == items.size()) items.push_back(std::move(v));
    else items[i] = std::move(v);
    return;
  }
  if (obj.is_object() || obj.tag() == Tag::Module) return set_member<H>(I, obj, key_string(key), std::move(v), at);
  if (obj.is_string()) I.raise(ErrorKind::TypeError, "strings cannot be changed", at);
  set_member<H>(I, obj, key_string(key), std::move(v), at);
}

// ---------------------------------------------------------------- assignment

// An lvalue evaluated once (object and key), so compound assignment and ++ read and write it
// without evaluating its parts twice.
struct Place {
  const Node* node = nullptr;
  Value* slot = nullptr;  // names
  Value object, key;      // members and indexes
};

template <bool H>
static Place evaluate_place(Interpreter::Impl& I, const Node* target) {
  Place p;
  p.node = target;
  if (target->kind == NodeKind::Name) {
    p.slot = name_target(I, static_cast<const NameExpr*>(target));
  } else if (target->kind == NodeKind::Member) {
    auto* m = static_cast<const MemberExpr*>(target);
    p.object = I.eval<H>(m->object);
    p.key = m->name;
  } else {
    auto* ix = static_cast<const IndexExpr*>(target);
    p.object = I.eval<H>(ix->object);
    p.key = I.eval<H>(ix->index);
  }
  return p;
}

template <bool H>
static Value read_place(Interpreter::Impl& I, const Place& p) {
  if (p.slot) {
    if (p.slot->is_unset())
      I.raise(ErrorKind::RuntimeError, static_cast<const NameExpr*>(p.node)->name + " is not defined", p.node);
    return *p.slot;
  }
  if (p.node->kind == NodeKind::Member) return get_member<H>(I, p.object, p.key, p.node);
  return get_index<H>(I, p.object, p.key, p.node);
}

template <bool H>
static void write_place(Interpreter::Impl& I, Place& p, Value v) {
  if (p.slot) { *p.slot = std::move(v); return; }
  if (p.node->kind == NodeKind::Member) return set_member<H>(I, p.object, p.key, std::move(v), p.node);
  set_index<H>(I, p.object, p.key, std::move(v), p.node);
}

// s += text, appending in place when the variable holds the only reference to the string, so
// building a string in a loop is linear rather than quadratic.
static bool append_in_place(Value* slot, const Value& rhs) {
  if (!slot->is_string() || !rhs.is_string()) return false;
  StrObj* s = str_of(*slot);
  const StrObj* r = str_of(rhs);
  if (s->refcount != 1 || s == r) return false;
  size_t need = size_t{s->length} + r->length;
  if (need > s->capacity) {
    if (need > UINT32_MAX / 2) return false;
    Value grown = make_string_with_capacity(s->view(), need * 2);
    *slot = std::move(grown);
    s = str_of(*slot);
  }
  std::memcpy(s->chars() + s->length, r->chars(), r->length);
  s->length = static_cast<uint32_t>(need);
  s->chars()[need] = '\0';
  s->hash_ = 0;
  return true;
}

// The type hint of a symbolic assignment (ι x = e, σ x = e): a value of another type is a
// TypeError at the hint. Out of line: hinted assignments are rare and never hot.
[[gnu::noinline]] static void check_type_hint(Interpreter::Impl& I, const AssignExpr* a, const Value& v) {
  bool number = a->hint == TypeHint::Number;
  if (number ? v.is_number() : v.is_string()) return;
  I.raise(ErrorKind::TypeError,
          std::string(number ? "ι '" : "σ '") + static_cast<const NameExpr*>(a->target)->name +
              "' needs a " + (number ? "number" : "string") + ", not " + describe(v),
          a);
}

template <bool H>
static Value eval_assign(Interpreter::Impl& I, const AssignExpr* a) {
  if (a->op == Op::Assign) {
    if (a->target->kind == NodeKind::Name) {
      auto* n = static_cast<const NameExpr*>(a->target);
      Value v = I.eval<H>(a->value);
      if (a->checks_type()) check_type_hint(I, a, v);
      Value* slot = name_target(I, n);  // after the value: evaluation may create the frame slot
      *slot = v;
      return v;
    }
    Place p = evaluate_place<H>(I, a->target);
    Value v = I.eval<H>(a->value);
    write_place<H>(I, p, v);
    return v;
  }
  Place p = evaluate_place<H>(I, a->target);
  Value old = read_place<H>(I, p);
  Value rhs = I.eval<H>(a->value);
  if (p.slot && a->op == Op::Add && old.is_string() && rhs.is_string() && p.slot->is_string() &&
      p.slot->same_payload(old)) {
    old = Value();  // drop our copy so the variable may hold the only reference
    if (append_in_place(p.slot, rhs)) return *p.slot;
    old = *p.slot;
  }
  Value v = arithmetic<H>(I, a->op, old, rhs, a);
  write_place<H>(I, p, v);
  return v;
}

template <bool H>
static Value eval_update(Interpreter::Impl& I, const UpdateExpr* u) {
  Place p = evaluate_place<H>(I, u->target);
  Value old = read_place<H>(I, p);
  if (!old.is_number())
    I.raise(ErrorKind::TypeError, std::string(u->increment ? "'++'" : "'--'") + " needs a number, not " + describe(old), u);
  EVAL_COUNT(kHookOperation, on_operation(OperationType::Arithmetic, static_cast<uint16_t>(u->increment ? Op::Add : Op::Sub)));
  Value now = Value::number(old.as_number() + (u->increment ? 1 : -1));
  write_place<H>(I, p, now);
  return u->prefix ? now : old;
}

// ---------------------------------------------------------------- calls

namespace {

// Argument values of one call: inline for the common small case, constructed only as far as
// they are used (calls are the hottest path after arithmetic).
class ArgBuffer {
 public:
  explicit ArgBuffer(size_t n) : n_(n) {
    data_ = n > kInline ? static_cast<Value*>(::operator new(n * sizeof(Value)))
                        : reinterpret_cast<Value*>(inline_);
  }
  ~ArgBuffer() {
    for (size_t i = 0; i < built_; ++i) data_[i].~Value();
    if (n_ > kInline) ::operator delete(data_);
  }
  ArgBuffer(const ArgBuffer&) = delete;
  ArgBuffer& operator=(const ArgBuffer&) = delete;
  void push(Value v) { new (&data_[built_++]) Value(std::move(v)); }
  Value* data() { return data_; }
  size_t size() const { return built_; }

 private:
  static constexpr size_t kInline = 6;
  size_t n_, built_ = 0;
  Value* data_;
  alignas(Value) unsigned char inline_[kInline * sizeof(Value)];
};

}  // namespace

namespace {

// A built-in call: its frame on the stack a sampler reads (when there is room) and, with an
// exact profiler listening, its span. Unless one of them wants it, one predictable branch on
// entry and one on exit: the frame's id and position are worked out only when it is pushed.
template <bool H>
class BuiltinCall {
 public:
  // A built-in method (named by member, its frame id in *frame: register_method_frame) or a
  // native function value (native, whose id it caches), called from site (null: called back by
  // a built-in).
  [[gnu::always_inline]] BuiltinCall(Interpreter::Impl& I, const MemberExpr* member,
                                     uint32_t* frame, NativeObj* native, const Node* site) {
    using namespace aiprof::instrumentation;
    uint32_t bits = I.builtin_frame_bits;
    if constexpr (H) bits |= g_hook_mask;
    entered_ = bits & (kHookBuiltin | kHookBuiltinFrame);
    if (AIPROF_UNLIKELY(entered_)) enter(I, member, frame, bits, native, site);
  }
  [[gnu::always_inline]] ~BuiltinCall() {
    if (AIPROF_UNLIKELY(entered_)) leave();
  }
  BuiltinCall(const BuiltinCall&) = delete;
  BuiltinCall& operator=(const BuiltinCall&) = delete;

 private:
  // Everything but the test of entered_ is here, so the path without a listener stores one bool.
  [[gnu::noinline]] void enter(Interpreter::Impl& I, const MemberExpr* member, uint32_t* frame,
                               uint32_t bits, NativeObj* native, const Node* site) {
    I_ = &I;
    if (native) id_ = I.native_frame(native);
    else id_ = *frame ? *frame : register_method_frame(I, member, frame);
    // Where the frame stands: its call, or (called back by a built-in) where the innermost
    // frame stands, so errors raised without a node keep their position.
    uint32_t line = site ? site->line : 0, column = site ? site->column : 0;
    if (!site && I.frames.depth() > 0) {
      line = I.frames.top().line();
      column = I.frames.top().column();
    }
    pushed_ = I.frames.try_push(id_, line, column);
    if (H && (bits & aiprof::instrumentation::kHookBuiltin)) {
      if (aiprof::instrumentation::g_inline.active) aiprof::instrumentation::inline_builtin_enter(id_);
      else aiprof::instrumentation::g_observer->on_builtin_enter(id_);
    }
  }
  [[gnu::noinline]] void leave() {
    if constexpr (H) {
      if (aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookBuiltin)) {
        if (aiprof::instrumentation::g_inline.active) aiprof::instrumentation::inline_span_exit();
        else aiprof::instrumentation::g_observer->on_builtin_exit(id_);
      }
    }
    if (pushed_) I_->frames.pop();
  }

  bool entered_;
  bool pushed_;           // set by enter()
  Interpreter::Impl* I_;  // set by enter()
  uint32_t id_;           // set by enter()
};

}  // namespace

template <bool H>
static Value call_method(Interpreter::Impl& I, const CallExpr* c, const MemberExpr* m) {
  Value receiver = I.eval<H>(m->object);
  NativeFn method = nullptr;
  uint32_t* frame = nullptr;
  Value callee;
  resolved(m);
  switch (receiver.tag()) {
    case Tag::Array:
      // (the array operation is counted by the method itself)
      method = m->array_method;
      frame = &m->array_frame;
      break;
    case Tag::String:
      method = m->string_method;
      frame = &m->string_frame;
      break;
    case Tag::Number:
      method = m->number_method;
      frame = &m->number_frame;
      break;
    default: break;
  }
  if (method == nullptr) callee = get_member<H>(I, receiver, m->name, m);
  ArgBuffer args(c->args.size());
  for (const Node* a : c->args) args.push(I.eval<H>(a));
  if (method == nullptr) {
    if (callee.tag() == Tag::Function)
      return I.call_function_moving<H>(callee.as<FuncObj>(), args.data(), args.size(), c);
    return I.call_value<H>(callee, args.data(), args.size(), c);
  }
  I.set_position(c);
  try {
    BuiltinCall<H> call(I, m, frame, nullptr, c);
    return method(I.in, receiver, Args(args.data(), args.size()));
  } catch (NativeError& e) {
    I.raise(e.kind, e.message, c);
  }
}

template <bool H>
static Value call_direct(Interpreter::Impl& I, FuncObj* f, const CallExpr* c);

namespace {
template <bool H>
Value eval_call_node(Interpreter::Impl& I, const Node* n);
template <bool H>
Value eval_binary(Interpreter::Impl& I, const Node* n);
template <bool H>
Value eval_binary_general(Interpreter::Impl& I, const Node* n);
}  // namespace

// eval() for the sites on the call path (arguments, operands, return values): calls and binary
// operators go straight to their functions, which saves the dispatch and, as important, a
// native frame per guest call (deep guest recursion overflows the CPU's return predictor).
template <bool H>
[[gnu::always_inline]] static inline Value eval_direct(Interpreter::Impl& I, const Node* n) {
  if (!Interpreter::Impl::nodes_observed<H>()) {
    if (n->kind == NodeKind::Call) return eval_call_node<H>(I, n);
    if (n->kind == NodeKind::Binary)
      return static_cast<const BinaryExpr*>(n)->quick == 0 ? eval_binary_general<H>(I, n)
                                                             : eval_binary<H>(I, n);
  }
  return I.eval<H>(n);
}

// Whether a call of f from c can bind its arguments straight into an environment on the value
// stack (call_direct): f has no closures, the arguments fit its parameters (else the call is an
// arity error, raised by the generic path after the arguments ran) and the stack has room.
static bool direct_call_fits(const Interpreter::Impl& I, const FuncObj* f, const CallExpr* c) {
  const FunctionNode* fn = f->node;
  return !fn->may_capture && c->args.size() <= fn->params.size() &&
         I.value_stack_top + sizeof(Env) + size_t{fn->env_size} * sizeof(Value) <=
             I.value_stack_size;
}

template <bool H>
[[gnu::noinline]] static Value eval_call(Interpreter::Impl& I, const CallExpr* c) {
  if (c->callee->kind == NodeKind::Member)
    return call_method<H>(I, c, static_cast<const MemberExpr*>(c->callee));
  // A named callee (the usual case) is read directly rather than through eval().
  Value callee;
  if (c->callee->kind == NodeKind::Name && !I.nodes_observed<H>()) {
    const Value& named = read_name<H>(I, static_cast<const NameExpr*>(c->callee));
    if (named.tag() == Tag::Function && direct_call_fits(I, named.as<FuncObj>(), c))
      return call_direct<H>(I, named.as<FuncObj>(), c);
    callee = named;
  } else {
    callee = I.eval<H>(c->callee);
  }
  ArgBuffer args(c->args.size());
  for (const Node* a : c->args) args.push(I.eval<H>(a));
  if (callee.tag() == Tag::Function)
    return I.call_function_moving<H>(callee.as<FuncObj>(), args.data(), args.size(), c);
  return I.call_value<H>(callee, args.data(), args.size(), c);
}

template <bool H>
Value Interpreter::Impl::call_value(const Value& callee, const Value* args, size_t argc, const Node* site) {
  if (callee.tag() == Tag::Function) return call_function<H>(callee.as<FuncObj>(), args, argc, site);
  if (callee.tag() == Tag::Native) return call_native<H>(callee.as<NativeObj>(), args, argc, site);
  std::string what = site && site->kind == NodeKind::Call &&
                             static_cast<const CallExpr*>(site)->callee->kind == NodeKind::Name
                         ? static_cast<const NameExpr*>(static_cast<const CallExpr*>(site)->callee)->name
                         : std::string("value");
  raise(ErrorKind::TypeError, what + " is not a function (it is " + describe(callee) + ")", site);
}

template <bool H>
Value Interpreter::Impl::call_native(NativeObj* n, const Value* args, size_t argc, const Node* site) {
  set_position(site);
  try {
    BuiltinCall<H> call(*this, nullptr, nullptr, n, site);
    return n->fn(in, n->self, Args(args, argc));
  } catch (NativeError& e) {
    if (site) raise(e.kind, e.message, site);
    const auto& f = frames.top();
    raise_at(e.kind, e.message, f.line(), f.column());
  }
}

namespace {

// An environment on the value stack, popped (its values released) when the call ends.
struct StackEnv {
  Interpreter::Impl& I;
  Env* env = nullptr;
  size_t saved_top;
  StackEnv(Interpreter::Impl& impl, Env* parent, uint32_t size) : I(impl), saved_top(impl.value_stack_top) {
    size_t bytes = sizeof(Env) + size_t{size} * sizeof(Value);
    if (I.value_stack_top + bytes > I.value_stack_size) return;  // full: the caller uses the heap
    env = reinterpret_cast<Env*>(I.value_stack.get() + I.value_stack_top);
    I.value_stack_top += bytes;
    env->refcount = 1u << 30;  // never released through reference counting
    env->kind = ObjKind::Env;
    env->gc_next = env->gc_prev = nullptr;
    env->parent = parent;  // kept alive by the function value the caller holds
    env->size = size;
    for (uint32_t i = 0; i < size; ++i) new (&env->slots()[i]) Value();
  }
  ~StackEnv() {
    if (!env) return;
    for (uint32_t i = 0; i < env->size; ++i) env->slots()[i].~Value();
    I.value_stack_top = saved_top;
  }
};

// Pushes the guest frame and makes env current; undoes both however the call ends. The frame
// starts at the body's first statement, and is the one whose position statements store
// (Impl::note_position) until the call ends. Direct: a direct call from guest code, whose
// caller's frame lies right below (nothing is pushed between a call expression and its
// callee), so the caller's position is found again without keeping it (a call costs no spill).
// The call hooks are cold out-of-line calls, and the exit hook reads the function id back from
// the frame this call pushed (inner calls have popped theirs), so the hot path keeps no id
// live across the call (disabled_hooks_callgrind). With the exact observer's sink active, the
// call is counted and its span opened and closed inline instead (no virtual call).
[[gnu::cold, gnu::noinline]] void report_call_enter(uint32_t id) {
  aiprof::instrumentation::g_observer->on_call_enter(id);
}
[[gnu::cold, gnu::noinline]] void report_call_exit(aiprof::instrumentation::FrameStack& frames) {
  aiprof::instrumentation::g_observer->on_call_exit(frames.top().function_id());
}

template <bool H, bool Direct = false>
struct ActiveCall {
  Interpreter::Impl& I;
  Env* saved;
  uint64_t* saved_position;  // (not Direct)
  [[gnu::always_inline]] ActiveCall(Interpreter::Impl& impl, const FunctionNode* fn, Env* env)
      : I(impl), saved(impl.env) {
    if constexpr (!Direct) saved_position = impl.current_position;
    I.env = env;
    I.current_position =
        &I.frames.push(fn->function_id, fn->entry_line, fn->entry_column).position;
    if (calls_observed()) {
      if (aiprof::instrumentation::g_inline.active) aiprof::instrumentation::inline_call_enter(fn->function_id);
      else report_call_enter(fn->function_id);
    }
  }
  [[gnu::always_inline]] ~ActiveCall() {
    if (calls_observed()) {
      if (aiprof::instrumentation::g_inline.active) aiprof::instrumentation::inline_span_exit();
      else report_call_exit(I.frames);
    }
    assert(I.current_position == &I.frames.top().position);
    I.frames.pop();
    I.env = saved;
    // (Direct: current_position is this call's frame's again, nested calls having restored it.)
    if constexpr (Direct)
      I.current_position -= sizeof(aiprof::instrumentation::Frame) / sizeof(uint64_t);
    else
      I.current_position = saved_position;
  }
  static bool calls_observed() { return Interpreter::Impl::listens<H>(aiprof::instrumentation::kHookCall); }
};

}  // namespace

// Runs f with an environment whose first argc slots fill(slots) sets; missing arguments are
// null. Closure-free functions get their environment from the value stack.
template <bool H, class Fill>
Value Interpreter::Impl::invoke(FuncObj* f, size_t argc, const Node* site, Fill&& fill) {
  const FunctionNode* fn = f->node;
  check_call(fn, argc, site);
  auto run = [&](Env* e) __attribute__((always_inline)) -> Value {
    fill(e->slots());
    for (size_t i = argc; i < fn->params.size(); ++i) e->slots()[i] = Value::null();
    ActiveCall<H> call(*this, fn, e);
    if (exec_statements<H>(fn->body->body) == Flow::Return) return std::move(ret);
    return Value::null();
  };
  if (!fn->may_capture) {
    StackEnv stack_env(*this, f->env, fn->env_size);
    if (stack_env.env) return run(stack_env.env);
  }
  Env* e = make_env(f->env, fn->env_size);
  struct Drop {
    Env* e;
    ~Drop() { decref(e); }
  } drop{e};
  return run(e);
}

// The call path of a closure-free function called by name (direct_call_fits): its environment
// is carved from the value stack before the arguments run and each argument is evaluated
// straight into its parameter's slot (no argument buffer, no moves). The order of everything
// the guest can see is that of invoke: callee, arguments, checks, frame, body.
template <bool H>
[[gnu::always_inline]] static inline Value call_direct_inline(Interpreter::Impl& I, FuncObj* f,
                                                              const CallExpr* c) {
  using aiprof::instrumentation::kHookRefcount;
  const FunctionNode* fn = f->node;
  const uint32_t size = fn->env_size;
  // Holds f (the arguments may overwrite the variable it was read from) and the environment
  // (its first `built` slots constructed); releases both however the call ends.
  struct Hold {
    Interpreter::Impl& I;
    FuncObj* f;
    Value* slots;
    size_t saved_top;
    uint32_t built = 0;
    [[gnu::always_inline]] ~Hold() {
      for (uint32_t i = 0; i < built; ++i) slots[i].~Value();
      I.value_stack_top = saved_top;
      if (AIPROF_UNLIKELY(f->refcount == 1 || Interpreter::Impl::listens<H>(kHookRefcount))) decref(f);
      else --f->refcount;
    }
  };
  incref(f);
  const size_t top = I.value_stack_top;
  auto* env = reinterpret_cast<Env*>(I.value_stack.get() + top);
  Hold hold{I, f, env->slots(), top};
  I.value_stack_top = top + sizeof(Env) + size_t{size} * sizeof(Value);
  env->refcount = 1u << 30;  // never released through reference counting
  env->kind = ObjKind::Env;
  env->gc_next = env->gc_prev = nullptr;
  env->parent = f->env;  // kept alive by f
  env->size = size;
  Value* slots = hold.slots;
  const uint32_t argc = static_cast<uint32_t>(c->args.size());
  Node* const* args = c->args.data();
  for (uint32_t i = 0; i < argc; ++i) {
    new (&slots[i]) Value(eval_direct<H>(I, args[i]));
    hold.built = i + 1;
  }
  const uint32_t nparams = static_cast<uint32_t>(fn->params.size());
  for (uint32_t i = argc; i < nparams; ++i) new (&slots[i]) Value(Value::null());
  for (uint32_t i = nparams; i < size; ++i) new (&slots[i]) Value();
  hold.built = size;
  // check_call without the arity check (argc <= nparams here).
  char probe;
  if (AIPROF_UNLIKELY(I.frames.depth() >= I.frames.capacity() || &probe < I.stack_limit))
    I.raise(ErrorKind::RangeError, "maximum call depth exceeded", c);
  I.set_position(c);
  I.check_budget();
  I.heap.maybe_collect();
  ActiveCall<H, true> call(I, fn, env);
  for (const Node* s : fn->body->body) {
    // A return, alone or as the branch of an if, at the top of the body (the usual shapes)
    // builds its value straight into this call's result: no exec, no trip through ret.
    // (Neither stores its position: the frame starts at the first statement, and a call in
    // either stores the call's. Only a later one's own work counts at the line before it.)
    if (s->kind == NodeKind::If) {
      auto* st = static_cast<const IfStmt*>(s);
      s = I.condition<H>(st->cond) ? st->then : st->otherwise;
      if (!s) continue;
    }
    if (s->kind == NodeKind::Return) {
      auto* r = static_cast<const ReturnStmt*>(s);
      if (!r->value) return Value::null();
      return eval_direct<H>(I, r->value);
    }
    Flow flow = I.exec<H>(s);
    if (flow != Flow::Normal) {
      if (flow == Flow::Return) return std::move(I.ret);
      break;
    }
  }
  return Value::null();
}

template <bool H>
[[gnu::noinline]] static Value call_direct(Interpreter::Impl& I, FuncObj* f, const CallExpr* c) {
  return call_direct_inline<H>(I, f, c);
}

template <bool H>
Value Interpreter::Impl::call_function(FuncObj* f, const Value* args, size_t argc, const Node* site) {
  return invoke<H>(f, argc, site, [&](Value* slots) {
    for (size_t i = 0; i < argc; ++i) slots[i] = args[i];
  });
}

template <bool H>
Value Interpreter::Impl::call_function_moving(FuncObj* f, Value* args, size_t argc, const Node* site) {
  return invoke<H>(f, argc, site, [&](Value* slots) {
    for (size_t i = 0; i < argc; ++i) slots[i] = std::move(args[i]);
  });
}

// ---------------------------------------------------------------- expressions

// One function per expression kind. All but binary operators (the hottest kind, whose call
// would cost more than it saves) stay out of line, so eval_node does not pay the register saves
// of every kind inlined into it on each evaluation.
namespace {

using Impl = Interpreter::Impl;

template <bool H>
[[gnu::noinline]] Value eval_dict_ref(Impl& I, const Node* n) {
  EVAL_COUNT(kHookDictionary, on_dictionary(0));
  auto* d = static_cast<const DictRefExpr*>(n);
  const Value* v = I.in.dictionary().get(d->key);
  if (!v) I.raise(ErrorKind::RuntimeError, "dictionary key '" + d->key + "' is not defined", n);
  return *v;
}

template <bool H>
[[gnu::noinline]] Value eval_array_lit(Impl& I, const Node* n) {
  auto* a = static_cast<const ArrayLitExpr*>(n);
  Value arr = make_array();
  auto& items = arr_of(arr)->items;
  items.reserve(a->elements.size());
  for (const Node* e : a->elements) items.push_back(I.eval<H>(e));
  return arr;
}

template <bool H>
[[gnu::noinline]] Value eval_object_lit(Impl& I, const Node* n) {
  auto* o = static_cast<const ObjectLitExpr*>(n);
  if (o->keys_distinct < 0) {
    o->keys_distinct = 1;
    for (size_t i = 0; i < o->keys.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (o->keys[i].same_payload(o->keys[j])) o->keys_distinct = 0;  // interned
  }
  Value obj = make_object();
  PropertyMap& props = obj_of(obj)->props;
  props.reserve(o->keys.size());
  for (size_t i = 0; i < o->keys.size(); ++i) {
    if (o->keys_distinct) props.append_new(o->keys[i], I.eval<H>(o->values[i]));
    else props.set(o->keys[i], I.eval<H>(o->values[i]));
  }
  return obj;
}

template <bool H>
[[gnu::noinline]] Value eval_unary(Impl& I, const Node* n) {
  auto* u = static_cast<const UnaryExpr*>(n);
  Value v = I.eval<H>(u->operand);
  EVAL_COUNT(kHookOperation, on_operation(operation_type(u->op), static_cast<uint16_t>(u->op)));
  if (u->op == Op::Not) return Value::boolean(!truthy(v));
  if (!v.is_number())
    I.raise(ErrorKind::TypeError, std::string("unary '") + op_text(u->op) + "' needs a number, not " + describe(v), n);
  return u->op == Op::Neg ? Value::number(-v.as_number()) : v;
}

template <bool H>
Value eval_binary_general(Impl& I, const Node* n);

template <bool H>
[[gnu::noinline]] Value eval_binary(Impl& I, const Node* n) {
  auto* b = static_cast<const BinaryExpr*>(n);
  if (!Impl::quick_hooks_listen<H>() && quick_operands(I, b)) {
    double x, y;
    Value out;
    if (quick_eval(I, b->left, x) && quick_eval(I, b->right, y) && numeric_binary(b->op, x, y, out)) {
      Impl::count_quick<H>(b);
      return out;
    }
  }
  return eval_binary_general<H>(I, n);
}

template <bool H>
[[gnu::noinline]] Value eval_binary_general(Impl& I, const Node* n) {
  auto* b = static_cast<const BinaryExpr*>(n);
  Value ltmp, rtmp;
  // The left operand may be read in place only if evaluating the right cannot change it.
  const bool pure_right = Impl::side_effect_free(b->right);
  const Value& l = pure_right ? I.operand<H>(b->left, ltmp) : (ltmp = eval_direct<H>(I, b->left));
  const Value& r = pure_right ? I.operand<H>(b->right, rtmp) : (rtmp = eval_direct<H>(I, b->right));
  if (l.is_number() && r.is_number()) {
    EVAL_COUNT(kHookOperation, on_operation(operation_type(b->op), static_cast<uint16_t>(b->op)));
    Value out;
    if (numeric_binary(b->op, l.as_number(), r.as_number(), out)) return out;
  }
  // (Not while operations are counted: arithmetic() reports each `+` to the observer.)
  if (b->op == Op::Add && &l == &ltmp && !Impl::quick_hooks_listen<H>() &&
      append_to_temporary(ltmp, r))
    return ltmp;
  return binary<H>(I, b->op, l, r, n);
}

template <bool H>
[[gnu::noinline]] Value eval_logical(Impl& I, const Node* n) {
  auto* b = static_cast<const LogicalExpr*>(n);
  Value l = I.eval<H>(b->left);
  EVAL_COUNT(kHookOperation, on_operation(OperationType::Logical, static_cast<uint16_t>(b->op)));
  bool t = truthy(l);
  if (b->op == Op::And ? !t : t) return l;
  return I.eval<H>(b->right);
}

template <bool H>
[[gnu::noinline]] Value eval_conditional(Impl& I, const Node* n) {
  auto* c = static_cast<const ConditionalExpr*>(n);
  return I.condition<H>(c->cond) ? I.eval<H>(c->then) : I.eval<H>(c->otherwise);
}

template <bool H>
[[gnu::noinline]] Value eval_member(Impl& I, const Node* n) {
  auto* m = resolved(static_cast<const MemberExpr*>(n));
  Value obj = I.eval<H>(m->object);
  if (m->is_length && obj.is_array()) return Value::number(static_cast<double>(arr_of(obj)->items.size()));
  return get_member<H>(I, obj, m->name, n);
}

template <bool H>
[[gnu::noinline]] Value eval_index(Impl& I, const Node* n) {
  auto* ix = static_cast<const IndexExpr*>(n);
  Value obj = I.eval<H>(ix->object);
  Value key = I.eval<H>(ix->index);
  return get_index<H>(I, obj, key, n);
}

template <bool H>
[[gnu::noinline]] Value eval_name_slow(Impl& I, const Node* n) {
  return read_name<H>(I, static_cast<const NameExpr*>(n));
}

[[gnu::noinline]] Value eval_string(Impl&, const Node* n) {
  return static_cast<const StringExpr*>(n)->value;
}

[[gnu::noinline]] Value eval_function_lit(Impl& I, const Node* n) {
  return make_function(static_cast<const FunctionLitExpr*>(n)->fn, I.env);
}

[[gnu::cold, gnu::noinline]] Value eval_not_expression(Impl& I, const Node* n) {
  I.raise(ErrorKind::RuntimeError, "internal error: not an expression", n);
}

// A call of a closure-free function named by a local variable (fib(n - 1)) runs call_direct
// inlined here; every other call goes through eval_call.
template <bool H>
[[gnu::noinline]] Value eval_call_node(Impl& I, const Node* n) {
  auto* c = static_cast<const CallExpr*>(n);
  if (c->callee->kind == NodeKind::Name && !I.nodes_observed<H>() && Impl::variable_reads_inline<H>()) {
    auto* name = static_cast<const NameExpr*>(c->callee);
    if (name->binding.kind == Binding::Local) {
      // Read without the hook (it is off, or counted inline here); an unset slot is not a
      // function and goes the generic way, which reports it.
      const Value* v = local_slot(I.env, name->binding);
      if (v->tag() == Tag::Function && direct_call_fits(I, v->as<FuncObj>(), c)) {
        Impl::count_variable<H>(name);
        return call_direct_inline<H>(I, v->as<FuncObj>(), c);
      }
    }
  }
  return eval_call<H>(I, c);
}

template <bool H>
[[gnu::noinline]] Value eval_assign_node(Impl& I, const Node* n) {
  return eval_assign<H>(I, static_cast<const AssignExpr*>(n));
}

template <bool H>
[[gnu::noinline]] Value eval_update_node(Impl& I, const Node* n) {
  return eval_update<H>(I, static_cast<const UpdateExpr*>(n));
}

}  // namespace

// A lean dispatcher: every case either builds its value without a call or hands the node to
// its kind's function, so no case pays for the register saves and stack frame of another.
template <bool H>
Value Interpreter::Impl::eval_node(const Node* n) {
  switch (n->kind) {
    case NodeKind::Number: return Value::number(static_cast<const NumberExpr*>(n)->value);
    case NodeKind::String: return eval_string(*this, n);
    case NodeKind::Bool: return Value::boolean(static_cast<const BoolExpr*>(n)->value);
    case NodeKind::Null: return Value::null();
    case NodeKind::Name: {
      // A local of this environment while no reference-count hook listens and variable reads
      // are not reported one by one (the slow path reports to them).
      auto* name = static_cast<const NameExpr*>(n);
      if (name->binding.kind == Binding::Local && name->binding.hops == 0 &&
          !listens<H>(aiprof::instrumentation::kHookRefcount) && variable_reads_inline<H>()) {
        const Value& v = env->slots()[name->binding.slot];
        if (!v.is_unset()) {
          count_variable<H>(name);
          return Value::copy_unhooked(v);
        }
      }
      return eval_name_slow<H>(*this, n);
    }
    case NodeKind::DictRef: return eval_dict_ref<H>(*this, n);
    case NodeKind::ArrayLit: return eval_array_lit<H>(*this, n);
    case NodeKind::ObjectLit: return eval_object_lit<H>(*this, n);
    case NodeKind::Unary: return eval_unary<H>(*this, n);
    case NodeKind::Binary:
      // Operands that are not quick trees (calls, strings) go straight to the generic path.
      if (static_cast<const BinaryExpr*>(n)->quick == 0) return eval_binary_general<H>(*this, n);
      return eval_binary<H>(*this, n);
    case NodeKind::Logical: return eval_logical<H>(*this, n);
    case NodeKind::Conditional: return eval_conditional<H>(*this, n);
    case NodeKind::Assign: return eval_assign_node<H>(*this, n);
    case NodeKind::Update: return eval_update_node<H>(*this, n);
    case NodeKind::Call: return eval_call_node<H>(*this, n);
    case NodeKind::Member: return eval_member<H>(*this, n);
    case NodeKind::Index: return eval_index<H>(*this, n);
    case NodeKind::FunctionLit: return eval_function_lit(*this, n);
    default: return eval_not_expression(*this, n);
  }
}

// An expression whose value is not used: assignments to and updates of local variables skip
// building a result value.
template <bool H>
void Interpreter::Impl::exec_expression(const Node* n) {
  if (n->kind == NodeKind::Assign) {
    auto* a = static_cast<const AssignExpr*>(n);
    if (a->op == Op::Assign && a->target->kind == NodeKind::Name && !a->checks_type() && !nodes_observed<H>()) {
      auto* name = static_cast<const NameExpr*>(a->target);
      if (name->binding.kind == Binding::Local) {
        if (a->value->kind == NodeKind::Binary && !quick_hooks_listen<H>()) {
          auto* b = static_cast<const BinaryExpr*>(a->value);
          double d;
          if (is_arithmetic(b->op) && quick_operands(*this, b) && quick_eval(*this, b, d)) {
            count_quick<H>(b);
            *local_slot(env, name->binding) = Value::number(d);
            return;
          }
        }
        Value v = eval<H>(a->value);
        *local_slot(env, name->binding) = std::move(v);
        return;
      }
    }
  } else if (n->kind == NodeKind::Update) {
    auto* u = static_cast<const UpdateExpr*>(n);
    if (u->target->kind == NodeKind::Name && !nodes_observed<H>()) {
      auto* name = static_cast<const NameExpr*>(u->target);
      if (name->binding.kind == Binding::Local) {
        Value* slot = local_slot(env, name->binding);
        if (slot->is_number()) {
          EVAL_COUNT(kHookOperation, on_operation(OperationType::Arithmetic, static_cast<uint16_t>(u->increment ? Op::Add : Op::Sub)));
          *slot = Value::number(slot->as_number() + (u->increment ? 1 : -1));
          return;
        }
      }
    }
  }
  eval<H>(n);
}

template <bool H>
static bool condition_slow(Interpreter::Impl& I, const Node* n);

// The truth of a condition; numeric comparisons decide without building a boolean value, quick
// trees (n < 2, i < n) without a Value at all.
template <bool H>
bool Interpreter::Impl::condition(const Node* n) {
  if (n->kind == NodeKind::Binary && !quick_hooks_listen<H>()) {
    auto* b = static_cast<const BinaryExpr*>(n);
    double x, y;
    if (b->op >= Op::Lt && b->op <= Op::Ge && quick_operands(*this, b) && quick_eval(*this, b->left, x) &&
        quick_eval(*this, b->right, y)) {
      count_quick<H>(b);
      switch (b->op) {
        case Op::Lt: return x < y;
        case Op::Le: return x <= y;
        case Op::Gt: return x > y;
        default: return x >= y;
      }
    }
  }
  return condition_slow<H>(*this, n);
}

template <bool H>
[[gnu::noinline]] static bool condition_slow(Interpreter::Impl& I, const Node* n) {
  if (n->kind == NodeKind::Binary && !I.nodes_observed<H>()) {
    auto* b = static_cast<const BinaryExpr*>(n);
    if (b->op >= Op::Lt && b->op <= Op::Ge) {
      Value ltmp, rtmp;
      const Value& l = Interpreter::Impl::side_effect_free(b->right) ? I.operand<H>(b->left, ltmp)
                                                                     : (ltmp = I.eval<H>(b->left));
      const Value& r = I.operand<H>(b->right, rtmp);
      if (l.is_number() && r.is_number()) {
        EVAL_COUNT(kHookOperation, on_operation(OperationType::Comparison, static_cast<uint16_t>(b->op)));
        double x = l.as_number(), y = r.as_number();
        switch (b->op) {
          case Op::Lt: return x < y;
          case Op::Le: return x <= y;
          case Op::Gt: return x > y;
          default: return x >= y;
        }
      }
      return compare<H>(I, b->op, l, r, n).as_bool();
    }
  }
  Value v = I.eval<H>(n);
  if (v.is_bool()) return v.as_bool();
  return truthy(v);
}

// ---------------------------------------------------------------- statements

template <bool H>
Flow Interpreter::Impl::exec_statements(const std::vector<Node*>& body) {
  for (const Node* s : body) {
    Flow f = exec<H>(s);
    if (f != Flow::Normal) return f;
  }
  return Flow::Normal;
}

template <bool H>
[[gnu::noinline]] Flow Interpreter::Impl::exec_block(const BlockStmt* b) {
  EVAL_HOOK(kHookBlock, on_block_enter(SourcePos{b->line, b->column}));
  Flow f;
  if (b->scope.owns_env) {
    EnvScope scope(env, make_env(env, b->scope.env_size));
    f = exec_statements<H>(b->body);
  } else {
    if (b->scope.slot_count) clear_slots(env, b->scope);
    f = exec_statements<H>(b->body);
  }
  EVAL_HOOK(kHookBlock, on_block_exit());
  return f;
}

// Runs a loop body; returns true when the loop must stop (break or return), leaving the flow
// to hand on in *out.
template <bool H>
static bool loop_body_ends(Interpreter::Impl& I, const BlockStmt* body, Flow* out) {
  I.check_budget();
  I.heap.maybe_collect();
  Flow f = I.exec_block<H>(body);
  if (f == Flow::Break) { *out = Flow::Normal; return true; }
  if (f == Flow::Return) { *out = Flow::Return; return true; }
  return false;
}

template <bool H>
[[gnu::noinline]] static Flow exec_for(Interpreter::Impl& I, const ForStmt* f) {
  auto run = [&]() -> Flow {
    if (f->init) I.exec<H>(f->init);
    Flow out = Flow::Normal;
    for (;;) {
      if (f->cond && !I.condition<H>(f->cond)) break;
      if (loop_body_ends<H>(I, f->body, &out)) break;
      if (f->step) I.exec_expression<H>(f->step);
    }
    return out;
  };
  if (f->scope.owns_env) {
    EnvScope scope(I.env, make_env(I.env, f->scope.env_size));
    return run();
  }
  if (f->scope.slot_count) clear_slots(I.env, f->scope);
  return run();
}

// for (k in obj) / for (v of arr): the values to visit, computed once up front for objects;
// arrays are walked by index so pushes during the loop are seen, as in JavaScript.
template <bool H>
[[gnu::noinline]] static Flow exec_for_each(Interpreter::Impl& I, const ForEachStmt* f) {
  Value coll = I.eval<H>(f->iterable);
  bool keys = f->kind == NodeKind::ForIn;
  auto run = [&]() -> Flow {
    Value* var = local_slot(I.env, f->var->binding);
    Flow out = Flow::Normal;
    auto visit = [&](Value v) {
      var = local_slot(I.env, f->var->binding);
      *var = std::move(v);
      return loop_body_ends<H>(I, f->body, &out);
    };
    if (coll.is_array()) {
      for (size_t i = 0; i < arr_of(coll)->items.size(); ++i)
        if (visit(keys ? Value::number(static_cast<double>(i)) : arr_of(coll)->items[i])) break;
    } else if (coll.is_object() && keys) {
      std::vector<Value> names;
      for (const auto& e : obj_of(coll)->props.entries()) names.push_back(e.key);
      for (auto& k : names)
        if (visit(k)) break;
    } else if (coll.is_string()) {
      std::string_view text = str_of(coll)->view();
      size_t pos = 0, index = 0;
      while (pos < text.size()) {
        size_t len = 1;
        unsigned char c = static_cast<unsigned char>(text[pos]);
        if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
        Value item = keys ? Value::number(static_cast<double>(index)) : make_string(text.substr(pos, len));
        if (visit(std::move(item))) break;
        pos += len;
        ++index;
      }
    } else {
      I.raise(ErrorKind::TypeError,
              std::string("cannot iterate over ") + describe(coll) + (keys ? " with for-in" : " with for-of"),
              f->iterable);
    }
    (void)var;
    return out;
  };
  if (f->var->binding.kind != Binding::Local)
    I.raise(ErrorKind::RuntimeError, "cannot assign to built-in '" + f->var->name + "'", f->var);
  if (f->scope.owns_env) {
    EnvScope scope(I.env, make_env(I.env, f->scope.env_size));
    return run();
  }
  if (f->scope.slot_count) clear_slots(I.env, f->scope);
  return run();
}

template <bool H>
[[gnu::noinline]] static Flow exec_try(Interpreter::Impl& I, const TryStmt* t) {
  Value caught;
  try {
    return I.exec_block<H>(t->body);
  } catch (ScriptError& e) {
    caught = std::move(e.value);
  }
  I.forget_unwound_stack();
  // The exception unwound every scope guard; the environment and frame stack are back.
  const BlockStmt* h = t->handler;
  if (!t->catch_var) return I.exec_block<H>(h);
  auto run = [&]() -> Flow {
    *local_slot(I.env, t->catch_var->binding) = std::move(caught);
    return I.exec_statements<H>(h->body);
  };
  EVAL_HOOK(kHookBlock, on_block_enter(SourcePos{h->line, h->column}));
  Flow f;
  if (h->scope.owns_env) {
    EnvScope scope(I.env, make_env(I.env, h->scope.env_size));
    f = run();
  } else {
    if (h->scope.slot_count) clear_slots(I.env, h->scope);
    f = run();
  }
  EVAL_HOOK(kHookBlock, on_block_exit());
  return f;
}

// One function per statement kind but the cheapest, so exec itself keeps a small frame and
// tail-calls them (a statement returns its Flow in a register).
namespace {

template <bool H>
[[gnu::noinline]] Flow exec_expression_stmt(Impl& I, const Node* n) {
  I.exec_expression<H>(static_cast<const ExprStmt*>(n)->expr);
  return Flow::Normal;
}

template <bool H>
[[gnu::noinline]] Flow exec_while(Impl& I, const Node* n) {
  auto* w = static_cast<const WhileStmt*>(n);
  Flow out = Flow::Normal;
  while (I.condition<H>(w->cond))
    if (loop_body_ends<H>(I, w->body, &out)) break;
  return out;
}

template <bool H>
[[gnu::noinline]] Flow exec_loop(Impl& I, const Node* n) {
  Flow out = Flow::Normal;
  while (!loop_body_ends<H>(I, static_cast<const LoopStmt*>(n)->body, &out)) {
  }
  return out;
}

template <bool H>
[[gnu::noinline]] Flow exec_return(Impl& I, const Node* n) {
  auto* r = static_cast<const ReturnStmt*>(n);
  // (Not built in place in ret: a call in r->value returns by moving out of ret.)
  I.ret = r->value ? eval_direct<H>(I, r->value) : Value::null();
  return Flow::Return;
}

template <bool H>
[[gnu::noinline, noreturn]] void exec_throw(Impl& I, const Node* n) {
  auto* t = static_cast<const ThrowStmt*>(n);
  Value v = I.eval<H>(t->value);
  throw ScriptError{std::move(v), I.traceback(n->line, n->column)};
}

template <bool H>
[[gnu::noinline]] Flow exec_other(Impl& I, const Node* n) {
  I.eval<H>(n);
  return Flow::Normal;
}

}  // namespace

template <bool H>
Flow Interpreter::Impl::exec(const Node* n) {
  note_position(n);
  switch (n->kind) {
    case NodeKind::ExprStmt: return exec_expression_stmt<H>(*this, n);
    case NodeKind::If: {
      auto* s = static_cast<const IfStmt*>(n);
      if (condition<H>(s->cond)) return s->then ? exec<H>(s->then) : Flow::Normal;
      return s->otherwise ? exec<H>(s->otherwise) : Flow::Normal;
    }
    case NodeKind::While: return exec_while<H>(*this, n);
    case NodeKind::Loop: return exec_loop<H>(*this, n);
    case NodeKind::For: return exec_for<H>(*this, static_cast<const ForStmt*>(n));
    case NodeKind::ForIn:
    case NodeKind::ForOf: return exec_for_each<H>(*this, static_cast<const ForEachStmt*>(n));
    case NodeKind::Block: return exec_block<H>(static_cast<const BlockStmt*>(n));
    case NodeKind::Return: return exec_return<H>(*this, n);
    case NodeKind::Break: return Flow::Break;
    case NodeKind::Continue: return Flow::Continue;
    case NodeKind::Try: return exec_try<H>(*this, static_cast<const TryStmt*>(n));
    case NodeKind::Throw: exec_throw<H>(*this, n);
    default: return exec_other<H>(*this, n);
  }
}

}  // namespace anarchy

#undef EVAL_HOOK
#undef EVAL_COUNT
