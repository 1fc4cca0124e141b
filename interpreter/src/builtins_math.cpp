// The Math namespace and the bare math names (abs floor ceil round min max sqrt pow random).
// Results follow JavaScript's Math, which differs from <cmath> in a few corners (round halves
// up, pow(1, Infinity) is NaN, min/max order -0 below +0 and propagate NaN).
// Arguments must be numbers (a TypeError otherwise); surplus arguments are ignored.
#include <cmath>
#include <limits>
#include <numbers>

#include "builtins_support.hpp"

namespace anarchy::builtins {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Math.round: the nearest integer, halves toward +Infinity; keeps -0 for -0.5 <= x < 0.
double js_round(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  if (x < 0 && x >= -0.5) return -0.0;
  double r = std::floor(x);
  return x - r >= 0.5 ? r + 1 : r;  // x - floor(x) is exact for doubles
}

double js_pow(double base, double exponent) {
  if (std::isnan(exponent)) return kNaN;
  if (std::isinf(exponent) && std::fabs(base) == 1) return kNaN;
  return std::pow(base, exponent);
}

// glibc's cbrt is off by an ulp on some perfect cubes (cbrt(27) = 3.0000000000000004); V8's
// gives the exact root there, so an exact integer root is preferred when there is one.
double js_cbrt(double x) {
  double r = std::cbrt(x);
  double whole = std::round(r);
  return whole * whole * whole == x ? whole : r;
}

double js_sign(double x) {
  if (std::isnan(x) || x == 0) return x;
  return x > 0 ? 1 : -1;
}

// Math.min / Math.max: NaN wins, and -0 counts as smaller than +0.
Value extremum(Args args, bool want_max, const char* fn) {
  double best = want_max ? -kInf : kInf;
  bool nan = false;
  for (size_t i = 0; i < args.size(); ++i) {
    double x = number_arg(args, i, fn);
    if (std::isnan(x)) {
      nan = true;
    } else if (x == best && x == 0) {
      if (std::signbit(x) != want_max) best = x;  // prefer +0 for max, -0 for min
    } else if (want_max ? x > best : x < best) {
      best = x;
    }
  }
  return Value::number(nan ? kNaN : best);
}

Value min(Interpreter&, const Value&, Args args) { return extremum(args, false, "Math.min"); }
Value max(Interpreter&, const Value&, Args args) { return extremum(args, true, "Math.max"); }

Value hypot(Interpreter&, const Value&, Args args) {
  bool nan = false;
  double largest = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    double x = std::fabs(number_arg(args, i, "Math.hypot"));
    if (std::isinf(x)) return Value::number(kInf);
    if (std::isnan(x))
      nan = true;
    else if (x > largest)
      largest = x;
  }
  if (nan) return Value::number(kNaN);
  if (largest == 0) return Value::number(0);
  double sum = 0;  // scaled by the largest magnitude so squares cannot overflow
  for (const Value& v : args) sum += (v.as_number() / largest) * (v.as_number() / largest);
  return Value::number(largest * std::sqrt(sum));
}

Value pow(Interpreter&, const Value&, Args args) {
  return Value::number(js_pow(number_arg(args, 0, "Math.pow"), number_arg(args, 1, "Math.pow")));
}

Value atan2(Interpreter&, const Value&, Args args) {
  return Value::number(
      std::atan2(number_arg(args, 0, "Math.atan2"), number_arg(args, 1, "Math.atan2")));
}

Value random(Interpreter& interp, const Value&, Args) { return Value::number(interp.random()); }

#define ANARCHY_MATH_UNARY(ident, expr)                \
  Value ident(Interpreter&, const Value&, Args args) { \
    double x = number_arg(args, 0, "Math." #ident);    \
    return Value::number(expr);                        \
  }

ANARCHY_MATH_UNARY(abs, std::fabs(x))
ANARCHY_MATH_UNARY(floor, std::floor(x))
ANARCHY_MATH_UNARY(ceil, std::ceil(x))
ANARCHY_MATH_UNARY(round, js_round(x))
ANARCHY_MATH_UNARY(trunc, std::trunc(x))
ANARCHY_MATH_UNARY(sign, js_sign(x))
ANARCHY_MATH_UNARY(sqrt, std::sqrt(x))
ANARCHY_MATH_UNARY(cbrt, js_cbrt(x))
ANARCHY_MATH_UNARY(log, std::log(x))
ANARCHY_MATH_UNARY(log2, std::log2(x))
ANARCHY_MATH_UNARY(log10, std::log10(x))
ANARCHY_MATH_UNARY(exp, std::exp(x))
ANARCHY_MATH_UNARY(sin, std::sin(x))
ANARCHY_MATH_UNARY(cos, std::cos(x))
ANARCHY_MATH_UNARY(tan, std::tan(x))
ANARCHY_MATH_UNARY(asin, std::asin(x))
ANARCHY_MATH_UNARY(acos, std::acos(x))
ANARCHY_MATH_UNARY(atan, std::atan(x))

#undef ANARCHY_MATH_UNARY

struct MathEntry {
  const char* name;
  const char* qualified;
  NativeFn fn;
  bool bare;  // also a global of its own
};

constexpr MathEntry kMath[] = {
    {"abs", "Math.abs", abs, true},        {"floor", "Math.floor", floor, true},
    {"ceil", "Math.ceil", ceil, true},     {"round", "Math.round", round, true},
    {"trunc", "Math.trunc", trunc, false}, {"sign", "Math.sign", sign, false},
    {"sqrt", "Math.sqrt", sqrt, true},     {"cbrt", "Math.cbrt", cbrt, false},
    {"pow", "Math.pow", pow, true},        {"min", "Math.min", min, true},
    {"max", "Math.max", max, true},        {"hypot", "Math.hypot", hypot, false},
    {"log", "Math.log", log, false},       {"log2", "Math.log2", log2, false},
    {"log10", "Math.log10", log10, false}, {"exp", "Math.exp", exp, false},
    {"sin", "Math.sin", sin, false},       {"cos", "Math.cos", cos, false},
    {"tan", "Math.tan", tan, false},       {"asin", "Math.asin", asin, false},
    {"acos", "Math.acos", acos, false},    {"atan", "Math.atan", atan, false},
    {"atan2", "Math.atan2", atan2, false}, {"random", "Math.random", random, true},
};

}  // namespace

void add_math_globals(GlobalList& out) {
  Value math = make_object();
  for (const MathEntry& e : kMath) add_native(math, e.name, e.fn, e.qualified);
  add_value(math, "PI", Value::number(std::numbers::pi));
  add_value(math, "E", Value::number(std::numbers::e));
  out.emplace_back("Math", std::move(math));
  for (const MathEntry& e : kMath)
    if (e.bare) out.emplace_back(e.name, make_native(e.fn, e.name));
}

}  // namespace anarchy::builtins
