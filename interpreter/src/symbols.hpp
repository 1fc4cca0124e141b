// The built-ins that the symbolic form (LANGUAGE.md section 8) spells with one symbol. This
// table is the single place that pairs a symbol with its ASCII spelling: the lexer reads these
// symbols as names, builtins_symbolic.cpp binds each one to the built-in it stands for, and the
// formatter prints either spelling. Nothing here is async-signal-safe.
#pragma once

#include <string_view>

namespace anarchy {

struct BuiltinSymbol {
  std::string_view symbol;  // UTF-8, as written in programs
  std::string_view global;  // the global the ASCII spelling starts with ("print", "dict")
  std::string_view member;  // "" or the member of that global ("set" for dict.set)
};

// A symbol is a global name of its own rather than a rewrite to `print` etc., because a
// program may bind `print`, `sum` or `str` itself (`sum = ∑(xs)` is common) and the symbol
// must still reach the built-in.
inline constexpr BuiltinSymbol kBuiltinSymbols[] = {
    {"⌽", "print", ""}, {"∑", "sum", ""},     {"🔤", "str", ""},     {"🔢", "num", ""},
    {"⎋", "JSON", ""},  {"📝", "dict", "set"}, {"🔄", "dict", "use"},
};

// The caught error of ÷{...}{...} (and of catch(⚠)): an ordinary binding with this name.
inline constexpr std::string_view kCaughtName = "⚠";

inline const BuiltinSymbol* find_builtin_symbol(std::string_view symbol) {
  for (const BuiltinSymbol& s : kBuiltinSymbols)
    if (s.symbol == symbol) return &s;
  return nullptr;
}

// Names the lexer made from symbols start with a non-ASCII byte; programs cannot bind them.
inline bool is_symbol_name(std::string_view name) {
  return !name.empty() && static_cast<unsigned char>(name[0]) >= 0x80;
}

}  // namespace anarchy
