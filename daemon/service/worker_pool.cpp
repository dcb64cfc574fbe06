#include "service/worker_pool.hpp"

#include <optional>

#include "core/log.hpp"

namespace rosterd::service {

WorkerPool::WorkerPool(std::string database_path, std::size_t threads) : m_database_path(std::move(database_path)) {
  grow(threads);
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_wake.notify_all();
  for (auto& thread : m_threads) thread.join();
}

void WorkerPool::submit(Task task) {
  {
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
  }
  m_wake.notify_one();
}

void WorkerPool::grow(std::size_t threads) {
  std::lock_guard lock(m_mutex);
  while (m_threads.size() < threads) m_threads.emplace_back([this] { work(); });
}

void WorkerPool::work() {
  std::optional<store::Database> reader;
  while (true) {
    Task task;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_closing || !m_tasks.empty(); });
      if (m_tasks.empty()) return;  // closing and drained
      task = std::move(m_tasks.front());
      m_tasks.pop_front();
    }
    try {
      if (!reader) reader.emplace(store::Database::open(m_database_path, store::OpenMode::read_only));
    } catch (const std::exception& e) {
      core::log().error("worker: cannot open the database for reading: {}", e.what());
    }
    task(reader ? &*reader : nullptr);
  }
}

}  // namespace rosterd::service
