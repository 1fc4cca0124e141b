#include "aiprof/report/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>

namespace aiprof::report {

namespace {

[[noreturn]] void fail(const std::string& path, int error) {
  throw OutputError("cannot write '" + path + "': " + std::strerror(error));
}

// Writes everything or returns the errno of the failure.
int write_all(int fd, std::string_view content) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

// Removes the temporary file unless the rename consumed it.
struct TempFile {
  std::string path;
  int fd = -1;
  bool renamed = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!renamed && !path.empty()) ::unlink(path.c_str());
  }
};

// A new file beside the target, created 0666 so the umask applies as to any file (mkstemp
// would make it 0600). O_EXCL with a name of pid, time and attempt makes it unique.
int open_unique_temp(const std::filesystem::path& folder, const std::string& name,
                     std::string& temp_path) {
  auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path = (folder / ("." + name + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(stamp) + "." + std::to_string(attempt)))
                    .string();
    int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
  std::filesystem::path target(path);
  if (target.filename().empty()) throw OutputError("cannot write '" + path + "': not a file name");
  std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  TempFile temp;
  std::string temp_path;
  temp.fd = open_unique_temp(folder, target.filename().string(), temp_path);
  if (temp.fd < 0) fail(path, errno);
  temp.path = temp_path;
  if (int error = write_all(temp.fd, content)) fail(path, error);
  if (::fsync(temp.fd) != 0) fail(path, errno);
  int fd = temp.fd;
  temp.fd = -1;
  if (::close(fd) != 0) fail(path, errno);
  if (::rename(temp.path.c_str(), path.c_str()) != 0) fail(path, errno);
  temp.renamed = true;
}

}  // namespace aiprof::report
