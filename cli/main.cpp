// The `anarchy` command: parses the command line and runs the chosen subcommand.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";

// Parse errors are one line on stderr and exit status 2.
int usage_error(const std::string& message) {
  std::fprintf(stderr, "anarchy: %s (see 'anarchy --help')\n", message.c_str());
  return anarchy::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"anarchy: the Anarchy Inference interpreter and profiler", "anarchy"};
  app.set_version_flag("--version", std::string("anarchy ") + kVersion);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, anarchy::cli::Action>> commands;
  auto add = [&](anarchy::cli::Action action) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(action));
  };
  add(anarchy::cli::add_run_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  for (auto& [sub, action] : commands)
    if (sub->parsed()) return action();
  return usage_error("no command given");
}
