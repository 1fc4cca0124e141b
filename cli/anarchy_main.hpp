// The `anarchy` command as a function: parses a command line and runs the chosen subcommand.
// main() (main.cpp) is this plus the process-wide set-up; tests and fuzzers call it in-process.
// Not async-signal-safe.
#pragma once

namespace anarchy::cli {

// Runs `anarchy argv[1] ...` and returns its exit status: the program's, or 2 for a bad command
// line (one line on stderr), 0 after --help or --version. Never calls exit(). Each call parses
// afresh, so it may be called again in the same process.
int anarchy_main(int argc, const char* const* argv);

}  // namespace anarchy::cli
