// The built-in library (LANGUAGE.md sections 5 and 7): global functions and namespaces, and the
// methods of strings, arrays and numbers. Nothing here is async-signal-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "anarchy/interpreter/objects.hpp"

namespace anarchy {

// The global names (print, len, Math, JSON, dict, ...) with their values, in a fixed order.
std::vector<std::pair<std::string, Value>> make_globals(Interpreter& interp);

// Method tables: the native for `receiver.name(...)`, or nullptr if there is none.
NativeFn find_string_method(std::string_view name);
NativeFn find_array_method(std::string_view name);
NativeFn find_number_method(std::string_view name);

// Non-call properties of strings and arrays (`length`, `len`); Unset if there is none.
Value string_property(const Value& s, std::string_view name);
Value array_property(const Value& a, std::string_view name);

}  // namespace anarchy
