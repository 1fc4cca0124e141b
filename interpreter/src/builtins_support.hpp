// Private helpers shared by the builtins_*.cpp files: argument checking, limits, text helpers
// and the per-file registration functions make_globals() calls. Not a public header.
// Nothing here is async-signal-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "anarchy/interpreter/errors.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/objects.hpp"
#include "anarchy/interpreter/value.hpp"

namespace anarchy::builtins {

using GlobalList = std::vector<std::pair<std::string, Value>>;

// ---- limits: a guest program must not be able to crash us by asking for too much ----

// Longest string a built-in will build (V8's limit is about the same); beyond it RangeError.
constexpr size_t kMaxStringBytes = size_t{1} << 29;
// Longest array a built-in will build in one call (range, repeat-like growth).
constexpr size_t kMaxArrayLength = size_t{1} << 26;
// Deepest nesting printing, JSON.stringify and JSON.parse follow before a RangeError.
constexpr size_t kMaxNesting = 10000;

// ---- arguments ----

// The i-th argument, or an Unset value when the call passed fewer.
const Value& arg(Args args, size_t i);
// True when the argument is absent or null (JavaScript's "undefined" for optional arguments).
inline bool is_missing(Args args, size_t i) {
  return i >= args.size() || args[i].is_unset() || args[i].is_null();
}

[[noreturn]] void type_error(std::string message);
[[noreturn]] void range_error(std::string message);

// Typed argument accessors: a TypeError naming `fn` when the type is wrong.
double number_arg(Args args, size_t i, const char* fn);
StrObj* string_arg(Args args, size_t i, const char* fn);
ArrayObj* array_arg(Args args, size_t i, const char* fn);
ObjectObj* object_arg(Args args, size_t i, const char* fn);
const Value& callable_arg(Args args, size_t i, const char* fn);
// An optional number: `fallback` when absent or null, else it must be a number.
double number_arg_or(Args args, size_t i, double fallback, const char* fn);

// JavaScript's ToIntegerOrInfinity for a number already checked: NaN -> 0, else truncated.
double to_integer(double d);
// A relative position (negative counts from the end) clamped to [0, len], as slice() takes it.
size_t relative_index(double rel, size_t len);
// A position clamped to [0, len] (substring, startsWith, ...).
size_t clamp_index(double pos, size_t len);

// The text of a value: a string's own characters, else what print shows (into `scratch`).
std::string_view text_of(const Value& v, std::string& scratch);
// A property key for has/delete/dict: strings as they are, numbers as their text.
Value key_value(const Value& v, const char* fn);

// Checks a size a built-in is about to build; RangeError "<what> too long" beyond the limit.
void check_string_size(size_t bytes, const char* fn);

// ---- text helpers (value_text.cpp) ----

// Removes JavaScript white space (ASCII and the Unicode spaces, line terminators and BOM,
// encoded as UTF-8) from the start and/or end.
std::string_view trim_js_space(std::string_view s, bool start, bool end);
// A validated decimal literal ([+-]digits[.digits][e[+-]digits]) to the nearest double;
// overflow gives +-Infinity and underflow +-0, as JavaScript does.
double decimal_to_double(std::string_view literal);
// A digit of radix up to 36 (letters in either case); 99 for anything else.
int digit_value(char c);
// The value of digits (all valid in radix 2..36, no sign or prefix) as parseInt computes it:
// exact for radix 10 and powers of two, V8's approximation for other radices.
double radix_digits_to_double(std::string_view digits, int radix);
// Length of the longest prefix of s that is a JavaScript StrDecimalLiteral without the
// "Infinity" spelling (digits, optional fraction, optional exponent; sign allowed); 0 if none.
size_t decimal_prefix_length(std::string_view s);

// ---- objects ----

// The value stored under `key` (linear scan; for built-ins, not the evaluator's hot path).
const Value* find_property(const PropertyMap& props, std::string_view key);
// Adds a native function property to a namespace object.
void add_native(const Value& object, const char* name, NativeFn fn, const char* qualified_name);
void add_value(const Value& object, const char* name, Value value);

// ---- JSON (builtins_json.cpp), reused by dict.load / dict.save ----

Value json_parse(std::string_view text);
// JSON.stringify with no replacer; returns false when the value has no JSON form (a function).
bool json_stringify(const Value& v, std::string_view indent, std::string& out);

// ---- files (builtins_files.cpp), reused by dict.load / dict.save; IOError on failure ----

std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view text, bool append);

// ---- registration: each builtins_*.cpp adds its global names ----

void add_core_globals(GlobalList& out);
void add_math_globals(GlobalList& out);
void add_json_globals(GlobalList& out);
void add_file_globals(GlobalList& out);
void add_dict_globals(GlobalList& out);
// The symbols ⌽ ∑ 🔤 🔢 ⎋ 📝 🔄 as aliases of globals already in `out` (so it runs last).
void add_symbolic_globals(GlobalList& out);

// print's and format's placeholder filling: every "{}" takes the next argument's text;
// surplus arguments are ignored, too few is a RuntimeError.
void fill_placeholders(std::string& out, std::string_view pattern, Args values, const char* fn);

}  // namespace anarchy::builtins
