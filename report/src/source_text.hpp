// The guest source lines the hot-lines views show beside their samples, read from the
// profiled files when a report is written (a report written later, from JSON, shows the files
// as they are then; a file that cannot be read shows no text). Not async-signal-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aiprof::report {

class SourceText {
 public:
  // Line `line` (from 1) of `file`, without its line break; null when the file cannot be read
  // or is shorter. Each file is read once.
  const std::string* line(const std::string& file, uint32_t line);
  // How many lines `file` has (0 when it cannot be read).
  uint32_t line_count(const std::string& file);

 private:
  const std::vector<std::string>& lines_of(const std::string& file);
  std::map<std::string, std::vector<std::string>> files_;
};

}  // namespace aiprof::report
