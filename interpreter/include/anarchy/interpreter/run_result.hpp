// What running a program came to: main's exit status, or the guest error that stopped it.
//
// Guest errors are values: Interpreter::execute_file / execute_source print nothing, they
// return the error's report (LANGUAGE.md section 6) for the caller to print, and exit_status()
// maps a result to the process exit status. Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace anarchy {

// Process exit statuses (the sysexits.h values for data and software errors).
constexpr int kExitUsage = 2;          // a bad command line, or the program file is unreadable
constexpr int kExitSyntax = 65;        // a syntax error in the program
constexpr int kExitRuntime = 70;       // an uncaught guest error, an import error, no main()
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report an interrupted program

enum class GuestErrorKind : uint8_t {
  Unreadable,   // the main file could not be read
  Syntax,       // a file of the import graph does not parse
  Import,       // an import cannot be found or read, or imports form a cycle
  Runtime,      // an uncaught throw, no main(), out of memory, the step budget exhausted
  Interrupted,  // RunOptions::interrupt was set
};

struct GuestError {
  GuestErrorKind kind = GuestErrorKind::Runtime;
  std::string report;  // what to print on the error stream: whole lines, each ending in '\n'
};

struct RunResult {
  int main_status = 0;              // main's return value as an exit status (no error)
  std::optional<GuestError> error;  // what stopped the program, if anything did
};

// main_status without an error; else the status of the error's kind.
int exit_status(const RunResult& result);

}  // namespace anarchy
