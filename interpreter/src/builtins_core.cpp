// The core global built-ins of LANGUAGE.md section 5: print, input, len, type, sum,
// conversions, parseInt/parseFloat, keys/has/delete, range, format, assert, Date, clock, Object,
// and make_globals(), which collects every global name of the library.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy {

namespace builtins {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- output and input ----

// print(a, ...): arguments joined by a space; a first string holding "{}" followed by more
// arguments is a template the others fill instead.
Value print(Interpreter& interp, const Value&, Args args) {
  std::string line;
  if (args.size() > 1 && args[0].is_string() &&
      str_of(args[0])->view().find("{}") != std::string_view::npos) {
    fill_placeholders(line, str_of(args[0])->view(), args.subspan(1), "print");
  } else {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i) line.push_back(' ');
      append_display(line, args[i]);
      check_string_size(line.size(), "print");
    }
  }
  line.push_back('\n');
  interp.write_output(line);
  return Value::null();
}

// input([prompt]): one line of standard input without its line end; null at end of input.
Value input(Interpreter& interp, const Value&, Args args) {
  if (!is_missing(args, 0)) {
    std::string scratch;
    interp.write_output(text_of(args[0], scratch));
  }
  interp.flush_output();
  FILE* in = interp.input();
  if (!in) return Value::null();
  std::string line;
  int c = EOF;
  while ((c = std::fgetc(in)) != EOF && c != '\n') {
    line.push_back(static_cast<char>(c));
    check_string_size(line.size(), "input");
  }
  if (c == EOF && line.empty()) return Value::null();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return make_string(line);
}

// ---- inspection and conversion ----

Value len(Interpreter&, const Value&, Args args) {
  const Value& v = arg(args, 0);
  switch (v.tag()) {
    case Tag::String:
      return Value::number(str_of(v)->length);
    case Tag::Array:
      return Value::number(static_cast<double>(arr_of(v)->items.size()));
    case Tag::Object:
      return Value::number(static_cast<double>(obj_of(v)->props.size()));
    default:
      type_error(std::string("len: expected a string, array or object, got ") + type_name(v));
  }
}

Value type(Interpreter&, const Value&, Args args) { return make_string(type_name(arg(args, 0))); }

Value sum(Interpreter&, const Value&, Args args) {
  const ArrayObj* a = array_arg(args, 0, "sum");
  double total = 0;
  for (const Value& v : a->items) {
    if (!v.is_number())
      type_error(std::string("sum: expected only numbers, found ") + type_name(v));
    total += v.as_number();
  }
  return Value::number(total);
}

Value to_string(Interpreter&, const Value&, Args args) {
  if (args.empty()) return make_string("");
  if (args[0].is_string()) return args[0];
  return make_string(to_display(args[0]));
}

// Number(x): numbers as they are, strings as JavaScript reads them, booleans 0/1, null 0;
// arrays, objects and functions are not numeric (NaN).
Value to_number(Interpreter&, const Value&, Args args) {
  if (args.empty()) return Value::number(0);
  const Value& v = args[0];
  switch (v.tag()) {
    case Tag::Number:
      return v;
    case Tag::String:
      return Value::number(string_to_number(str_of(v)->view()));
    case Tag::Bool:
      return Value::number(v.as_bool() ? 1 : 0);
    case Tag::Null:
    case Tag::Unset:
      return Value::number(0);
    default:
      return Value::number(kNaN);
  }
}

Value to_boolean(Interpreter&, const Value&, Args args) {
  return Value::boolean(truthy(arg(args, 0)));
}

// JavaScript's ToInt32 (parseInt's radix).
int32_t to_int32(double d) {
  if (!std::isfinite(d)) return 0;
  double t = std::fmod(std::trunc(d), 4294967296.0);
  if (t < 0) t += 4294967296.0;
  if (t >= 2147483648.0) t -= 4294967296.0;
  return static_cast<int32_t>(t);
}

// parseInt(s [, radix]) as in JavaScript: leading white space, a sign, an optional 0x prefix
// (radix 16 or unspecified), then the longest run of digits valid in the radix.
Value parse_int(Interpreter&, const Value&, Args args) {
  std::string scratch;
  std::string_view s = trim_js_space(text_of(arg(args, 0), scratch), true, false);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int32_t radix = to_int32(number_arg_or(args, 1, 0, "parseInt"));
  bool strip_prefix = true;
  if (radix != 0) {
    if (radix < 2 || radix > 36) return Value::number(kNaN);
    strip_prefix = radix == 16;
  } else {
    radix = 10;
  }
  if (strip_prefix && s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
    s.remove_prefix(2);
    radix = 16;
  }
  size_t n = 0;
  while (n < s.size() && digit_value(s[n]) < radix) ++n;
  if (n == 0) return Value::number(kNaN);
  double value = radix_digits_to_double(s.substr(0, n), radix);
  return Value::number(negative ? -value : value);
}

// parseFloat(s): the longest decimal literal (or Infinity) after leading white space.
Value parse_float(Interpreter&, const Value&, Args args) {
  std::string scratch;
  std::string_view s = trim_js_space(text_of(arg(args, 0), scratch), true, false);
  std::string_view unsigned_part = s;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) unsigned_part.remove_prefix(1);
  if (unsigned_part.substr(0, 8) == "Infinity") {
    double inf = std::numeric_limits<double>::infinity();
    return Value::number(s[0] == '-' ? -inf : inf);
  }
  size_t n = decimal_prefix_length(s);
  if (n == 0) return Value::number(kNaN);
  return Value::number(decimal_to_double(s.substr(0, n)));
}

// ---- objects ----

// The index keys of an array, as JavaScript's Object.keys gives them ("0", "1", ...).
Value index_keys(size_t n) {
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  items.reserve(n);
  for (size_t i = 0; i < n; ++i) items.push_back(make_string(std::to_string(i)));
  return out;
}

Value keys(Interpreter&, const Value&, Args args) {
  const Value& v = arg(args, 0);
  if (v.is_array()) return index_keys(arr_of(v)->items.size());
  const ObjectObj* o = object_arg(args, 0, "keys");
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  items.reserve(o->props.size());
  for (const auto& e : o->props.entries()) items.push_back(e.key);
  return out;
}

Value values(Interpreter&, const Value&, Args args) {
  const Value& v = arg(args, 0);
  if (v.is_array()) return make_array(arr_of(v)->items);
  const ObjectObj* o = object_arg(args, 0, "Object.values");
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  items.reserve(o->props.size());
  for (const auto& e : o->props.entries()) items.push_back(e.value);
  return out;
}

Value entries(Interpreter&, const Value&, Args args) {
  const ObjectObj* o = object_arg(args, 0, "Object.entries");
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  items.reserve(o->props.size());
  for (const auto& e : o->props.entries()) {
    Value pair = make_array();
    arr_of(pair)->items.push_back(e.key);
    arr_of(pair)->items.push_back(e.value);
    items.push_back(std::move(pair));
  }
  return out;
}

// has(o, k): an object's own key, or an index inside an array.
Value has(Interpreter&, const Value&, Args args) {
  const Value& target = arg(args, 0);
  if (target.is_array()) {
    double i = number_arg(args, 1, "has");
    return Value::boolean(i >= 0 && i == std::trunc(i) &&
                          i < static_cast<double>(arr_of(target)->items.size()));
  }
  const ObjectObj* o = object_arg(args, 0, "has");
  Value key = key_value(arg(args, 1), "has");
  return Value::boolean(o->props.find(str_of(key)) != nullptr);
}

// delete(o, k): removes an object key; true if it was there.
Value remove_key(Interpreter&, const Value&, Args args) {
  ObjectObj* o = object_arg(args, 0, "delete");
  Value key = key_value(arg(args, 1), "delete");
  return Value::boolean(o->props.remove(str_of(key)));
}

// ---- sequences and text ----

// range(n) / range(a, b [, step]) as Python's range; fractional bounds and steps are allowed.
Value range(Interpreter&, const Value&, Args args) {
  double start = 0, stop = 0, step = 1;
  if (args.size() <= 1) {
    stop = number_arg(args, 0, "range");
  } else {
    start = number_arg(args, 0, "range");
    stop = number_arg(args, 1, "range");
    step = number_arg_or(args, 2, 1, "range");
  }
  if (step == 0) range_error("range: step must not be zero");
  double count = std::ceil((stop - start) / step);
  if (std::isnan(count) || count < 0) count = 0;
  if (count > static_cast<double>(kMaxArrayLength)) range_error("range: too many elements");
  auto n = static_cast<size_t>(count);
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  items.reserve(n);
  for (size_t i = 0; i < n; ++i)
    items.push_back(Value::number(start + static_cast<double>(i) * step));
  return out;
}

// format(s, ...): s with each "{}" replaced by the next argument's text.
Value format(Interpreter&, const Value&, Args args) {
  if (args.size() <= 1 && arg(args, 0).is_string()) return args[0];
  std::string scratch;
  std::string_view pattern = text_of(arg(args, 0), scratch);
  std::string out;
  fill_placeholders(out, pattern, args.empty() ? args : args.subspan(1), "format");
  return make_string(out);
}

Value assert_(Interpreter&, const Value&, Args args) {
  if (truthy(arg(args, 0))) return Value::null();
  std::string message = "assertion failed";
  if (!is_missing(args, 1)) {
    message += ": ";
    append_display(message, args[1]);
  }
  throw_error(ErrorKind::RuntimeError, std::move(message));
}

// ---- time ----

Value date_now(Interpreter&, const Value&, Args) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Value::number(static_cast<double>(ms.count()));
}

Value clock(Interpreter&, const Value&, Args) {
  auto t = std::chrono::steady_clock::now().time_since_epoch();
  return Value::number(std::chrono::duration<double>(t).count());
}

void add(GlobalList& out, const char* name, NativeFn fn) {
  out.emplace_back(name, make_native(fn, name));
}

}  // namespace

void add_core_globals(GlobalList& out) {
  add(out, "print", print);
  add(out, "input", input);
  add(out, "len", len);
  add(out, "type", type);
  add(out, "sum", sum);
  add(out, "str", to_string);
  add(out, "String", to_string);
  add(out, "num", to_number);
  add(out, "Number", to_number);
  add(out, "Boolean", to_boolean);
  add(out, "parseInt", parse_int);
  add(out, "parseFloat", parse_float);
  add(out, "keys", keys);
  add(out, "range", range);
  add(out, "format", format);
  add(out, "assert", assert_);
  Value date = make_object();
  add_native(date, "now", date_now, "Date.now");
  out.emplace_back("Date", std::move(date));
  add(out, "clock", clock);
  Value object = make_object();
  add_native(object, "keys", keys, "Object.keys");
  add_native(object, "values", values, "Object.values");
  add_native(object, "entries", entries, "Object.entries");
  out.emplace_back("Object", std::move(object));
  add(out, "has", has);
  add(out, "delete", remove_key);
}

}  // namespace builtins

std::vector<std::pair<std::string, Value>> make_globals(Interpreter&) {
  builtins::GlobalList out;
  builtins::add_core_globals(out);
  builtins::add_math_globals(out);
  builtins::add_json_globals(out);
  builtins::add_file_globals(out);
  builtins::add_dict_globals(out);
  builtins::add_symbolic_globals(out);
  return out;
}

}  // namespace anarchy
