// The built-in symbols of the symbolic form (symbols.hpp, LANGUAGE.md section 8). Each is one
// more global name for a value that already exists (⌽ is the very `print` function, 📝 the very
// `dict.set`), so a call behaves, fails and shows in a profile the same in both spellings.
// Being names of their own, they still reach the built-in when a program binds `print` or
// `sum` itself.
#include <cassert>
#include <string>
#include <string_view>

#include "builtins_support.hpp"
#include "symbols.hpp"

namespace anarchy::builtins {

namespace {

const Value* find_global(const GlobalList& globals, std::string_view name) {
  for (const auto& [n, v] : globals)
    if (n == name) return &v;
  return nullptr;
}

// The value a symbol stands for: a global, or a member of a global namespace object.
const Value* symbol_target(const GlobalList& globals, const BuiltinSymbol& s) {
  const Value* v = find_global(globals, s.global);
  if (v == nullptr || s.member.empty()) return v;
  return v->is_object() ? find_property(obj_of(*v)->props, s.member) : nullptr;
}

}  // namespace

void add_symbolic_globals(GlobalList& out) {
  GlobalList aliases;  // collected first: appending to `out` would move the values we read
  for (const BuiltinSymbol& s : kBuiltinSymbols) {
    const Value* target = symbol_target(out, s);
    assert(target != nullptr && "symbols.hpp names a built-in that does not exist");
    if (target != nullptr) aliases.emplace_back(std::string(s.symbol), *target);
  }
  for (auto& alias : aliases) out.push_back(std::move(alias));
}

}  // namespace anarchy::builtins
