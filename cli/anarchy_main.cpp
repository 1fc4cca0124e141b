#include "anarchy_main.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "command_line.hpp"
#include "commands.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace {

constexpr const char* kVersion = "0.1.0";

// A bad command line: one line on stderr, exit status 2.
int usage_error(const std::string& command, const std::string& message) {
  std::string who = command.empty() ? "anarchy" : "anarchy " + command;
  std::string help = command.empty() ? "anarchy --help" : who + " --help";
  print_message(who, fmt::format("{} (see '{}')", message, help));
  return kExitUsage;
}

// Our options found after FILE went to the program: say so, in one line.
void warn_misplaced(const CommandLine& line) {
  if (line.misplaced.empty()) return;
  print_message("anarchy " + line.command,
                fmt::format("warning: '{}' after FILE {} passed to the program, not to anarchy {}; "
                            "put options before FILE, or write 'FILE -- ARGS' to pass arguments on "
                            "without this warning",
                            fmt::join(line.misplaced, "', '"),
                            line.misplaced.size() == 1 ? "is" : "are", line.command));
}

// Parses `line.ours`; returns the exit status when there is nothing to run (help, version, an
// error), -1 when a subcommand was chosen.
int parse(CLI::App& app, const CommandLine& line) {
  std::vector<std::string> reversed(line.ours.rbegin(), line.ours.rend());  // as CLI11 takes it
  try {
    app.parse(reversed);
    return -1;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(line.command, e.what());
  }
}

}  // namespace

int anarchy_main(int argc, const char* const* argv) {
  CLI::App app{"anarchy: the Anarchy Inference interpreter and profiler", "anarchy"};
  app.set_version_flag("--version", std::string("anarchy ") + kVersion);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Action>> commands;
  auto add = [&](Action action) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(action));
  };
  add(add_run_command(app));
  add(add_profile_command(app));
  add(add_fmt_command(app));
  add(add_report_command(app));

  CommandLine line = split_command_line(app, std::vector<std::string>(argv + 1, argv + argc));
  if (!line.error.empty()) return usage_error(line.command, line.error);
  program_arguments() = line.program;
  if (int status = parse(app, line); status >= 0) return status;
  warn_misplaced(line);
  for (auto& [command, action] : commands)
    if (command->parsed()) return action();
  return usage_error("", "no command given");
}

std::vector<std::string>& program_arguments() {
  static std::vector<std::string> args;
  return args;
}

}  // namespace anarchy::cli
