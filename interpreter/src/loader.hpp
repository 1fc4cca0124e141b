// Loading a program: the main file and, recursively, every file it imports, each parsed once
// (imports are resolved relative to the importing file; a cycle is an import error). Syntax
// and import errors are gathered as text (LANGUAGE.md section 6), not printed: the caller
// turns them into a GuestError. Nothing here is async-signal-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "impl.hpp"

namespace anarchy {

// A string as printf's "%s" shows it: up to its first NUL byte. (The reports were printed with
// printf; they keep its bytes.)
inline std::string_view upto_nul(const std::string& s) {
  return std::string_view(s).substr(0, s.find('\0'));
}

// The whole file at path, or why not (an errno text, "is a directory"). Host failures are
// values here: the return says whether `out` holds the file.
bool read_whole_file(const std::string& path, std::string& out, std::string& why);

class Loader {
 public:
  explicit Loader(Interpreter::Impl& impl) : I(impl) {}

  // Parses one file already read, then loads what it imports; returns its index in
  // Impl::files. The caller opened the file's import span (the on_import_begin hook) before
  // reading it; it ends here, once the file is parsed.
  size_t load(const std::string& display, const std::string& canonical, std::string source);

  // What the files imported: file index -> indexes of the files it imports.
  const std::vector<std::vector<size_t>>& imports_of() const { return imports_of_; }
  // Whether a file did not parse, and its syntax errors (every file's, formatted, in the
  // order found).
  bool syntax_failed() const { return syntax_failed_; }
  const std::string& syntax_errors() const { return syntax_errors_; }
  // The first import problem, formatted ("" when none).
  const std::string& import_error() const { return import_error_; }

 private:
  size_t load_import(const FileNode& from, const ImportNode& imp);
  void note_import_error(const FileNode& from, const ImportNode& imp, const std::string& message);

  Interpreter::Impl& I;
  std::vector<std::string> in_progress_;            // canonical paths, for cycle errors
  std::unordered_map<std::string, size_t> loaded_;  // canonical path -> index in files
  std::vector<std::vector<size_t>> imports_of_;
  bool syntax_failed_ = false;
  std::string syntax_errors_;
  std::string import_error_;
};

}  // namespace anarchy
