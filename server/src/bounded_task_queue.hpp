// The server's connection workers: a fixed number of threads and a bounded queue of accepted
// connections. When the queue is full the accepting thread waits (new connections then wait
// in the kernel's listen backlog), so a flood of clients costs neither memory nor threads.
// cpp-httplib 0.11's own ThreadPool queues without bound. Not async-signal-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace aiprof::server {

class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t workers, size_t max_queued);
  ~BoundedTaskQueue() override;
  void enqueue(std::function<void()> task) override;
  // Runs every queued connection to its end (each bounded by the read and write timeouts),
  // then joins the workers.
  void shutdown() override;

 private:
  void work();
  std::mutex mutex_;
  std::condition_variable has_task_, has_room_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> workers_;
  size_t max_queued_;
  bool shutting_down_ = false;
};

}  // namespace aiprof::server
