// The subcommands of `anarchy`, one file each. Each add_* function registers its subcommand
// on the app and returns the action to run when that subcommand was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "anarchy/interpreter/run_result.hpp"  // the exit statuses

namespace anarchy::cli {

using anarchy::kExitUsage;

using Action = std::function<int()>;

// Arguments after the program FILE of `run` and `profile` belong to the guest program, not to
// us; anarchy_main() splits them off before parsing (command_line.hpp) and hands them over here.
std::vector<std::string>& program_arguments();

// anarchy run [options] FILE [--] [ARGS...]
Action add_run_command(CLI::App& app);

// anarchy profile [--mode exact|sampling|hybrid] [options] FILE [--] [ARGS...]
Action add_profile_command(CLI::App& app);

// anarchy fmt (--ascii | --symbolic) FILE
Action add_fmt_command(CLI::App& app);

// anarchy report IN.json [-o OUT]... [--format F] | report diff BASE NEW | report merge A B ...
Action add_report_command(CLI::App& app);

}  // namespace anarchy::cli
