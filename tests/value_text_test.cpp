// Unit tests for value_text.hpp: JavaScript number text, Number(string), print's display form,
// truthiness and strict equality.
#include "anarchy/interpreter/value_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "anarchy/interpreter/heap.hpp"
#include "anarchy/interpreter/objects.hpp"

namespace anarchy {
namespace {

// Values live on a Heap; each test gets its own.
class ValueTextTest : public ::testing::Test {
 protected:
  ValueTextTest() { Heap::set_current(&heap_); }

  static Value str(std::string_view s) { return make_string(s); }
  static Value num(double d) { return Value::number(d); }
  static Value array(std::initializer_list<Value> items) {
    Value a = make_array();
    for (const Value& v : items) arr_of(a)->items.push_back(v);
    return a;
  }
  static void set(const Value& obj, std::string_view key, Value v) {
    obj_of(obj)->props.set(make_string(key), std::move(v));
  }

  Heap heap_;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST_F(ValueTextTest, IntegersPrintWithoutAPoint) {
  EXPECT_EQ(number_to_string(0), "0");
  EXPECT_EQ(number_to_string(-0.0), "0");
  EXPECT_EQ(number_to_string(42), "42");
  EXPECT_EQ(number_to_string(-7), "-7");
  EXPECT_EQ(number_to_string(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(number_to_string(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(number_to_string(123456789000.0), "123456789000");
  EXPECT_EQ(number_to_string(1e15), "1000000000000000");
}

TEST_F(ValueTextTest, ShortestRoundTripFractions) {
  EXPECT_EQ(number_to_string(0.1), "0.1");
  EXPECT_EQ(number_to_string(0.1 * 3), "0.30000000000000004");
  EXPECT_EQ(number_to_string(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(number_to_string(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(number_to_string(22.0 / 7), "3.142857142857143");
  EXPECT_EQ(number_to_string(-1.5), "-1.5");
  EXPECT_EQ(number_to_string(100 - 0.01), "99.99");
  EXPECT_EQ(number_to_string(3.3000000000000003), "3.3000000000000003");
  EXPECT_EQ(number_to_string(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(number_to_string(5e-324), "5e-324");
}

TEST_F(ValueTextTest, ExponentFormFollowsJavaScriptThresholds) {
  EXPECT_EQ(number_to_string(1e21), "1e+21");
  EXPECT_EQ(number_to_string(1e22), "1e+22");
  EXPECT_EQ(number_to_string(-1e21), "-1e+21");
  EXPECT_EQ(number_to_string(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(number_to_string(1e20), "100000000000000000000");
  EXPECT_EQ(number_to_string(1.5e21), "1.5e+21");
  EXPECT_EQ(number_to_string(1e-6), "0.000001");
  EXPECT_EQ(number_to_string(1.5e-6), "0.0000015");
  EXPECT_EQ(number_to_string(1e-7), "1e-7");
  EXPECT_EQ(number_to_string(1.5e-7), "1.5e-7");
  EXPECT_EQ(number_to_string(-2.5e-8), "-2.5e-8");
}

TEST_F(ValueTextTest, SpecialNumbers) {
  EXPECT_EQ(number_to_string(kNaN), "NaN");
  EXPECT_EQ(number_to_string(kInf), "Infinity");
  EXPECT_EQ(number_to_string(-kInf), "-Infinity");
}

TEST_F(ValueTextTest, AppendNumberAppends) {
  std::string s = "v=";
  append_number(s, 2.5);
  EXPECT_EQ(s, "v=2.5");
}

TEST_F(ValueTextTest, StringToNumberReadsLikeJavaScriptNumber) {
  EXPECT_EQ(string_to_number("42"), 42);
  EXPECT_EQ(string_to_number("  3.5\n"), 3.5);
  EXPECT_EQ(string_to_number("-7"), -7);
  EXPECT_EQ(string_to_number("+7"), 7);
  EXPECT_EQ(string_to_number("1e3"), 1000);
  EXPECT_EQ(string_to_number(".5"), 0.5);
  EXPECT_EQ(string_to_number("5."), 5);
  EXPECT_EQ(string_to_number(""), 0);
  EXPECT_EQ(string_to_number("   "), 0);
  EXPECT_EQ(string_to_number("0x1F"), 31);
  EXPECT_EQ(string_to_number("0b101"), 5);
  EXPECT_EQ(string_to_number("0o17"), 15);
  EXPECT_EQ(string_to_number("Infinity"), kInf);
  EXPECT_EQ(string_to_number("-Infinity"), -kInf);
  EXPECT_EQ(string_to_number("1e400"), kInf);
  EXPECT_EQ(string_to_number("1e-400"), 0);
  EXPECT_EQ(string_to_number("\xC2\xA0"
                             "8"),
            8);  // no-break space is white space
  EXPECT_TRUE(std::signbit(string_to_number("-0")));
}

TEST_F(ValueTextTest, StringToNumberRejectsNonNumericText) {
  for (const char* s : {"abc", "12px", "4 5", "1e", "e5", ".", "+", "-0x10", "0x", "0xG", "inf",
                        "infinity", "1_000", "--1", "1..2"})
    EXPECT_TRUE(std::isnan(string_to_number(s))) << s;
}

TEST_F(ValueTextTest, DisplayOfScalars) {
  EXPECT_EQ(to_display(Value::null()), "null");
  EXPECT_EQ(to_display(Value::boolean(true)), "true");
  EXPECT_EQ(to_display(Value::boolean(false)), "false");
  EXPECT_EQ(to_display(num(-0.0)), "0");
  EXPECT_EQ(to_display(str("plain \"text\"\n")), "plain \"text\"\n");
}

TEST_F(ValueTextTest, DisplayOfContainersQuotesStrings) {
  Value inner = array({num(2)});
  EXPECT_EQ(to_display(array({num(1), str("a"), inner})), "[1, \"a\", [2]]");
  EXPECT_EQ(to_display(array({})), "[]");
  EXPECT_EQ(to_display(array({str("tab\there"), Value::null(), num(kNaN)})),
            "[\"tab\\there\", null, NaN]");
  Value o = make_object();
  set(o, "a", num(1));
  set(o, "b", str("x"));
  set(o, "first name", str("Grace"));
  set(o, "_ok9", array({}));
  EXPECT_EQ(to_display(o), "{a: 1, b: \"x\", \"first name\": \"Grace\", _ok9: []}");
  EXPECT_EQ(to_display(make_object()), "{}");
}

TEST_F(ValueTextTest, DisplayOfCyclesMarksTheRecurrence) {
  Value a = array({num(1)});
  arr_of(a)->items.push_back(a);
  EXPECT_EQ(to_display(a), "[1, [...]]");
  Value o = make_object();
  set(o, "self", o);
  EXPECT_EQ(to_display(o), "{self: {...}}");
  // A value shared twice (not a cycle) prints in full both times.
  Value shared = array({num(7)});
  EXPECT_EQ(to_display(array({shared, shared})), "[[7], [7]]");
  arr_of(a)->items.clear();  // break the cycles so the heap can free them
  obj_of(o)->props.clear();
}

TEST_F(ValueTextTest, DisplayOfErrorsIsTheirMessage) {
  Value e = make_object();
  obj_of(e)->is_error = true;
  set(e, "message", str("division by zero"));
  set(e, "type", str("RuntimeError"));
  EXPECT_EQ(to_display(e), "division by zero");
  EXPECT_EQ(to_display(array({e})), "[\"division by zero\"]");
}

TEST_F(ValueTextTest, DisplayOfNatives) {
  EXPECT_EQ(to_display(make_native(nullptr, "print")), "<function print>");
}

TEST_F(ValueTextTest, JsonQuoting) {
  std::string s;
  append_json_quoted(s, "a\"b\\c\n\x01\x7f");
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\n\\u0001\x7f\"");
}

TEST_F(ValueTextTest, TypeNames) {
  EXPECT_STREQ(type_name(Value::null()), "null");
  EXPECT_STREQ(type_name(Value::boolean(true)), "boolean");
  EXPECT_STREQ(type_name(num(1)), "number");
  EXPECT_STREQ(type_name(str("")), "string");
  EXPECT_STREQ(type_name(make_array()), "array");
  EXPECT_STREQ(type_name(make_object()), "object");
  EXPECT_STREQ(type_name(make_native(nullptr, "f")), "function");
}

TEST_F(ValueTextTest, Truthiness) {
  EXPECT_FALSE(truthy(Value::null()));
  EXPECT_FALSE(truthy(Value::boolean(false)));
  EXPECT_FALSE(truthy(num(0)));
  EXPECT_FALSE(truthy(num(-0.0)));
  EXPECT_FALSE(truthy(num(kNaN)));
  EXPECT_FALSE(truthy(str("")));
  EXPECT_TRUE(truthy(str("0")));
  EXPECT_TRUE(truthy(str("false")));
  EXPECT_TRUE(truthy(num(-1)));
  EXPECT_TRUE(truthy(make_array()));
  EXPECT_TRUE(truthy(make_object()));
}

TEST_F(ValueTextTest, StrictEquality) {
  EXPECT_TRUE(strict_equals(num(1), num(1.0)));
  EXPECT_TRUE(strict_equals(num(0), num(-0.0)));
  EXPECT_FALSE(strict_equals(num(kNaN), num(kNaN)));
  EXPECT_FALSE(strict_equals(num(1), str("1")));
  EXPECT_FALSE(strict_equals(num(0), Value::boolean(false)));
  EXPECT_FALSE(strict_equals(Value::null(), Value::boolean(false)));
  EXPECT_TRUE(strict_equals(Value::null(), Value::null()));
  EXPECT_TRUE(strict_equals(str("ab"), str("ab")));
  EXPECT_FALSE(strict_equals(str("ab"), str("AB")));
  Value a = make_array();
  EXPECT_TRUE(strict_equals(a, a));
  EXPECT_FALSE(strict_equals(a, make_array()));
}

}  // namespace
}  // namespace anarchy
