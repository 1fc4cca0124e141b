// Writes a report file all or nothing: the bytes go to a temporary file in the same folder,
// which is flushed, synced and then renamed over the target. A failure (unwritable folder,
// full disk) removes the temporary file and throws OutputError naming the target; the
// target is then untouched (no partial report is ever left).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace aiprof::report {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace aiprof::report
