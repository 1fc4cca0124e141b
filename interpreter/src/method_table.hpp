// A built-in type's methods as a table sorted by name (checked at compile time), looked up by
// binary search: the arrays' and the strings' (builtins_array.cpp, builtins_string.cpp).
// Not a public header. Nothing here is async-signal-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string_view>

#include "anarchy/interpreter/objects.hpp"

namespace anarchy::builtins {

struct Method {
  std::string_view name;
  NativeFn fn;
};

// Whether a table is sorted by name, each name once (for a static_assert beside the table).
template <size_t N>
constexpr bool sorted_by_name(const Method (&table)[N]) {
  for (size_t i = 1; i < N; ++i)
    if (!(table[i - 1].name < table[i].name)) return false;
  return true;
}

// The method of that name, or nullptr.
template <size_t N>
NativeFn find_method(const Method (&table)[N], std::string_view name) {
  auto it = std::lower_bound(std::begin(table), std::end(table), name,
                             [](const Method& m, std::string_view n) { return m.name < n; });
  return it != std::end(table) && it->name == name ? it->fn : nullptr;
}

}  // namespace anarchy::builtins
