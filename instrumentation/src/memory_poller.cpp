#include "aiprof/instrumentation/memory_poller.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

namespace aiprof::instrumentation {

namespace {

uint64_t page_size() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// statm's second field, resident pages, as bytes (0 when the read fails).
uint64_t rss_from_statm(int fd) {
  if (fd < 0) return 0;
  char text[128];
  ssize_t n = pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return 0;
  text[n] = '\0';
  char* end = nullptr;
  std::strtoull(text, &end, 10);                    // total program size
  uint64_t resident = std::strtoull(end, nullptr, 10);  // resident
  return resident * page_size();
}

}  // namespace

uint64_t current_rss_bytes() {
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  uint64_t rss = rss_from_statm(fd);
  if (fd >= 0) close(fd);
  return rss;
}

uint64_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

MemoryPoller::MemoryPoller(const std::atomic<uint64_t>* heap_bytes,
                           std::chrono::nanoseconds interval, size_t max_points)
    : heap_bytes_(heap_bytes), interval_(interval), max_points_(max_points < 4 ? 4 : max_points) {
  statm_fd_ = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
}

MemoryPoller::~MemoryPoller() {
  stop();
  if (statm_fd_ >= 0) close(statm_fd_);
}

void MemoryPoller::start() {
  points_.clear();
  stopping_ = false;
  take_point(true);
  thread_ = std::thread([this] { run(); });
}

void MemoryPoller::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  take_point(true);
}

void MemoryPoller::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    // Reading /proc costs ~10x the counter: RSS is read on every kRssEvery-th point.
    take_point(points_.size() % kRssEvery == 0);
    if (points_.size() >= max_points_) thin();
  }
}

void MemoryPoller::take_point(bool with_rss) {
  auto now = std::chrono::steady_clock::now();
  if (points_.empty()) start_ = now;  // the first point is t = 0
  MemoryPoint point;
  point.t_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count());
  point.heap_bytes = heap_bytes_ ? heap_bytes_->load(std::memory_order_relaxed) : 0;
  point.rss_bytes = with_rss ? rss_from_statm(statm_fd_) : 0;
  points_.push_back(point);
}

// Every other point, keeping the first; later points come at twice the interval.
void MemoryPoller::thin() {
  size_t kept = 0;
  for (size_t i = 0; i < points_.size(); i += 2) points_[kept++] = points_[i];
  points_.resize(kept);
  interval_ *= 2;
}

}  // namespace aiprof::instrumentation
