// Text forms of values (value_text.hpp) and the number/text conversions built-ins share.
#include "anarchy/interpreter/value_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "anarchy/interpreter/errors.hpp"
#include "anarchy/interpreter/objects.hpp"
#include "builtins_support.hpp"

namespace anarchy {

// Defined by the evaluator: the declared name of a guest function, empty when anonymous.
std::string_view function_name(const FuncObj* f);

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

namespace {

constexpr double kTwo53 = 9007199254740992.0;

// Writes the JavaScript form of a finite, non-zero-exponent-special number given its shortest
// round-trip digits and decimal point position: value = 0.DIGITS * 10^point (ECMA-262
// Number::toString, with n = point and k = digits.size()).
void append_js_digits(std::string& out, std::string_view digits, int point) {
  const int k = static_cast<int>(digits.size());
  const int n = point;
  if (k <= n && n <= 21) {  // integer: digits then zeros
    out.append(digits);
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {  // point inside the digits
    out.append(digits.substr(0, static_cast<size_t>(n)));
    out.push_back('.');
    out.append(digits.substr(static_cast<size_t>(n)));
  } else if (-6 < n && n <= 0) {  // small: 0.000ddd
    out.append("0.");
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits);
  } else {  // exponent form: d[.ddd]e+x
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits.substr(1));
    }
    const int e = n - 1;
    out.push_back('e');
    out.push_back(e < 0 ? '-' : '+');
    out.append(std::to_string(e < 0 ? -e : e));
  }
}

}  // namespace

void append_number(std::string& out, double d) {
  if (std::isnan(d)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out.append(d < 0 ? "-Infinity" : "Infinity");
    return;
  }
  if (d == 0) {  // both zeros print "0"
    out.push_back('0');
    return;
  }
  // Fast path: integers below 2^53 are exactly their decimal digits.
  if (std::fabs(d) < kTwo53 && d == std::trunc(d)) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
    out.append(buf, r.ptr);
    return;
  }
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  // Shortest round-trip digits in scientific form "d.ddde[+-]x", then JavaScript's layout.
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits.push_back(c);
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  append_js_digits(out, digits, exponent + 1);
}

std::string number_to_string(double d) {
  std::string s;
  append_number(s, d);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Display (print's form)
// ---------------------------------------------------------------------------------------------

void append_json_quoted(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// Prints a value in print's form. Nesting is walked with an explicit stack rather than by
// recursion, so even a value nested kMaxNesting deep costs no native stack; the stack is also
// the path of open containers, so a container that contains itself prints "[...]" / "{...}"
// where it recurs (shared, non-cyclic parts print in full). No guest code runs while printing,
// so the containers cannot change under the walk.
class DisplayWriter {
 public:
  explicit DisplayWriter(std::string& out) : out_(out) {}

  void top(const Value& v) {
    if (v.is_string()) {
      out_.append(str_of(v)->view());
    } else if (const Value* msg = error_message(v)) {
      top(*msg);
    } else {
      nested(v);
    }
  }

 private:
  struct Frame {
    const HeapObj* container;
    bool is_array;
    size_t next;  // index of the next element or entry to print
  };

  // An error object's message, which is how errors print. Only a scalar message counts, so
  // a guest that stores a container there (even the error itself) gets the plain object form.
  static const Value* error_message(const Value& v) {
    if (!v.is_object() || !obj_of(v)->is_error) return nullptr;
    const Value* m = builtins::find_property(obj_of(v)->props, "message");
    return m && !m->is_array() && !m->is_object() ? m : nullptr;
  }

  void nested(const Value& root) {
    element(root);
    while (!stack_.empty()) {
      // Shared sub-values can make the text exponentially longer than the value is big.
      if (out_.size() > builtins::kMaxStringBytes)
        builtins::range_error("value is too large to convert to text");
      Frame& f = stack_.back();
      if (f.is_array) {
        const ValueVector& items = static_cast<const ArrayObj*>(f.container)->items;
        if (f.next == items.size()) {
          close(']');
          continue;
        }
        if (f.next) out_.append(", ");
        element(items[f.next++]);  // may push: f is not used after this
      } else {
        auto entries = static_cast<const ObjectObj*>(f.container)->props.entries();
        if (f.next == entries.size()) {
          close('}');
          continue;
        }
        if (f.next) out_.append(", ");
        const auto& e = entries[f.next++];
        key(str_of(e.key)->view());
        element(e.value);
      }
    }
  }

  // Writes a scalar, or opens a container (pushing a frame) unless it is empty or recurs.
  void element(const Value& v) {
    switch (v.tag()) {
      case Tag::Unset:
      case Tag::Null:
        out_.append("null");
        break;
      case Tag::Bool:
        out_.append(v.as_bool() ? "true" : "false");
        break;
      case Tag::Number:
        append_number(out_, v.as_number());
        break;
      case Tag::String:
        append_json_quoted(out_, str_of(v)->view());
        break;
      case Tag::Array:
        open(arr_of(v), true, arr_of(v)->items.empty(), "[", "[...]", "[]");
        break;
      case Tag::Object:
        if (const Value* msg = error_message(v))
          element(*msg);  // a scalar: no recursion
        else
          open(obj_of(v), false, obj_of(v)->props.size() == 0, "{", "{...}", "{}");
        break;
      case Tag::Function:
        function(v.as<FuncObj>());
        break;
      case Tag::Native:
        native(v.as<NativeObj>());
        break;
      case Tag::Module:
        out_.append("<module>");
        break;
    }
  }

  void open(const HeapObj* o, bool is_array, bool empty, const char* start, const char* recurs,
            const char* empty_form) {
    for (const Frame& f : stack_) {
      if (f.container == o) {
        out_.append(recurs);
        return;
      }
    }
    if (empty) {
      out_.append(empty_form);
      return;
    }
    if (stack_.size() >= builtins::kMaxNesting)
      builtins::range_error("value is nested too deeply to convert to text");
    out_.append(start);
    stack_.push_back(Frame{o, is_array, 0});
  }

  void close(char bracket) {
    out_.push_back(bracket);
    stack_.pop_back();
  }

  void key(std::string_view k) {
    if (is_identifier(k))
      out_.append(k);
    else
      append_json_quoted(out_, k);
    out_.append(": ");
  }

  void function(const FuncObj* f) {
    std::string_view name = function_name(f);
    out_.append("<function");
    if (!name.empty()) {
      out_.push_back(' ');
      out_.append(name);
    }
    out_.push_back('>');
  }

  void native(const NativeObj* n) {
    out_.append("<function");
    if (n->name && *n->name) {
      out_.push_back(' ');
      out_.append(n->name);
    }
    out_.push_back('>');
  }

  std::string& out_;
  std::vector<Frame> stack_;
};

}  // namespace

void append_display(std::string& out, const Value& v) {
  switch (v.tag()) {  // the common scalar cases without building a writer
    case Tag::String:
      out.append(str_of(v)->view());
      return;
    case Tag::Number:
      append_number(out, v.as_number());
      return;
    default:
      DisplayWriter(out).top(v);
  }
}

std::string to_display(const Value& v) {
  std::string s;
  append_display(s, v);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Types, truth, equality
// ---------------------------------------------------------------------------------------------

const char* type_name(const Value& v) {
  switch (v.tag()) {
    case Tag::Unset:
    case Tag::Null:
      return "null";
    case Tag::Bool:
      return "boolean";
    case Tag::Number:
      return "number";
    case Tag::String:
      return "string";
    case Tag::Array:
      return "array";
    case Tag::Object:
    case Tag::Module:
      return "object";
    case Tag::Function:
    case Tag::Native:
      return "function";
  }
  return "null";
}

bool truthy(const Value& v) {
  switch (v.tag()) {
    case Tag::Unset:
    case Tag::Null:
      return false;
    case Tag::Bool:
      return v.as_bool();
    case Tag::Number:
      return v.as_number() != 0 && !std::isnan(v.as_number());
    case Tag::String:
      return str_of(v)->length != 0;
    default:
      return true;
  }
}

bool strict_equals(const Value& a, const Value& b) {
  if (a.tag() != b.tag()) return false;
  switch (a.tag()) {
    case Tag::Unset:
    case Tag::Null:
      return true;
    case Tag::Bool:
      return a.as_bool() == b.as_bool();
    case Tag::Number:
      return a.as_number() == b.as_number();  // NaN != NaN, 0 == -0
    case Tag::String:
      return strings_equal(str_of(a), str_of(b));
    default:
      return a.same_payload(b);
  }
}

// ---------------------------------------------------------------------------------------------
// Text to number
// ---------------------------------------------------------------------------------------------

namespace builtins {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  char l = static_cast<char>(c | 0x20);
  return l >= 'a' && l <= 'z' ? l - 'a' + 10 : 99;
}

namespace {

// Byte length of the JavaScript white space character starting at s[i], or 0.
size_t space_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned c = b(0);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  if (c == 0xC2 && b(1) == 0xA0) return 2;                  // U+00A0
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80 && (b(2) <= 0x8A || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF) &&
      b(2) >= 0x80)
    return 3;                                               // U+2000-200A, 2028/9, 202F
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  if (c == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

// Byte length of a white space character that ends s, or 0.
size_t space_before_end(std::string_view s) {
  for (size_t len : {size_t{1}, size_t{2}, size_t{3}})
    if (s.size() >= len && space_at(s, s.size() - len) == len) return len;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t digit_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

bool all_digits_of_radix(std::string_view s, int radix) {
  if (s.empty()) return false;
  for (char c : s)
    if (digit_value(c) >= radix) return false;
  return true;
}

// Power-of-two radix: exact, correctly rounded. The leading digits are gathered in 64 bits;
// any non-zero digit past them is folded into the lowest bit (far below the 53 bits a double
// keeps), so the one uint64 -> double rounding is correct.
double power_of_two_digits(std::string_view digits, int radix) {
  int bits_per_digit = std::countr_zero(static_cast<unsigned>(radix));
  uint64_t value = 0;
  size_t i = 0;
  for (; i < digits.size() && value < (uint64_t{1} << (64 - bits_per_digit)); ++i)
    value = (value << bits_per_digit) | static_cast<uint64_t>(digit_value(digits[i]));
  int scale = 0;
  bool sticky = false;
  for (; i < digits.size(); ++i) {
    sticky = sticky || digits[i] != '0';
    scale = std::min(scale + bits_per_digit, 4096);  // beyond 2^1024 it is Infinity anyway
  }
  if (sticky) value |= 1;
  return std::ldexp(static_cast<double>(value), scale);
}

// Other radices: V8's approximation (allowed by ECMA-262 for radices other than 2, 4, 8, 10,
// 16 and 32), kept identical so results match: leading zeros skipped, then 32-bit chunks
// multiplied into a double.
double chunked_digits(std::string_view digits, int radix) {
  double result = 0;
  size_t i = digits.find_first_not_of('0');
  if (i == std::string_view::npos) return 0;
  while (i < digits.size()) {
    uint32_t part = 0, multiplier = 1;
    while (i < digits.size()) {
      uint32_t m = multiplier * static_cast<uint32_t>(radix);
      if (m > 0xFFFFFFFFu / 36) break;
      part = part * static_cast<uint32_t>(radix) + static_cast<uint32_t>(digit_value(digits[i]));
      multiplier = m;
      ++i;
    }
    result = result * multiplier + part;
  }
  return result;
}

}  // namespace

double radix_digits_to_double(std::string_view digits, int radix) {
  if (radix == 10) return decimal_to_double(digits);
  if (std::has_single_bit(static_cast<unsigned>(radix))) return power_of_two_digits(digits, radix);
  return chunked_digits(digits, radix);
}

std::string_view trim_js_space(std::string_view s, bool start, bool end) {
  if (start)
    while (size_t n = space_at(s, 0)) s.remove_prefix(n);
  if (end)
    while (size_t n = space_before_end(s)) s.remove_suffix(n);
  return s;
}

size_t decimal_prefix_length(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = digit_run(s, i);
  i += int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    frac_digits = digit_run(s, i + 1);
    if (int_digits == 0 && frac_digits == 0) return 0;
    i += 1 + frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {  // exponent only if it has digits
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_digits = digit_run(s, j);
    if (exp_digits) i = j + exp_digits;
  }
  return i;
}

double decimal_to_double(std::string_view literal) {
  bool negative = false;
  if (!literal.empty() && (literal[0] == '+' || literal[0] == '-')) {
    negative = literal[0] == '-';
    literal.remove_prefix(1);
  }
  double v = 0;
  auto r = std::from_chars(literal.data(), literal.data() + literal.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Too large or too small for a double: decide which from the decimal exponent.
    size_t e_pos = literal.find_first_of("eE");
    std::string_view mant = literal.substr(0, e_pos);
    long long exp10 = 0;
    if (e_pos != std::string_view::npos) {
      std::string_view e = literal.substr(e_pos + 1);
      bool eneg = !e.empty() && e[0] == '-';
      if (!e.empty() && (e[0] == '+' || e[0] == '-')) e.remove_prefix(1);
      for (char c : e) exp10 = std::min<long long>(exp10 * 10 + (c - '0'), 1'000'000'000);
      if (eneg) exp10 = -exp10;
    }
    size_t point = mant.find('.');
    if (point == std::string_view::npos) point = mant.size();
    size_t first = mant.find_first_of("123456789");
    long long magnitude = first < point ? static_cast<long long>(point - first)
                                        : -static_cast<long long>(first - point - 1);
    v = magnitude + exp10 > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return negative ? -v : v;
}

}  // namespace builtins

double string_to_number(std::string_view s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  s = builtins::trim_js_space(s, true, true);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {  // 0x / 0o / 0b literals (no sign allowed)
    char p = static_cast<char>(s[1] | 0x20);
    int radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (radix) {
      std::string_view digits = s.substr(2);
      return builtins::all_digits_of_radix(digits, radix)
                 ? builtins::radix_digits_to_double(digits, radix)
                 : kNaN;
    }
  }
  std::string_view unsigned_part = s;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    unsigned_part.remove_prefix(1);
  }
  if (unsigned_part == "Infinity")
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  if (builtins::decimal_prefix_length(s) != s.size()) return kNaN;
  return builtins::decimal_to_double(s);
}

}  // namespace anarchy
