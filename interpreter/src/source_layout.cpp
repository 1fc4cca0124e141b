#include "source_layout.hpp"

#include <algorithm>
#include <limits>

namespace anarchy {

namespace {

constexpr size_t kIndentWidth = 2;
constexpr uint32_t kLastLine = std::numeric_limits<uint32_t>::max();

std::string_view trim_leading_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

}  // namespace

void SourceLayout::mark(uint32_t line, uint32_t depth) {
  if (line == 0) return;
  atoms_.push_back(Atom{"", line, depth, false});
}

void SourceLayout::mark_closer(uint32_t line, uint32_t depth) {
  if (line == 0) return;
  atoms_.push_back(Atom{"", line, depth, true});
}

void SourceLayout::text(std::string_view s) { atoms_.back().text.append(s); }

void SourceLayout::comment(uint32_t line, std::string text) {
  comments_.push_back(Comment{line, std::move(text)});
}

// The output being built: the current line, its indentation, and where it stands.
class SourceLayout::Writer {
 public:
  explicit Writer(const std::vector<Comment>& comments) : comments_(comments) {}

  // Moves down to `line` (never up); comments on the lines passed go out first, each on its
  // own line, so that a `// ...` never swallows the code after it.
  void move_to(uint32_t line, uint32_t depth, uint32_t comment_depth) {
    flush_comments(line - 1, comment_depth);
    if (line <= current_) return;
    new_lines(line - current_, depth);
  }

  void write(std::string_view text) {
    if (line_empty_) text = trim_leading_spaces(text);
    if (text.empty()) return;
    if (line_empty_) out_.append(kIndentWidth * depth_, ' ');
    line_empty_ = false;
    out_.append(text);
  }

  std::string finish() {
    flush_comments(kLastLine, depth_);
    trim_trailing_spaces();
    out_.push_back('\n');
    return std::move(out_);
  }

 private:
  // Writes the comments that start on or before `last_line` and are still pending.
  void flush_comments(uint32_t last_line, uint32_t depth) {
    for (; next_ < comments_.size() && comments_[next_].line <= last_line; ++next_) {
      const Comment& c = comments_[next_];
      if (c.line > current_) new_lines(c.line - current_, depth);
      if (!line_empty_ && out_.back() != ' ') out_.push_back(' ');
      write(c.text);
      current_ += static_cast<uint32_t>(std::count(c.text.begin(), c.text.end(), '\n'));
    }
  }

  void new_lines(uint32_t count, uint32_t depth) {
    trim_trailing_spaces();
    out_.append(count, '\n');
    current_ += count;
    line_empty_ = true;
    depth_ = depth;
  }

  void trim_trailing_spaces() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }

  const std::vector<Comment>& comments_;
  size_t next_ = 0;
  std::string out_;
  uint32_t current_ = 1;
  uint32_t depth_ = 0;  // indentation of the current line, from the atom that opened it
  bool line_empty_ = true;
};

// One pass over the atoms. A positioned atom moves down to its source line, never up: what
// shared a source line shares an output line, and text without a position stays where it is.
std::string SourceLayout::render() const {
  Writer w(comments_);
  for (const Atom& a : atoms_) {
    if (a.line != 0) w.move_to(a.line, a.depth, a.closer ? a.depth + 1 : a.depth);
    w.write(a.text);
  }
  return w.finish();
}

}  // namespace anarchy
