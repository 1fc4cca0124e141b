// How the `anarchy` command words its errors: one line each on stderr, whatever bytes the user
// put in a file name or an option value. Not async-signal-safe.
#pragma once

#include <string>
#include <string_view>

namespace anarchy::cli {

// `text` with its control characters escaped (a newline as \n, others as \xHH), so a message
// quoting the command line stays one line on the terminal.
std::string one_line(std::string_view text);

// "WHO: MESSAGE" and a newline on stderr (errors, warnings, notices), MESSAGE made one line;
// what the program printed on stdout is flushed first.
void print_message(std::string_view who, std::string_view message);

// Why the program FILE cannot be run ("cannot read 'x.ai': No such file or directory", "cannot
// read 'src': it is a directory, not a program"), or "" when it is a readable file.
std::string program_file_problem(const std::string& path);

}  // namespace anarchy::cli
