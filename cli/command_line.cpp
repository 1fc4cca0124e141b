#include "command_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace anarchy::cli {

namespace {

// "-o", "--mode", "--mode=exact", "--": a word CLI11 reads as an option (not "-", stdin's name).
bool is_option_word(const std::string& word) { return word.size() > 1 && word[0] == '-'; }

bool is_help_or_version(const std::string& word) {
  return word == "-h" || word == "--help" || word == "--version";
}

// The commands whose options all come before FILE: what follows it is not ours.
bool splits_at_file(const std::string& command) {
  return command == "run" || command == "profile" || command == "fmt";
}

// Those of them that pass what follows FILE to the program (fmt refuses it, with an error).
bool passes_arguments(const std::string& command) {
  return command == "run" || command == "profile";
}

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

// The subcommand `word` names, or null (CLI11's get_subcommand throws for an unknown name).
const CLI::App* command_named(const CLI::App& app, const std::string& word) {
  for (const CLI::App* command : commands_of(app))
    if (command->check_name(word)) return command;
  return nullptr;
}

// "the commands: run, profile, fmt, report"
std::string command_list(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : commands_of(app)) names.push_back(command->get_name());
  return fmt::format("the commands: {}", fmt::join(names, ", "));
}

// The option of `command` that `word` names ("-o", "--mode", "--mode=exact"), or null.
const CLI::Option* option_named(const CLI::App& command, const std::string& word) {
  if (!is_option_word(word) || word == "--") return nullptr;
  return command.get_option_no_throw(word.substr(0, word.find('=')));
}

// The index of FILE in `words` for a program-running command at `command_at` (words.size() when
// there is none), and whether a `--` came before it.
std::pair<size_t, bool> find_program_file(const CLI::App& command,
                                          const std::vector<std::string>& words,
                                          size_t command_at) {
  for (size_t i = command_at + 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") return {i + 1, true};
    if (!is_option_word(word)) return {i, false};
    const CLI::Option* option = option_named(command, word);
    bool value_attached = word.find('=') != std::string::npos;
    if (option && !value_attached && option->get_items_expected_min() > 0) ++i;  // its value
  }
  return {words.size(), false};
}

// Splits the words of a program-running command: ours up to FILE, the program's after it.
void split_at_program_file(const CLI::App& command, const std::vector<std::string>& words,
                           size_t command_at, CommandLine& line) {
  auto [file, separated] = find_program_file(command, words, command_at);
  if (file >= words.size()) {  // no FILE: CLI11 says so (or what else is wrong)
    line.ours = words;
    return;
  }
  line.ours.assign(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(file) + 1);
  size_t rest = file + 1;
  if (!separated && rest < words.size() && words[rest] == "--") {
    separated = true;
    ++rest;
  }
  line.program.assign(words.begin() + static_cast<std::ptrdiff_t>(rest), words.end());
  if (separated || !passes_arguments(line.command)) return;
  for (const std::string& word : line.program)
    if (option_named(command, word)) line.misplaced.push_back(word);
}

}  // namespace

CommandLine split_command_line(const CLI::App& app, const std::vector<std::string>& words) {
  CommandLine line;
  size_t at = 0;
  while (at < words.size() && is_option_word(words[at])) ++at;  // anarchy's own: --help, --version
  bool asks_help = std::any_of(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(at),
                               is_help_or_version);
  if (asks_help) {  // CLI11 answers
    line.ours.assign(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(at));
    return line;
  }
  if (at == words.size()) {
    line.error = at == 0 ? fmt::format("give a command ({})", command_list(app))
                         : fmt::format(
                               "unknown option '{}' (options go after the command: "
                               "anarchy COMMAND [OPTIONS] FILE)",
                               words[0]);
    return line;
  }
  const CLI::App* command = command_named(app, words[at]);
  if (!command) {
    line.error = fmt::format("'{}' is not a command ({})", words[at], command_list(app));
    return line;
  }
  line.command = command->get_name();
  if (!splits_at_file(line.command)) {
    line.ours = words;
    return line;
  }
  split_at_program_file(*command, words, at, line);
  return line;
}

}  // namespace anarchy::cli
