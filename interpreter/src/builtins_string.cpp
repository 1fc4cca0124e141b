// String methods (`s.m(...)`) and string properties (`length`, `len`).
//
// Strings are byte strings holding UTF-8: `length`, indices and positions count bytes, as the
// rest of the language does (`s[i]`, `len`, bytewise `<`). The conformance tests only use
// ASCII for positions, and bytes keep every operation O(1) per character and never split a
// string differently from how it is indexed. toUpperCase/toLowerCase change ASCII letters only.
// Arguments follow JavaScript: text arguments are converted to text (`"a1".split(1)`),
// positions must be numbers (null or absent means the default).
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"
#include "method_table.hpp"

namespace anarchy {

namespace builtins {

namespace {

std::string_view self_text(const Value& self) { return str_of(self)->view(); }

Value string_result(std::string_view text, const char* fn) {
  check_string_size(text.size(), fn);
  return make_string(text);
}

// ---- searching ----

Value index_of(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view s = self_text(self);
  std::string_view sub = text_of(arg(args, 0), scratch);
  size_t from = clamp_index(number_arg_or(args, 1, 0, "indexOf"), s.size());
  size_t at = s.find(sub, from);
  return Value::number(at == std::string_view::npos ? -1 : static_cast<double>(at));
}

Value last_index_of(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view s = self_text(self);
  std::string_view sub = text_of(arg(args, 0), scratch);
  double from = number_arg_or(args, 1, INFINITY, "lastIndexOf");
  size_t at = s.rfind(sub, std::isnan(from) ? s.size() : clamp_index(from, s.size()));
  return Value::number(at == std::string_view::npos ? -1 : static_cast<double>(at));
}

Value includes(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view s = self_text(self);
  std::string_view sub = text_of(arg(args, 0), scratch);
  size_t from = clamp_index(number_arg_or(args, 1, 0, "includes"), s.size());
  return Value::boolean(s.find(sub, from) != std::string_view::npos);
}

Value starts_with(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view s = self_text(self);
  std::string_view sub = text_of(arg(args, 0), scratch);
  size_t pos = clamp_index(number_arg_or(args, 1, 0, "startsWith"), s.size());
  return Value::boolean(s.substr(pos).starts_with(sub));
}

Value ends_with(Interpreter&, const Value& self, Args args) {
  std::string scratch;
  std::string_view s = self_text(self);
  std::string_view sub = text_of(arg(args, 0), scratch);
  size_t end =
      clamp_index(number_arg_or(args, 1, static_cast<double>(s.size()), "endsWith"), s.size());
  return Value::boolean(s.substr(0, end).ends_with(sub));
}

// ---- pieces ----

Value char_at(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  double i = to_integer(number_arg_or(args, 0, 0, "charAt"));
  if (i < 0 || i >= static_cast<double>(s.size())) return make_string("");
  return make_string(s.substr(static_cast<size_t>(i), 1));
}

Value char_code_at(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  double i = to_integer(number_arg_or(args, 0, 0, "charCodeAt"));
  if (i < 0 || i >= static_cast<double>(s.size())) return Value::number(NAN);
  return Value::number(static_cast<unsigned char>(s[static_cast<size_t>(i)]));
}

// substring(start [, end]): positions clamped to the string, swapped if out of order.
Value substring(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  size_t a = clamp_index(number_arg_or(args, 0, 0, "substring"), s.size());
  size_t b =
      clamp_index(number_arg_or(args, 1, static_cast<double>(s.size()), "substring"), s.size());
  if (a > b) std::swap(a, b);
  return make_string(s.substr(a, b - a));
}

// slice(start [, end]): negative positions count from the end.
Value slice(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  size_t a = relative_index(number_arg_or(args, 0, 0, "slice"), s.size());
  size_t b =
      relative_index(number_arg_or(args, 1, static_cast<double>(s.size()), "slice"), s.size());
  return make_string(a < b ? s.substr(a, b - a) : std::string_view());
}

// split([sep [, limit]]): "" splits into single bytes; no separator gives [s].
Value split(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  double limit_arg = number_arg_or(args, 1, -1, "split");
  size_t limit = limit_arg < 0 || std::isnan(limit_arg)
                     ? SIZE_MAX
                     : static_cast<size_t>(to_integer(limit_arg));
  Value out = make_array();
  ValueVector& items = arr_of(out)->items;
  if (limit == 0) return out;
  if (is_missing(args, 0)) {
    items.push_back(self);
    return out;
  }
  std::string scratch;
  std::string_view sep = text_of(args[0], scratch);
  if (sep.empty()) {
    size_t n = std::min(s.size(), limit);
    if (n > kMaxArrayLength) range_error("split: too many pieces");
    items.reserve(n);
    for (size_t i = 0; i < n; ++i) items.push_back(make_string(s.substr(i, 1)));
    return out;
  }
  size_t pos = 0;
  while (items.size() < limit) {
    size_t at = s.find(sep, pos);
    if (at == std::string_view::npos) {
      items.push_back(make_string(s.substr(pos)));
      break;
    }
    items.push_back(make_string(s.substr(pos, at - pos)));
    pos = at + sep.size();
  }
  return out;
}

// ---- transformations ----

Value trim(Interpreter&, const Value& self, Args) {
  return make_string(trim_js_space(self_text(self), true, true));
}
Value trim_start(Interpreter&, const Value& self, Args) {
  return make_string(trim_js_space(self_text(self), true, false));
}
Value trim_end(Interpreter&, const Value& self, Args) {
  return make_string(trim_js_space(self_text(self), false, true));
}

Value change_case(const Value& self, bool upper) {
  std::string t(self_text(self));
  for (char& c : t) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return make_string(t);
}
Value to_upper(Interpreter&, const Value& self, Args) { return change_case(self, true); }
Value to_lower(Interpreter&, const Value& self, Args) { return change_case(self, false); }

// The text that replaces one match: the replacement text, or what a replacement function
// returns for (match, offset, whole string).
void append_replacement(Interpreter& interp, std::string& out, const Value& with,
                        std::string_view with_text, std::string_view match, size_t offset,
                        const Value& self) {
  if (!with.is_callable()) {
    out.append(with_text);
    return;
  }
  std::array<Value, 3> cb{make_string(match), Value::number(static_cast<double>(offset)), self};
  Value r = interp.call_callback(with, cb);
  append_display(out, r);
}

// replace(pattern, replacement): every occurrence (LANGUAGE.md section 5), like replaceAll.
// The replacement is literal text (no $ patterns) or a function. An empty pattern matches
// between all bytes, as replaceAll("") does.
Value replace(Interpreter& interp, const Value& self, Args args) {
  std::string pattern_scratch, with_scratch;
  std::string_view s = self_text(self);
  std::string_view pattern = text_of(arg(args, 0), pattern_scratch);
  const Value& with = arg(args, 1);
  std::string_view with_text =
      with.is_callable() ? std::string_view() : text_of(with, with_scratch);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t at = s.find(pattern, pos);
    if (at == std::string_view::npos) break;
    out.append(s.substr(pos, at - pos));
    append_replacement(interp, out, with, with_text, pattern, at, self);
    check_string_size(out.size(), "replace");
    if (pattern.empty()) {
      if (at == s.size()) {
        pos = at;
        break;
      }
      out.push_back(s[at]);
      pos = at + 1;
    } else {
      pos = at + pattern.size();
    }
  }
  out.append(s.substr(pos));
  return string_result(out, "replace");
}

Value repeat(Interpreter&, const Value& self, Args args) {
  std::string_view s = self_text(self);
  double n = to_integer(number_arg_or(args, 0, 0, "repeat"));
  if (n < 0 || std::isinf(n)) range_error("repeat: count must be a non-negative finite number");
  if (s.empty() || n == 0) return make_string("");
  if (n > static_cast<double>(kMaxStringBytes / s.size()))
    range_error("repeat: result string is too long");
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) out.append(s);
  return make_string(out);
}

// padStart / padEnd(length [, fill]): fill repeated (and cut) up to length bytes.
Value pad(const Value& self, Args args, bool at_start, const char* fn) {
  std::string_view s = self_text(self);
  double target = to_integer(number_arg_or(args, 0, 0, fn));
  std::string scratch;
  std::string_view fill = is_missing(args, 1) ? std::string_view(" ") : text_of(args[1], scratch);
  if (target <= static_cast<double>(s.size()) || fill.empty()) return self;
  if (target > static_cast<double>(kMaxStringBytes))
    range_error(std::string(fn) + ": result string is too long");
  size_t need = static_cast<size_t>(target) - s.size();
  std::string padding;
  padding.reserve(need);
  while (padding.size() < need) padding.append(fill.substr(0, need - padding.size()));
  return make_string(at_start ? padding + std::string(s) : std::string(s) + padding);
}
Value pad_start(Interpreter&, const Value& self, Args args) {
  return pad(self, args, true, "padStart");
}
Value pad_end(Interpreter&, const Value& self, Args args) {
  return pad(self, args, false, "padEnd");
}

Value concat(Interpreter&, const Value& self, Args args) {
  std::string out(self_text(self));
  for (const Value& v : args) {
    append_display(out, v);
    check_string_size(out.size(), "concat");
  }
  return make_string(out);
}

Value to_string(Interpreter&, const Value& self, Args) { return self; }

// Sorted by name for binary search (checked below at compile time).
constexpr Method kMethods[] = {
    {"charAt", char_at},
    {"charCodeAt", char_code_at},
    {"concat", concat},
    {"endsWith", ends_with},
    {"includes", includes},
    {"indexOf", index_of},
    {"lastIndexOf", last_index_of},
    {"padEnd", pad_end},
    {"padStart", pad_start},
    {"repeat", repeat},
    {"replace", replace},
    {"replaceAll", replace},
    {"slice", slice},
    {"split", split},
    {"startsWith", starts_with},
    {"substring", substring},
    {"toLowerCase", to_lower},
    {"toString", to_string},
    {"toUpperCase", to_upper},
    {"trim", trim},
    {"trimEnd", trim_end},
    {"trimStart", trim_start},
};

static_assert(sorted_by_name(kMethods), "kMethods must stay sorted by name");

}  // namespace

}  // namespace builtins

NativeFn find_string_method(std::string_view name) {
  return builtins::find_method(builtins::kMethods, name);
}

Value string_property(const Value& s, std::string_view name) {
  if (name == "length" || name == "len") return Value::number(str_of(s)->length);
  return Value();
}

}  // namespace anarchy
