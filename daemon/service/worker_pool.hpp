#pragma once
// The threads that run syncs. Each worker has its own read-only connection for
// planning (WAL readers never wait for the writer); writes go through the one
// store::Writer the tasks share.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"

namespace rosterd::service {

class WorkerPool {
 public:
  // `reader` is null when the worker could not open its connection: the task must
  // still report its end (its source would otherwise never run again).
  using Task = std::function<void(store::Database* reader)>;

  WorkerPool(std::string database_path, std::size_t threads);
  // Runs the queued tasks to their end, then joins.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(Task task);
  // Adds threads up to `threads` (never removes any).
  void grow(std::size_t threads);

 private:
  void work();

  std::string m_database_path;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Task> m_tasks;
  bool m_closing = false;
  std::vector<std::thread> m_threads;
};

}  // namespace rosterd::service
