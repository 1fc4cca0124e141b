#include "source_layout.hpp"

namespace anarchy {

namespace {

constexpr size_t kIndentWidth = 2;

void trim_trailing_spaces(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

std::string_view trim_leading_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

}  // namespace

void SourceLayout::mark(uint32_t line, uint32_t depth) {
  if (line == 0) return;
  atoms_.push_back(Atom{"", line, depth});
}

void SourceLayout::text(std::string_view s) { atoms_.back().text.append(s); }

// One pass over the atoms. A positioned atom moves down to its source line, never up: what
// shared a source line shares an output line, and text without a position stays where it is.
// A line's indentation is that of the atom that opened it, written with its first text.
std::string SourceLayout::render() const {
  std::string out;
  uint32_t current = 1;
  uint32_t line_depth = 0;
  bool line_empty = true;
  for (const Atom& a : atoms_) {
    if (a.line > current) {
      trim_trailing_spaces(out);
      out.append(a.line - current, '\n');
      current = a.line;
      line_empty = true;
      line_depth = a.depth;
    }
    std::string_view text = line_empty ? trim_leading_spaces(a.text) : std::string_view(a.text);
    if (text.empty()) continue;
    if (line_empty) out.append(kIndentWidth * line_depth, ' ');
    line_empty = false;
    out.append(text);
  }
  trim_trailing_spaces(out);
  out.push_back('\n');
  return out;
}

}  // namespace anarchy
