// Unit tests for the JSON built-ins: JSON.parse / JSON.stringify as JavaScript has them,
// through the global natives (JSON.stringify's indent and replacer) and the shared helpers.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/errors.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy {
namespace {

class JsonTest : public ::testing::Test {
 protected:
  JsonTest() {
    Heap::set_current(&interp_.heap());
    for (auto& [name, value] : make_globals(interp_))
      if (name == "JSON") json_ = value;
  }

  // Calls JSON.<method>(args...).
  template <class... A>
  Value call(std::string_view method, A... a) {
    const Value* fn = builtins::find_property(obj_of(json_)->props, method);
    std::array<Value, sizeof...(A)> args{to_value(a)...};
    return fn->as<NativeObj>()->fn(interp_, Value(), args);
  }

  static Value to_value(const Value& v) { return v; }
  static Value to_value(const char* s) { return make_string(s); }
  static Value to_value(double d) { return Value::number(d); }
  static Value to_value(int d) { return Value::number(d); }
  static Value to_value(std::nullptr_t) { return Value::null(); }

  // JSON.stringify(JSON.parse(text)).
  std::string round_trip(const char* text) {
    return to_display(call("stringify", call("parse", text)));
  }

  // The kind of NativeError JSON.parse(text) throws.
  ErrorKind parse_error(const std::string& text) {
    try {
      builtins::json_parse(text);
    } catch (const NativeError& e) {
      return e.kind;
    }
    ADD_FAILURE() << "parsed: " << text;
    return ErrorKind::RuntimeError;
  }

  Interpreter interp_;
  Value json_;
};

TEST_F(JsonTest, CompactRoundTrips) {
  EXPECT_EQ(round_trip("{\"name\":\"Widget\",\"price\":9.5,\"tags\":[\"a\",\"b\"],\"stock\":null}"),
            "{\"name\":\"Widget\",\"price\":9.5,\"tags\":[\"a\",\"b\"],\"stock\":null}");
  EXPECT_EQ(round_trip(" [1, 2.5, -3e2, true, false, null, {\"k\": [ ]}] "),
            "[1,2.5,-300,true,false,null,{\"k\":[]}]");
  EXPECT_EQ(round_trip("\"quote\\\" and \\\\ and\\nnewline\""),
            "\"quote\\\" and \\\\ and\\nnewline\"");
  EXPECT_EQ(round_trip("17"), "17");
  EXPECT_EQ(round_trip("1e21"), "1e+21");
  EXPECT_EQ(round_trip("0.1"), "0.1");
  EXPECT_EQ(round_trip("-0"), "0");
  EXPECT_EQ(round_trip("[]"), "[]");
  EXPECT_EQ(round_trip("{}"), "{}");
}

TEST_F(JsonTest, ParseKeepsKeyOrderAndLastDuplicate) {
  Value v = call("parse", "{\"zeta\": 1, \"alpha\": 2, \"zeta\": 3}");
  EXPECT_EQ(to_display(v), "{zeta: 3, alpha: 2}");
}

TEST_F(JsonTest, ParseEscapes) {
  EXPECT_EQ(to_display(call("parse", "\"tab\\there \\u0041\\u0042 \\/\"")), "tab\there AB /");
  EXPECT_EQ(to_display(call("parse", "\"\\ud83d\\ude00\"")), "\xF0\x9F\x98\x80");  // a pair
  EXPECT_EQ(to_display(call("parse", "\"\\u00e9\"")), "\xC3\xA9");
  EXPECT_EQ(to_display(call("parse", "\"caf\xC3\xA9\"")), "caf\xC3\xA9");  // raw UTF-8 kept
}

TEST_F(JsonTest, ParseNumbers) {
  EXPECT_EQ(call("parse", "-3e2").as_number(), -300);
  EXPECT_EQ(call("parse", "0.125").as_number(), 0.125);
  EXPECT_EQ(call("parse", "1E+2").as_number(), 100);
  EXPECT_TRUE(std::isinf(call("parse", "1e400").as_number()));
  EXPECT_TRUE(std::signbit(call("parse", "-0").as_number()));
}

TEST_F(JsonTest, BadJsonIsASyntaxError) {
  for (const char* bad :
       {"{\"a\": }",  "[1, 2",     "",      "   ", "{'a': 1}", "[1,]",      "tru",
        "01",         "1.",        ".5",    "+1",  "-",        "1e",        "\"\t\"",
        "\"\\x\"",    "\"\\u12\"", "[1] x", "NaN", "Infinity", "{\"a\" 1}", "{a: 1}",
        "{\"a\":1,}", "\"open",    "[1 2]", "nul", "{,}"})
    EXPECT_EQ(parse_error(bad), ErrorKind::SyntaxError) << bad;
}

TEST_F(JsonTest, SyntaxErrorMessageSaysWhere) {
  try {
    builtins::json_parse("{\"a\": }");
    FAIL();
  } catch (const NativeError& e) {
    EXPECT_EQ(e.message, "JSON.parse: unexpected character '}' at position 6");
  }
  try {
    builtins::json_parse("[1, 2");
    FAIL();
  } catch (const NativeError& e) {
    EXPECT_EQ(e.message, "JSON.parse: unexpected end of input");
  }
}

TEST_F(JsonTest, DeepNestingIsARangeErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_EQ(parse_error(deep), ErrorKind::RangeError);
  Value v = make_array();
  for (int i = 0; i < 20000; ++i) {
    Value outer = make_array();
    arr_of(outer)->items.push_back(std::move(v));
    v = std::move(outer);
  }
  try {
    call("stringify", v);
    FAIL();
  } catch (const NativeError& e) {
    EXPECT_EQ(e.kind, ErrorKind::RangeError);
  }
}

TEST_F(JsonTest, StringifyIndents) {
  Value v = call("parse", "{\"list\": [], \"obj\": {}, \"n\": [1, {\"a\": true}]}");
  EXPECT_EQ(to_display(call("stringify", v, nullptr, 2)),
            "{\n  \"list\": [],\n  \"obj\": {},\n  \"n\": [\n    1,\n    {\n      \"a\": true\n"
            "    }\n  ]\n}");
  EXPECT_EQ(to_display(call("stringify", call("parse", "[1]"), nullptr, "--")), "[\n--1\n]");
  EXPECT_EQ(to_display(call("stringify", call("parse", "[1]"), nullptr, 0)), "[1]");
  // At most 10 spaces.
  EXPECT_EQ(to_display(call("stringify", call("parse", "[1]"), nullptr, 20)),
            "[\n" + std::string(10, ' ') + "1\n]");
}

TEST_F(JsonTest, StringifyScalars) {
  EXPECT_EQ(to_display(call("stringify", 3.25)), "3.25");
  EXPECT_EQ(to_display(call("stringify", nullptr)), "null");
  EXPECT_EQ(to_display(call("stringify", "s")), "\"s\"");
  EXPECT_EQ(to_display(call("stringify", std::nan(""))), "null");
  EXPECT_EQ(to_display(call("stringify", "\x01")), "\"\\u0001\"");
}

TEST_F(JsonTest, FunctionsAreSkippedInObjectsAndNullInArrays) {
  Value fn = make_native(nullptr, "f");
  Value o = make_object();
  obj_of(o)->props.set(make_string("f"), fn);
  obj_of(o)->props.set(make_string("x"), Value::number(1));
  EXPECT_EQ(to_display(call("stringify", o)), "{\"x\":1}");
  Value a = make_array();
  arr_of(a)->items.push_back(fn);
  EXPECT_EQ(to_display(call("stringify", a)), "[null]");
  EXPECT_TRUE(call("stringify", fn).is_null());
}

TEST_F(JsonTest, StringifyAllowList) {
  Value v = call("parse", "{\"a\": 1, \"b\": 2, \"c\": {\"a\": 3, \"d\": 4}}");
  Value keep = call("parse", "[\"a\", \"c\"]");
  EXPECT_EQ(to_display(call("stringify", v, keep)), "{\"a\":1,\"c\":{\"a\":3}}");
}

TEST_F(JsonTest, CyclesAreATypeError) {
  Value a = make_array();
  arr_of(a)->items.push_back(a);
  try {
    call("stringify", a);
    FAIL();
  } catch (const NativeError& e) {
    EXPECT_EQ(e.kind, ErrorKind::TypeError);
  }
  arr_of(a)->items.clear();
}

TEST_F(JsonTest, SharedHelpersRoundTrip) {
  Value v = builtins::json_parse("{\"k\": [1, \"two\"]}");
  std::string out;
  ASSERT_TRUE(builtins::json_stringify(v, "", out));
  EXPECT_EQ(out, "{\"k\":[1,\"two\"]}");
}

}  // namespace
}  // namespace anarchy
