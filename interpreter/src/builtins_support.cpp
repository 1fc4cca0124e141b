// Helpers shared by the built-in library (builtins_support.hpp).
#include "builtins_support.hpp"

#include <cmath>
#include <string>

#include "anarchy/interpreter/value_text.hpp"

namespace anarchy::builtins {

namespace {

const Value kUnset;

[[noreturn]] void wrong_type(const char* fn, size_t i, const char* expected, const Value& got) {
  type_error(std::string(fn) + ": argument " + std::to_string(i + 1) + " must be " + expected +
             ", got " + type_name(got));
}

}  // namespace

const Value& arg(Args args, size_t i) { return i < args.size() ? args[i] : kUnset; }

void type_error(std::string message) { throw_error(ErrorKind::TypeError, std::move(message)); }
void range_error(std::string message) { throw_error(ErrorKind::RangeError, std::move(message)); }

double number_arg(Args args, size_t i, const char* fn) {
  const Value& v = arg(args, i);
  if (!v.is_number()) wrong_type(fn, i, "a number", v);
  return v.as_number();
}

double number_arg_or(Args args, size_t i, double fallback, const char* fn) {
  return is_missing(args, i) ? fallback : number_arg(args, i, fn);
}

StrObj* string_arg(Args args, size_t i, const char* fn) {
  const Value& v = arg(args, i);
  if (!v.is_string()) wrong_type(fn, i, "a string", v);
  return str_of(v);
}

ArrayObj* array_arg(Args args, size_t i, const char* fn) {
  const Value& v = arg(args, i);
  if (!v.is_array()) wrong_type(fn, i, "an array", v);
  return arr_of(v);
}

ObjectObj* object_arg(Args args, size_t i, const char* fn) {
  const Value& v = arg(args, i);
  if (!v.is_object()) wrong_type(fn, i, "an object", v);
  return obj_of(v);
}

const Value& callable_arg(Args args, size_t i, const char* fn) {
  const Value& v = arg(args, i);
  if (!v.is_callable()) wrong_type(fn, i, "a function", v);
  return v;
}

double to_integer(double d) { return std::isnan(d) ? 0 : std::trunc(d); }

size_t relative_index(double rel, size_t len) {
  double r = to_integer(rel);
  double n = static_cast<double>(len);
  if (r < 0) return r + n <= 0 ? 0 : static_cast<size_t>(r + n);
  return r >= n ? len : static_cast<size_t>(r);
}

size_t clamp_index(double pos, size_t len) {
  double p = to_integer(pos);
  if (p <= 0) return 0;
  return p >= static_cast<double>(len) ? len : static_cast<size_t>(p);
}

std::string_view text_of(const Value& v, std::string& scratch) {
  if (v.is_string()) return str_of(v)->view();
  scratch.clear();
  append_display(scratch, v);
  return scratch;
}

Value key_value(const Value& v, const char* fn) {
  if (v.is_string()) return v;
  if (v.is_number()) return make_string(number_to_string(v.as_number()));
  type_error(std::string(fn) + ": a key must be a string or a number, got " + type_name(v));
}

void check_string_size(size_t bytes, const char* fn) {
  if (bytes > kMaxStringBytes) range_error(std::string(fn) + ": result string is too long");
}

const Value* find_property(const PropertyMap& props, std::string_view key) {
  for (const auto& e : props.entries())
    if (str_of(e.key)->view() == key) return &e.value;
  return nullptr;
}

void add_native(const Value& object, const char* name, NativeFn fn, const char* qualified_name) {
  obj_of(object)->props.set(make_string(name), make_native(fn, qualified_name));
}

void add_value(const Value& object, const char* name, Value value) {
  obj_of(object)->props.set(make_string(name), std::move(value));
}

void fill_placeholders(std::string& out, std::string_view pattern, Args values, const char* fn) {
  size_t next = 0;
  size_t pos = 0;
  while (true) {
    size_t hole = pattern.find("{}", pos);
    if (hole == std::string_view::npos) break;
    if (next >= values.size())
      throw_error(ErrorKind::RuntimeError,
                  std::string(fn) + ": not enough arguments for the {} placeholders");
    out.append(pattern.substr(pos, hole - pos));
    append_display(out, values[next++]);
    check_string_size(out.size(), fn);
    pos = hole + 2;
  }
  out.append(pattern.substr(pos));
}

}  // namespace anarchy::builtins
