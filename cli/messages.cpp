#include "messages.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace anarchy::cli {

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

void print_message(std::string_view who, std::string_view message) {
  std::string line = fmt::format("{}: {}\n", who, one_line(message));
  std::fflush(stdout);  // what the program printed comes first
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string program_file_problem(const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0)
    return fmt::format("cannot read '{}': {}", path, std::strerror(errno));
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    return fmt::format("cannot read '{}': it is a directory, not a program", path);
  return "";
}

}  // namespace anarchy::cli
