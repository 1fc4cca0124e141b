// Line-faithful layout of printed source (used by the formatter). The printer hands over the
// text of a program as a sequence of atoms; an atom that knows its source line starts on that
// line, so every statement of a reformatted program stays on the line it came from. Runtime
// error lines (`e.line`), tracebacks and profiles then read the same in either spelling.
// Comments go back on their source lines too. Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace anarchy {

class SourceLayout {
 public:
  // Starts a new atom that begins on source line `line` (or on the current output line when
  // that is already later); `depth` is its indentation if it begins a line. Line 0 means
  // "no position": the text simply continues.
  void mark(uint32_t line, uint32_t depth);
  // Like mark, for the closing brace of a block at `depth`: comments on the lines before it
  // belong inside the block and are indented one more.
  void mark_closer(uint32_t line, uint32_t depth);
  // Appends to the current atom.
  void text(std::string_view s);
  // A comment (`// ...` or `/* ... */`, as written) that starts on source line `line`. Added
  // in source order. It ends its output line: code that shared a line with it comes first.
  void comment(uint32_t line, std::string text);

  // The laid-out program, ending with a newline.
  std::string render() const;

 private:
  struct Atom {
    std::string text;
    uint32_t line = 0;  // 0: no source position
    uint32_t depth = 0;
    bool closer = false;
  };
  struct Comment {
    uint32_t line;
    std::string text;
  };
  class Writer;
  std::vector<Atom> atoms_{Atom{}};
  std::vector<Comment> comments_;
};

}  // namespace anarchy
