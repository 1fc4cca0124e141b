// Printing a program in either spelling of the language (`anarchy fmt`, LANGUAGE.md section 8):
// the ASCII form or the symbolic form. Both print the same AST, so the printed program runs
// as the original does, and every statement stays on its source line, so runtime error lines
// and profile lines refer to the same lines in either spelling. Comments stay on their lines
// (one that shared a line with code follows that code).
// Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace anarchy {

enum class Spelling : uint8_t { Ascii, Symbolic };

struct FormatError {
  uint32_t line = 0, column = 0;  // 1-based (columns count characters); 0 when not positioned
  std::string message;
};

// Parses `source` and prints it in `spelling` into `out`. On a syntax error returns false and
// fills `errors` (up to 20, as `anarchy run` reports them); a program that parses but nests
// too deeply to print (200000 levels) gives one error without a position. The program's strings are
// allocated on the calling thread's current heap (Heap::set_current). Deeply nested programs
// recurse as deep as their nesting, so call it on a large stack (run_with_large_stack) for
// untrusted input.
bool format_source(std::string_view source, Spelling spelling, std::string& out,
                   std::vector<FormatError>& errors);

}  // namespace anarchy
