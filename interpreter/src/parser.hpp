// The parser: tokens to the AST of one file, collecting up to 20 syntax errors (it resumes at
// the next statement after each). Nothing here is async-signal-safe.
#pragma once

#include <string>
#include <vector>

#include "ast.hpp"

namespace anarchy {

struct SyntaxErrorInfo {
  uint32_t line = 0, column = 0;
  std::string message;
};

constexpr size_t kMaxSyntaxErrors = 20;

// Parses file.source into file.imports / file.modules. Returns false (with errors) on any
// syntax error.
bool parse_file(FileNode& file, std::vector<SyntaxErrorInfo>& errors);

}  // namespace anarchy
