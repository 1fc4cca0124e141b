// The `anarchy` command: parses the command line and runs the chosen subcommand.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "aiprof/sampler/namer_process.hpp"
#include "commands.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";
// argv[1] of the helper process that names native PCs (not a subcommand: never shown).
constexpr const char* kNamerArgument = "__aiprof-namer";

// Parse errors are one line on stderr and exit status 2.
int usage_error(const std::string& message) {
  std::fprintf(stderr, "anarchy: %s (see 'anarchy --help')\n", message.c_str());
  return anarchy::cli::kExitUsage;
}

// `report` takes files and sub-subcommands (diff, merge), never a program with arguments.
bool runs_a_program(const CLI::App& sub) { return sub.get_name() != "report"; }

// The index of the program FILE among argv for subcommands that run a program (the first
// positional after the subcommand name, skipping option values), or argc if there is none.
int program_file_index(CLI::App& app, int argc, char** argv) {
  CLI::App* sub = nullptr;
  int i = 1;
  for (; i < argc && !sub; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    sub = app.get_subcommand_ptr(word).get();
  }
  if (!sub || !runs_a_program(*sub)) return argc;
  auto positionals = sub->get_options([](const CLI::Option* o) { return o->get_positional(); });
  if (positionals.empty()) return argc;
  for (; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") return i + 1 < argc ? i + 1 : argc;
    if (word.size() > 1 && word[0] == '-') {
      if (word.find('=') != std::string::npos) continue;
      const CLI::Option* opt = sub->get_option_no_throw(word);
      if (opt && opt->get_items_expected_min() > 0) ++i;  // skip the option's value
      continue;
    }
    return i;
  }
  return argc;
}

}  // namespace

std::vector<std::string>& anarchy::cli::program_arguments() {
  static std::vector<std::string> args;
  return args;
}

int main(int argc, char** argv) {
  // The helper process that names native PCs for --native (aiprof/sampler/namer_process.hpp).
  if (argc == 2 && std::string(argv[1]) == kNamerArgument)
    return aiprof::sampler::run_namer_server(STDIN_FILENO, STDOUT_FILENO);
  aiprof::sampler::enable_namer_process("/proc/self/exe", {kNamerArgument});

  CLI::App app{"anarchy: the Anarchy Inference interpreter and profiler", "anarchy"};
  app.set_version_flag("--version", std::string("anarchy ") + kVersion);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, anarchy::cli::Action>> commands;
  auto add = [&](anarchy::cli::Action action) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(action));
  };
  add(anarchy::cli::add_run_command(app));
  add(anarchy::cli::add_profile_command(app));
  add(anarchy::cli::add_fmt_command(app));
  add(anarchy::cli::add_report_command(app));

  // Everything after the program file goes to the program untouched.
  int file = program_file_index(app, argc, argv);
  int ours = file < argc ? file + 1 : argc;
  for (int i = ours; i < argc; ++i) anarchy::cli::program_arguments().push_back(argv[i]);
  std::vector<std::string> own(argv + 1, argv + ours);
  own.erase(std::remove(own.begin(), own.end(), std::string("--")), own.end());
  std::reverse(own.begin(), own.end());  // CLI11 takes a reversed vector

  try {
    app.parse(own);
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
