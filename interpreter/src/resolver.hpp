// The resolver (LANGUAGE.md section 9): decides, before anything runs, which scope binds each
// name, and turns every use into a (hops, slot) pair or a built-in index. It also lays out the
// environments: a block gets an environment of its own only when it binds names a closure
// could capture; otherwise its slots live in the enclosing function's environment and are
// cleared on entry, which is indistinguishable and much cheaper.
// Nothing here is async-signal-safe.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/function_registry.hpp"
#include "ast.hpp"

namespace anarchy {

struct ResolveContext {
  // Built-in globals: name -> index (they lie outside every file and are never assigned).
  const std::unordered_map<std::string, uint32_t>* globals;
  aiprof::instrumentation::FunctionRegistry* functions;
  // Qualified names of variables, indexed by NameExpr::variable_id.
  std::vector<std::string>* variable_names;
};

// Resolves one file. file_scope lists the module names the file sees (its own modules, then
// those its imports load), in slot order of the file's environment.
void resolve_file(FileNode& file, const std::vector<std::string>& file_scope, ResolveContext& ctx);

}  // namespace anarchy
