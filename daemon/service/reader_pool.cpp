#include "service/reader_pool.hpp"

namespace rosterd::service {

ReaderPool::ReaderPool(std::string database_path, std::size_t keep_idle)
    : m_database_path(std::move(database_path)), m_keep_idle(keep_idle) {}

std::unique_ptr<store::Database> ReaderPool::take() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      auto reader = std::move(m_idle.back());
      m_idle.pop_back();
      return reader;
    }
  }
  return store::open(m_database_path, store::OpenMode::read_only);
}

void ReaderPool::give_back(std::unique_ptr<store::Database> reader) {
  std::unique_ptr<store::Database> surplus;  // closed outside the lock
  std::lock_guard lock(m_mutex);
  if (m_idle.size() < m_keep_idle) {
    m_idle.push_back(std::move(reader));
  } else {
    surplus = std::move(reader);
  }
}

void ReaderPool::set_keep_idle(std::size_t keep_idle) {
  std::vector<std::unique_ptr<store::Database>> surplus;
  std::lock_guard lock(m_mutex);
  m_keep_idle = keep_idle;
  while (m_idle.size() > m_keep_idle) {
    surplus.push_back(std::move(m_idle.back()));
    m_idle.pop_back();
  }
}

void ReaderPool::release_cache(store::Database& reader) noexcept {
  reader.release_memory();
}

}  // namespace rosterd::service
