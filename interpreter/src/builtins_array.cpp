// Array methods (`a.m(...)`) and array properties (`length`, `len`).
//
// Callbacks get JavaScript's arguments (value, index, array; reduce: acc, value, index, array)
// through Interpreter::call_callback, which passes no more than the function declares. Guest
// code may change the array while a callback runs, so loops re-check the length each step and
// never hold references into the item vector across a call.
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"
#include "method_table.hpp"

namespace anarchy {

namespace builtins {

namespace {

ValueVector& items_of(const Value& self) { return arr_of(self)->items; }

double position(size_t i) { return static_cast<double>(i); }

// ---- adding and removing ----

Value push(Interpreter&, const Value& self, Args args) {
  ValueVector& items = items_of(self);
  items.insert(items.end(), args.begin(), args.end());
  return Value::number(position(items.size()));
}

Value pop(Interpreter&, const Value& self, Args) {
  ValueVector& items = items_of(self);
  if (items.empty()) return Value::null();
  Value last = std::move(items.back());
  items.pop_back();
  return last;
}

Value shift(Interpreter&, const Value& self, Args) {
  ValueVector& items = items_of(self);
  if (items.empty()) return Value::null();
  Value first = std::move(items.front());
  items.erase(items.begin());
  return first;
}

Value unshift(Interpreter&, const Value& self, Args args) {
  ValueVector& items = items_of(self);
  items.insert(items.begin(), args.begin(), args.end());
  return Value::number(position(items.size()));
}

// splice(start [, deleteCount [, items...]]): removes and inserts in place; returns the removed.
Value splice(Interpreter&, const Value& self, Args args) {
  ValueVector& items = items_of(self);
  size_t len = items.size();
  size_t start = relative_index(number_arg_or(args, 0, 0, "splice"), len);
  size_t count = 0;
  if (args.size() == 1)
    count = len - start;
  else if (args.size() >= 2)
    count = clamp_index(number_arg_or(args, 1, 0, "splice"), len - start);
  auto first = items.begin() + static_cast<std::ptrdiff_t>(start);
  auto last = first + static_cast<std::ptrdiff_t>(count);
  ValueVector removed(std::make_move_iterator(first), std::make_move_iterator(last));
  items.erase(first, last);
  if (args.size() > 2)
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(start), args.begin() + 2, args.end());
  return make_array(std::move(removed));
}

// ---- copies ----

Value slice(Interpreter&, const Value& self, Args args) {
  const ValueVector& items = items_of(self);
  size_t a = relative_index(number_arg_or(args, 0, 0, "slice"), items.size());
  size_t b = relative_index(number_arg_or(args, 1, position(items.size()), "slice"), items.size());
  if (a >= b) return make_array();
  return make_array(ValueVector(items.begin() + static_cast<std::ptrdiff_t>(a),
                                items.begin() + static_cast<std::ptrdiff_t>(b)));
}

// concat(...): arrays are spread one level, other values appended.
Value concat(Interpreter&, const Value& self, Args args) {
  ValueVector out = items_of(self);
  for (const Value& v : args) {
    if (v.is_array()) {
      const ValueVector& more = arr_of(v)->items;
      out.insert(out.end(), more.begin(), more.end());
    } else {
      out.push_back(v);
    }
  }
  return make_array(std::move(out));
}

Value reverse(Interpreter&, const Value& self, Args) {
  std::reverse(items_of(self).begin(), items_of(self).end());
  return self;
}

// join([sep]): the elements' text (as str() gives it; null is "null") between separators.
Value join(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view sep = is_missing(args, 0) ? std::string_view(",") : text_of(args[0], scratch);
  const ValueVector& items = items_of(self);
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(sep);
    append_display(out, items[i]);
    check_string_size(out.size(), "join");
  }
  return make_string(out);
}

// ---- searching ----

Value index_of(Interpreter&, const Value& self, Args args) {
  const ValueVector& items = items_of(self);
  const Value& target = arg(args, 0);
  for (size_t i = relative_index(number_arg_or(args, 1, 0, "indexOf"), items.size());
       i < items.size(); ++i)
    if (strict_equals(items[i], target)) return Value::number(position(i));
  return Value::number(-1);
}

Value last_index_of(Interpreter&, const Value& self, Args args) {
  const ValueVector& items = items_of(self);
  const Value& target = arg(args, 0);
  if (items.empty()) return Value::number(-1);
  double from = to_integer(number_arg_or(args, 1, position(items.size() - 1), "lastIndexOf"));
  if (from < 0) from += position(items.size());
  if (from < 0) return Value::number(-1);
  for (size_t i = std::min(static_cast<size_t>(std::min(from, 1e18)), items.size() - 1) + 1;
       i-- > 0;)
    if (strict_equals(items[i], target)) return Value::number(position(i));
  return Value::number(-1);
}

// includes uses SameValueZero, as JavaScript does: like ==, except that NaN finds NaN.
Value includes(Interpreter&, const Value& self, Args args) {
  const ValueVector& items = items_of(self);
  const Value& target = arg(args, 0);
  bool nan = target.is_number() && std::isnan(target.as_number());
  for (size_t i = relative_index(number_arg_or(args, 1, 0, "includes"), items.size());
       i < items.size(); ++i) {
    const Value& v = items[i];
    if (strict_equals(v, target) || (nan && v.is_number() && std::isnan(v.as_number())))
      return Value::boolean(true);
  }
  return Value::boolean(false);
}

// ---- callbacks ----

// Calls fn(value, index, array) for each element present when the loop reaches it, up to
// the length at the start; `step` returns false to stop early.
template <class Step>
void for_each_element(Interpreter& interp, const Value& self, const Value& fn, Step step) {
  const ValueVector& items = items_of(self);
  size_t n = items.size();
  for (size_t i = 0; i < n && i < items.size(); ++i) {
    std::array<Value, 3> cb{items[i], Value::number(position(i)), self};
    Value r = interp.call_callback(fn, cb);
    if (!step(cb[0], i, r)) return;
  }
}

Value map(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "map");
  ValueVector out;
  out.reserve(items_of(self).size());
  for_each_element(interp, self, fn, [&](const Value&, size_t, Value& r) {
    out.push_back(std::move(r));
    return true;
  });
  return make_array(std::move(out));
}

Value filter(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "filter");
  ValueVector out;
  for_each_element(interp, self, fn, [&](const Value& v, size_t, Value& r) {
    if (truthy(r)) out.push_back(v);
    return true;
  });
  return make_array(std::move(out));
}

Value for_each(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "forEach");
  for_each_element(interp, self, fn, [](const Value&, size_t, Value&) { return true; });
  return Value::null();
}

Value find(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "find");
  Value found = Value::null();
  for_each_element(interp, self, fn, [&](const Value& v, size_t, Value& r) {
    if (!truthy(r)) return true;
    found = v;
    return false;
  });
  return found;
}

Value find_index(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "findIndex");
  double found = -1;
  for_each_element(interp, self, fn, [&](const Value&, size_t i, Value& r) {
    if (!truthy(r)) return true;
    found = position(i);
    return false;
  });
  return Value::number(found);
}

Value some(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "some");
  bool any = false;
  for_each_element(interp, self, fn, [&](const Value&, size_t, Value& r) {
    any = truthy(r);
    return !any;
  });
  return Value::boolean(any);
}

Value every(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "every");
  bool all = true;
  for_each_element(interp, self, fn, [&](const Value&, size_t, Value& r) {
    all = truthy(r);
    return all;
  });
  return Value::boolean(all);
}

// reduce(fn [, initial]): fn(acc, value, index, array); without an initial value the first
// element starts the accumulator (an empty array is then a TypeError).
Value reduce(Interpreter& interp, const Value& self, Args args) {
  const Value& fn = callable_arg(args, 0, "reduce");
  const ValueVector& items = items_of(self);
  size_t n = items.size();
  size_t i = 0;
  Value acc;
  if (args.size() >= 2) {
    acc = args[1];
  } else {
    if (n == 0) type_error("reduce: empty array with no initial value");
    acc = items[0];
    i = 1;
  }
  for (; i < n && i < items.size(); ++i) {
    std::array<Value, 4> cb{std::move(acc), items[i], Value::number(position(i)), self};
    acc = interp.call_callback(fn, cb);
  }
  return acc;
}

// ---- sorting ----

// A stable bottom-up merge sort. std::stable_sort is not used because its insertion-sort
// phase can run past the range when a guest comparator is inconsistent; this one only ever
// compares elements inside the range, whatever the comparator answers. `before(a, b)` is
// true when b must come before a (so equal elements keep their order).
template <class Before>
void merge_sort(ValueVector& v, Before before) {
  size_t n = v.size();
  ValueVector buf(n);
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        buf[k++] = before(v[i], v[j]) ? std::move(v[j++]) : std::move(v[i++]);
      while (i < mid) buf[k++] = std::move(v[i++]);
      while (j < hi) buf[k++] = std::move(v[j++]);
    }
    v.swap(buf);
  }
}

// A comparator's answer as a number: numbers (NaN is 0), booleans 1/0, null 0.
double comparator_result(const Value& r) {
  if (r.is_number()) return std::isnan(r.as_number()) ? 0 : r.as_number();
  if (r.is_bool()) return r.as_bool() ? 1 : 0;
  if (r.is_null() || r.is_unset()) return 0;
  type_error(std::string("sort: the comparator must return a number, got ") + type_name(r));
}

// The default order: all numbers (numerically, NaN last) or all strings (bytewise).
void sort_default(ValueVector& work) {
  bool numbers = true, strings = true;
  for (const Value& v : work) {
    numbers = numbers && v.is_number();
    strings = strings && v.is_string();
  }
  if (numbers) {
    merge_sort(work, [](const Value& a, const Value& b) {
      double x = a.as_number(), y = b.as_number();
      return std::isnan(x) ? !std::isnan(y) : y < x;
    });
  } else if (strings) {
    merge_sort(
        work, [](const Value& a, const Value& b) { return str_of(b)->view() < str_of(a)->view(); });
  } else {
    type_error("sort: without a comparator an array must hold only numbers or only strings");
  }
}

// sort([comparator]): stable, in place, returns the array. Sorts a copy and stores it back,
// so a comparator that throws leaves the array as it was.
Value sort(Interpreter& interp, const Value& self, Args args) {
  ValueVector work = items_of(self);
  if (is_missing(args, 0)) {
    if (work.size() > 1) sort_default(work);
  } else {
    const Value& fn = callable_arg(args, 0, "sort");
    merge_sort(work, [&](const Value& a, const Value& b) {
      std::array<Value, 2> cb{a, b};
      return comparator_result(interp.call_callback(fn, cb)) > 0;
    });
  }
  items_of(self) = std::move(work);
  return self;
}

// Each call of a method is one array operation, however it was called: `a.push(x)`, a method
// taken as a value (`f = a.push; f(x)`), or passed as a callback. Counted here, with the
// methods, so no call path can miss it.
constexpr uint16_t kArrayMethodCall = 2;
template <NativeFn fn>
Value counted(Interpreter& interp, const Value& self, Args args) {
  AIPROF_HOOK(kHookArray, on_array_op(kArrayMethodCall));
  return fn(interp, self, args);
}

// Sorted by name for binary search (checked below at compile time).
constexpr Method kMethods[] = {
    {"concat", counted<concat>},
    {"every", counted<every>},
    {"filter", counted<filter>},
    {"find", counted<find>},
    {"findIndex", counted<find_index>},
    {"forEach", counted<for_each>},
    {"includes", counted<includes>},
    {"indexOf", counted<index_of>},
    {"join", counted<join>},
    {"lastIndexOf", counted<last_index_of>},
    {"map", counted<map>},
    {"pop", counted<pop>},
    {"push", counted<push>},
    {"reduce", counted<reduce>},
    {"reverse", counted<reverse>},
    {"shift", counted<shift>},
    {"slice", counted<slice>},
    {"some", counted<some>},
    {"sort", counted<sort>},
    {"splice", counted<splice>},
    {"unshift", counted<unshift>},
};

static_assert(sorted_by_name(kMethods), "kMethods must stay sorted by name");

}  // namespace

}  // namespace builtins

NativeFn find_array_method(std::string_view name) {
  return builtins::find_method(builtins::kMethods, name);
}

Value array_property(const Value& a, std::string_view name) {
  if (name == "length" || name == "len")
    return Value::number(static_cast<double>(arr_of(a)->items.size()));
  return Value();
}

}  // namespace anarchy
