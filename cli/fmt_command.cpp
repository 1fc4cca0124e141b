// anarchy fmt (--ascii | --symbolic) FILE: prints the program in the chosen spelling of the
// language on standard output (LANGUAGE.md section 8). Statements and comments keep their
// source lines. A syntax error is reported as `anarchy run` reports it (exit 65).
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "anarchy/interpreter/format.hpp"
#include "anarchy/interpreter/heap.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "commands.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace {

struct FmtRequest {
  std::string file;
  bool ascii = false;
  bool symbolic = false;
  int status = 0;
};

bool read_source(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return !in.bad();
}

// The source line `line` (1-based) and a caret under character column `column`.
void print_location(const std::string& source, uint32_t line, uint32_t column) {
  size_t start = 0;
  for (uint32_t l = 1; l < line && start != std::string::npos; ++l) {
    start = source.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos || start > source.size()) return;
  std::string text = source.substr(start, source.find('\n', start) - start);
  std::string caret;
  uint32_t col = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t') text[i] = '?';  // keep the terminal sane on binary input
    if ((c & 0xC0) == 0x80 || col >= column) continue;
    caret += c == '\t' ? '\t' : ' ';
    ++col;
  }
  std::fprintf(stderr, "    %s\n    %s^\n", text.c_str(), caret.c_str());
}

// Runs on a large stack: printing recurses as deep as the program's expressions nest.
int format_program(void* p) {
  auto* req = static_cast<FmtRequest*>(p);
  std::string source;
  if (!read_source(req->file, source)) {
    print_message("anarchy fmt", "cannot read '" + req->file + "'");
    return kExitUsage;
  }
  Heap heap;  // the parser allocates the program's strings
  Heap::set_current(&heap);
  std::string out;
  std::vector<FormatError> errors;
  Spelling spelling = req->symbolic ? Spelling::Symbolic : Spelling::Ascii;
  if (!format_source(source, spelling, out, errors)) {
    for (const FormatError& e : errors) {
      if (e.line == 0) {
        std::fprintf(stderr, "%s: %s\n", req->file.c_str(), e.message.c_str());
        continue;
      }
      std::fprintf(stderr, "%s:%u:%u: SyntaxError: %s\n", req->file.c_str(), e.line, e.column,
                   e.message.c_str());
      print_location(source, e.line, e.column);
    }
    return kExitSyntax;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

Action add_fmt_command(CLI::App& app) {
  auto req = std::make_shared<FmtRequest>();
  CLI::App* fmt = app.add_subcommand(
      "fmt", "Print a program in the ASCII or the symbolic spelling: anarchy fmt --ascii FILE");
  auto* ascii = fmt->add_flag("--ascii", req->ascii, "The ASCII spelling (m{ main(){ ... } })");
  auto* symbolic =
      fmt->add_flag("--symbolic", req->symbolic, "The symbolic spelling (λm{ ƒmain(){ ... } })");
  ascii->excludes(symbolic);
  fmt->add_option("file", req->file, "The program (.ai)")->required();
  return [req]() {
    if (!program_arguments().empty()) {
      print_message("anarchy fmt", "takes one FILE, options before it (see 'anarchy fmt --help')");
      return kExitUsage;
    }
    if (!req->ascii && !req->symbolic) {
      std::fprintf(stderr, "anarchy: fmt needs --ascii or --symbolic (see 'anarchy fmt --help')\n");
      return kExitUsage;
    }
    return run_with_large_stack(RunOptions{}.max_depth, format_program, req.get());
  };
}

}  // namespace anarchy::cli
