// Text forms of values: what print shows, what string conversion and `+` produce, and the
// JavaScript number formatting both rely on. Nothing here is async-signal-safe.
#pragma once

#include <string>
#include <string_view>

#include "anarchy/interpreter/value.hpp"

namespace anarchy {

// JavaScript's Number.prototype.toString(): "3", "0.1", "1e+21", "NaN", "-Infinity"; -0 is "0".
std::string number_to_string(double d);
void append_number(std::string& out, double d);

// The text print shows for a value at top level (strings unquoted, error objects as their
// message); inside arrays and objects strings are JSON-quoted: ["s", 1], {a: "x"}.
// Cyclic containers print "[...]" / "{...}" where they recur.
std::string to_display(const Value& v);
void append_display(std::string& out, const Value& v);

// A JSON string literal with escapes ("a\n" -> "\"a\\n\"").
void append_json_quoted(std::string& out, std::string_view s);

// "null" "boolean" "number" "string" "array" "object" "function"
const char* type_name(const Value& v);

bool truthy(const Value& v);
// == and ===: same type and value; heap objects other than strings by identity.
bool strict_equals(const Value& a, const Value& b);

// JavaScript's Number(string): trims whitespace, "" -> 0, hex 0x.., Infinity; else NaN.
double string_to_number(std::string_view s);

}  // namespace anarchy
