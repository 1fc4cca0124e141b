// The formatter: a parsed file back to source text in the ASCII or the symbolic spelling
// (LANGUAGE.md section 8, `anarchy fmt`). Both spellings print the same AST, so the output runs
// as the input does; statements and comments keep their source lines (source_layout.hpp; the
// parser drops comments, so the lexer collects them again here). Symbols with no ASCII
// spelling (the type hints ι σ ξ and the caught error ⚠) stay symbols in the ASCII form.
// Nothing here is async-signal-safe.
#pragma once

#include <string>

#include "anarchy/interpreter/format.hpp"
#include "ast.hpp"

namespace anarchy {

// Prints a parsed (not necessarily resolved) file in `spelling` into `out`. Returns false when
// the AST nests too deeply to print (expression chains tens of thousands of levels deep).
bool format_file(const FileNode& file, Spelling spelling, std::string& out);

}  // namespace anarchy
