// Number methods: toFixed(n) and toString([radix]), exactly as JavaScript formats them.
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy {

namespace builtins {

namespace {

// The exact decimal expansion of a non-negative finite double (every double is a finite
// binary fraction, so 1074 fractional digits always suffice) - no rounding has happened yet.
std::string exact_decimal(double x) {
  std::array<char, 1500> buf;
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, 1074);
  return std::string(buf.data(), r.ptr);
}

// Adds one unit in the last place of a decimal digit string (which may contain a '.').
void increment_decimal(std::string& digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] == '.') continue;
    if (digits[i] != '9') {
      ++digits[i];
      return;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
}

// Number.prototype.toFixed: round the exact value to `f` decimals, ties away from zero
// (ECMA-262 picks the larger n), so (1.005).toFixed(2) is "1.00" but (0.125).toFixed(2) "0.13".
std::string to_fixed(double x, int f) {
  if (std::isnan(x)) return "NaN";
  if (std::fabs(x) >= 1e21) return number_to_string(x);
  std::string sign = x < 0 ? "-" : "";
  x = std::fabs(x);
  std::string exact = exact_decimal(x);
  size_t point = exact.find('.');
  // Keep f decimals; the first dropped digit decides the rounding (>= 5 rounds up: either a
  // tie, which goes up, or more than half).
  std::string kept = exact.substr(0, f == 0 ? point : point + 1 + static_cast<size_t>(f));
  char dropped = exact[point + 1 + static_cast<size_t>(f)];
  if (dropped >= '5') increment_decimal(kept);
  return sign + kept;
}

Value number_to_fixed(Interpreter&, const Value& self, Args args) {
  double f = to_integer(number_arg_or(args, 0, 0, "toFixed"));
  if (f < 0 || f > 100) range_error("toFixed: digits must be between 0 and 100");
  return make_string(to_fixed(self.as_number(), static_cast<int>(f)));
}

// A double's digits in radix 2..36, after V8's DoubleToRadixCString: fraction digits only as
// far as the double's precision reaches, rounding the last one to even.
std::string to_radix(double value, int radix) {
  static const char kChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  constexpr size_t kSize = 2200;
  std::array<char, kSize> buf;
  size_t int_cursor = kSize / 2;
  size_t frac_cursor = int_cursor;
  bool negative = value < 0;
  if (negative) value = -value;
  double integer = std::floor(value);
  double fraction = value - integer;
  double delta =
      std::max(0.5 * (std::nextafter(value, INFINITY) - value), std::nextafter(0.0, 1.0));
  if (fraction >= delta) {
    buf[frac_cursor++] = '.';
    do {
      fraction *= radix;
      delta *= radix;
      int digit = static_cast<int>(fraction);
      buf[frac_cursor++] = kChars[digit];
      fraction -= digit;
      if (fraction > 0.5 || (fraction == 0.5 && (digit & 1))) {
        if (fraction + delta > 1) {  // round up, carrying through written digits
          while (true) {
            --frac_cursor;
            if (frac_cursor == kSize / 2) {
              integer += 1;
              break;
            }
            char c = buf[frac_cursor];
            int d = c > '9' ? c - 'a' + 10 : c - '0';
            if (d + 1 < radix) {
              buf[frac_cursor++] = kChars[d + 1];
              break;
            }
          }
          break;
        }
      }
    } while (fraction >= delta && frac_cursor < kSize - 1);
  }
  // Integer digits; above 2^53 the low digits are not represented and print as zeros.
  while (integer / radix >= 9007199254740992.0) {
    integer /= radix;
    buf[--int_cursor] = '0';
  }
  do {
    double remainder = std::fmod(integer, radix);
    buf[--int_cursor] = kChars[static_cast<int>(remainder)];
    integer = (integer - remainder) / radix;
  } while (integer > 0);
  if (negative) buf[--int_cursor] = '-';
  return std::string(buf.data() + int_cursor, buf.data() + frac_cursor);
}

Value number_to_string_method(Interpreter&, const Value& self, Args args) {
  double radix = to_integer(number_arg_or(args, 0, 10, "toString"));
  if (radix < 2 || radix > 36) range_error("toString: radix must be between 2 and 36");
  double x = self.as_number();
  if (radix == 10 || !std::isfinite(x)) return make_string(number_to_string(x));
  return make_string(to_radix(x, static_cast<int>(radix)));
}

}  // namespace

}  // namespace builtins

NativeFn find_number_method(std::string_view name) {
  if (name == "toFixed") return builtins::number_to_fixed;
  if (name == "toString") return builtins::number_to_string_method;
  return nullptr;
}

}  // namespace anarchy
