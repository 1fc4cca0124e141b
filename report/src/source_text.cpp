#include "source_text.hpp"

#include <fstream>

namespace aiprof::report {

const std::vector<std::string>& SourceText::lines_of(const std::string& file) {
  auto [it, added] = files_.try_emplace(file);
  if (!added || file.empty()) return it->second;
  std::ifstream in(file, std::ios::binary);
  for (std::string line; in && std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    it->second.push_back(std::move(line));
  }
  return it->second;
}

const std::string* SourceText::line(const std::string& file, uint32_t line) {
  const std::vector<std::string>& lines = lines_of(file);
  return line >= 1 && line <= lines.size() ? &lines[line - 1] : nullptr;
}

uint32_t SourceText::line_count(const std::string& file) {
  return static_cast<uint32_t>(lines_of(file).size());
}

}  // namespace aiprof::report
