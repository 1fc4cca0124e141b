#include "snapshot_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "aiprof/server/snapshots.hpp"

namespace aiprof::server {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "aiprof-";
constexpr std::string_view kExtensions[] = {".pb.gz", ".json"};

// The stem of a snapshot file name, or "" for any other name.
std::string stem_of(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return "";
  for (std::string_view ext : kExtensions)
    if (name.size() > ext.size() && name.ends_with(ext)) return name.substr(0, name.size() - ext.size());
  return "";
}

}  // namespace

std::string snapshot_stem(std::chrono::system_clock::time_point end, int pid, uint64_t sequence) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(end.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
  return fmt::format("{}{}.{:03}Z-p{}-{:06}", kPrefix, stamp, ms % 1000, pid, sequence);
}

std::vector<std::string> snapshot_stems(const std::string& dir) {
  std::set<std::string> stems;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
    if (std::string stem = stem_of(entry.path().filename().string()); !stem.empty())
      stems.insert(stem);
  return {stems.begin(), stems.end()};
}

uint32_t rotate_snapshots(const std::string& dir, uint32_t keep) {
  std::vector<std::string> stems = snapshot_stems(dir);
  uint32_t removed = 0;
  for (size_t i = 0; i + keep < stems.size(); ++i) {
    for (std::string_view ext : kExtensions) {
      std::error_code ec;
      fs::remove(fs::path(dir) / (stems[i] + std::string(ext)), ec);
    }
    ++removed;
  }
  return removed;
}

std::string check_snapshot_dir(const std::string& dir) {
  std::error_code ec;
  if (dir.empty()) return "--profile-dir: the directory name is empty";
  if (!fs::exists(dir, ec) && !fs::create_directories(dir, ec))
    return fmt::format("--profile-dir: cannot create '{}': {}", dir, ec.message());
  if (!fs::is_directory(dir, ec)) return fmt::format("--profile-dir: '{}' is not a directory", dir);
  // access(W_OK) says nothing of a read-only mount or of root: create a file to know.
  std::string probe = (fs::path(dir) / fmt::format(".aiprof-probe.{}", ::getpid())).string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fmt::format("--profile-dir: cannot write in '{}': {}", dir, std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

std::optional<std::chrono::seconds> parse_snapshot_interval(std::string_view text,
                                                            std::string* problem) {
  auto bad = [&](const std::string& why) {
    *problem = fmt::format("--profile-every: '{}' {} (e.g. 30s, 5m, 1h, 1m30s; whole seconds "
                           "from 1 s to 24 h)", text, why);
    return std::nullopt;
  };
  if (text.empty()) return bad("is empty");
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits = i;
    uint64_t n = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9' && n < 1'000'000)
      n = n * 10 + static_cast<uint64_t>(text[digits++] - '0');
    if (digits == i) return bad("is not a duration");
    if (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') return bad("is too long");
    uint64_t unit = 1;
    if (digits < text.size()) {
      char u = text[digits++];
      if (u == 'h') unit = 3600;
      else if (u == 'm' && (digits == text.size() || text[digits] != 's')) unit = 60;
      else if (u == 's') unit = 1;
      else return bad("has a unit other than h, m or s");
    } else if (i != 0) {
      return bad("has a number without a unit");
    }
    total += n * unit;
    i = digits;
  }
  if (total < 1 || total > static_cast<uint64_t>(std::chrono::seconds(kMaxSnapshotInterval).count()))
    return bad("is out of range");
  return std::chrono::seconds(total);
}

}  // namespace aiprof::server
