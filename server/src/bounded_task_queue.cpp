#include "bounded_task_queue.hpp"

namespace aiprof::server {

BoundedTaskQueue::BoundedTaskQueue(size_t workers, size_t max_queued) : max_queued_(max_queued) {
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Every task must run: it owns an accepted socket, which only running it closes.
  has_room_.wait(lock, [&] { return tasks_.size() < max_queued_ || workers_.empty(); });
  if (workers_.empty()) {  // after shutdown: run it here
    lock.unlock();
    task();
    return;
  }
  tasks_.push_back(std::move(task));
  has_task_.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutting_down_) return;
    shutting_down_ = true;
    has_task_.notify_all();
  }
  for (std::thread& t : workers_) t.join();
  std::lock_guard<std::mutex> lock(mutex_);
  workers_.clear();
  has_room_.notify_all();
}

void BoundedTaskQueue::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      has_task_.wait(lock, [&] { return shutting_down_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // shutting down with nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
      has_room_.notify_one();
    }
    task();
  }
}

}  // namespace aiprof::server
