#include "loader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "parser.hpp"

namespace anarchy {

namespace fs = std::filesystem;

namespace {

std::string source_line(const std::string& source, uint32_t line) {
  size_t pos = 0;
  for (uint32_t l = 1; l < line && pos != std::string::npos; ++l) {
    pos = source.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos || pos > source.size()) return "";
  size_t end = source.find('\n', pos);
  std::string text = source.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  for (char& c : text)  // keep the terminal sane when the "source" is binary garbage
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) c = '?';
  return text;
}

// Spaces (and the line's own tabs) up to a 1-based character column.
std::string caret_line(const std::string& text, uint32_t column) {
  std::string out;
  uint32_t col = 1;
  for (size_t i = 0; i < text.size() && col < column; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
    ++col;
  }
  while (col++ < column) out += ' ';
  return out + "^";
}

std::string format_syntax_error(const FileNode& f, const SyntaxErrorInfo& e) {
  std::string text = source_line(f.source, e.line);
  return fmt::format("{}:{}:{}: SyntaxError: {}\n    {}\n    {}\n", upto_nul(f.path), e.line,
                     e.column, upto_nul(e.message), upto_nul(text),
                     upto_nul(caret_line(text, e.column)));
}

}  // namespace

bool read_whole_file(const std::string& path, std::string& out, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "is a directory";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    why = std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

size_t Loader::load(const std::string& display, const std::string& canonical, std::string source) {
  auto file = std::make_unique<FileNode>();
  file->path = display;
  file->display_path = display;
  file->source = std::move(source);
  std::vector<SyntaxErrorInfo> errors;
  if (!parse_file(*file, errors)) {
    syntax_failed_ = true;
    for (const auto& e : errors) syntax_errors_ += format_syntax_error(*file, e);
  }
  AIPROF_HOOK(kHookImport, on_import_end(display.c_str()));
  size_t index = I.files.size();
  loaded_[canonical] = index;
  I.files.push_back(std::move(file));
  imports_of_.emplace_back();
  in_progress_.push_back(canonical);
  FileNode& f = *I.files[index];
  for (const ImportNode& imp : f.imports) {
    size_t child = load_import(f, imp);
    if (child != SIZE_MAX) imports_of_[index].push_back(child);
  }
  in_progress_.pop_back();
  return index;
}

// The import span covers resolving the path, reading the file and parsing it; it ends here
// when the file is not loaded (a cycle, already loaded, unreadable), else in load().
size_t Loader::load_import(const FileNode& from, const ImportNode& imp) {
  fs::path base = fs::path(from.path).parent_path();
  std::string display = (base / imp.path).lexically_normal().string();
  AIPROF_HOOK(kHookImport, on_import_begin(display.c_str()));
  auto not_loaded = [&](size_t result) {
    AIPROF_HOOK(kHookImport, on_import_end(display.c_str()));
    return result;
  };
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(display, ec).string();
  if (ec) canonical = display;
  for (size_t i = 0; i < in_progress_.size(); ++i) {
    if (in_progress_[i] != canonical) continue;
    std::string chain;
    for (size_t j = i; j < in_progress_.size(); ++j)
      chain += I.files[loaded_[in_progress_[j]]]->path + " -> ";
    note_import_error(from, imp, "import cycle: " + chain + display);
    return not_loaded(SIZE_MAX);
  }
  auto it = loaded_.find(canonical);
  if (it != loaded_.end()) return not_loaded(it->second);
  std::string text, why;
  if (!read_whole_file(display, text, why)) {
    note_import_error(from, imp, "cannot import \"" + imp.path + "\": " + why);
    return not_loaded(SIZE_MAX);
  }
  return load(display, canonical, std::move(text));
}

void Loader::note_import_error(const FileNode& from, const ImportNode& imp,
                               const std::string& message) {
  if (import_error_.empty())
    import_error_ = fmt::format("{}:{}:{}: ImportError: {}\n", upto_nul(from.path), imp.line,
                                imp.column, upto_nul(message));
}

}  // namespace anarchy
