#include "report_text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace aiprof::report {

namespace {

// "1.500" -> "1.5", "2.000" -> "2": rounded times (microsecond precision) read without noise.
std::string trim_zeros(std::string number) {
  if (number.find('.') == std::string::npos) return number;
  while (number.back() == '0') number.pop_back();
  if (number.back() == '.') number.pop_back();
  return number;
}

std::string scaled(uint64_t ns, double unit, const char* suffix) {
  return trim_zeros(fmt::format("{:.3f}", static_cast<double>(ns) / unit)) + suffix;
}

}  // namespace

std::string format_duration(uint64_t ns) {
  if (ns >= 1000000000u) return scaled(ns, 1e9, "s");
  if (ns >= 1000000u) return scaled(ns, 1e6, "ms");
  if (ns >= 1000u) return scaled(ns, 1e3, "us");
  return std::to_string(ns) + "ns";
}

std::string format_bytes(uint64_t bytes) {
  if (bytes >= (1u << 30)) return fmt::format("{:.1f}GB", static_cast<double>(bytes) / (1u << 30));
  if (bytes >= (1u << 20)) return fmt::format("{:.1f}MB", static_cast<double>(bytes) / (1u << 20));
  if (bytes >= 1024u) return fmt::format("{:.1f}KB", static_cast<double>(bytes) / 1024);
  return fmt::format("{}B", bytes);
}

double percent_of(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string format_percent(uint64_t part, uint64_t whole) {
  return fmt::format("{:.1f}%", percent_of(part, whole));
}

std::vector<uint32_t> sorted_children(const Profile& profile, uint32_t node) {
  std::vector<uint32_t> children = profile.nodes[node].children;
  auto rank = [&](uint32_t i) {
    const CallNode& n = profile.nodes[i];
    return std::make_tuple(n.inclusive_ns, n.samples_inclusive, n.calls);
  };
  std::stable_sort(children.begin(), children.end(), [&](uint32_t a, uint32_t b) {
    if (rank(a) != rank(b)) return rank(a) > rank(b);
    return profile.frames[profile.nodes[a].frame].name <
           profile.frames[profile.nodes[b].frame].name;
  });
  return children;
}

std::vector<FunctionTotal> functions_by_self_time(const Profile& profile) {
  std::vector<FunctionTotal> totals = function_totals(profile);
  std::stable_sort(totals.begin(), totals.end(),
                   [&](const FunctionTotal& a, const FunctionTotal& b) {
                     auto rank = [](const FunctionTotal& t) {
                       return std::make_tuple(t.self_ns, t.samples_self, t.inclusive_ns);
                     };
                     if (rank(a) != rank(b)) return rank(a) > rank(b);
                     return profile.frames[a.frame].name < profile.frames[b.frame].name;
                   });
  return totals;
}

uint64_t count_descendants(const Profile& profile, uint32_t node) {
  uint64_t count = 0;
  std::vector<uint32_t> stack = profile.nodes[node].children;
  while (!stack.empty()) {
    uint32_t n = stack.back();
    stack.pop_back();
    ++count;
    stack.insert(stack.end(), profile.nodes[n].children.begin(), profile.nodes[n].children.end());
  }
  return count;
}

namespace {

bool continues_code_point(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte offset after the first `columns` code points of `text`.
size_t bytes_of_columns(std::string_view text, size_t columns) {
  size_t at = 0;
  for (size_t seen = 0; at < text.size(); ++at) {
    if (continues_code_point(text[at])) continue;
    if (seen++ == columns) break;
  }
  return at;
}

// The byte offset where the last `columns` code points of `text` start.
size_t start_of_last_columns(std::string_view text, size_t columns) {
  size_t width = display_width(text);
  return columns >= width ? 0 : bytes_of_columns(text, width - columns);
}

}  // namespace

size_t bytes_before_column(std::string_view text, size_t column) {
  return bytes_of_columns(text, column);
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (char c : text) width += continues_code_point(c) ? 0 : 1;
  return width;
}

std::string truncate_middle(std::string_view text, size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  size_t head = (width - 1) / 2 + (width - 1) % 2, tail = (width - 1) / 2;
  return std::string(text.substr(0, bytes_of_columns(text, head))) + "…" +
         std::string(text.substr(start_of_last_columns(text, tail)));
}

std::string truncate_start(std::string_view text, size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  return "…" + std::string(text.substr(start_of_last_columns(text, width - 1)));
}

void append_wrapped(std::string& out, std::string_view text, std::string_view first,
                    std::string_view next, size_t width) {
  std::string line(first);
  size_t line_width = display_width(first), indent = display_width(next);
  bool line_has_word = false;
  while (!text.empty()) {
    // "name: 12" stays on one line: a break after a word ending in ':' would orphan its value.
    size_t space = text.find(' ');
    while (space != std::string_view::npos && space > 0 && text[space - 1] == ':')
      space = text.find(' ', space + 1);
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (word.empty()) continue;
    size_t word_width = display_width(word);
    if (line_has_word && line_width + 1 + word_width > width) {
      out += line + "\n";
      line = std::string(next), line_width = indent, line_has_word = false;
    }
    if (line_has_word) line += ' ', ++line_width;
    size_t room = width > line_width ? width - line_width : 1;
    std::string kept = word_width > room ? truncate_middle(word, room) : std::string(word);
    line += kept, line_width += display_width(kept), line_has_word = true;
  }
  out += line + "\n";
}

}  // namespace aiprof::report
