// Splitting `anarchy`'s command line into what is ours (parsed by CLI11) and what belongs to the
// guest program, before anything is parsed:
//
//   anarchy [--help | --version] COMMAND [OPTIONS] FILE [--] [ARGS...]
//
// For the commands that take a FILE (run, profile, fmt), the first word after COMMAND that is
// neither an option nor an option's value is FILE, and every word after FILE goes to the program
// untouched, with one exception: the first `--` of the line, right after FILE, only separates
// (as getopt's and `py-spy record -- ...`'s do) and is not passed on. A `--` before FILE ends our
// options instead: the next word is FILE even if it starts with '-'.
//
// Words after FILE that name one of COMMAND's own options still go to the program (a program
// may take `-o` too), but they are listed in `misplaced` so the caller can warn that they did not
// reach us; a `--` after FILE says the user meant them for the program, and silences that.
// fmt takes no arguments after FILE (it refuses them, with no warning); report takes no FILE of
// this kind: all its words are ours.
//
// Nothing here is async-signal-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace anarchy::cli {

struct CommandLine {
  std::vector<std::string> ours;       // for CLI11, in order, without argv[0]
  std::vector<std::string> program;    // the guest program's arguments
  std::vector<std::string> misplaced;  // COMMAND's own options found after FILE
  std::string command;                 // the subcommand's name ("" when there is none)
  std::string error;                   // not empty: the line is unusable (one line, no prefix)
};

// Splits `words` (argv without argv[0]) for `app`, whose subcommands are already registered.
CommandLine split_command_line(const CLI::App& app, const std::vector<std::string>& words);

}  // namespace anarchy::cli
