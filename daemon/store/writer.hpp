#pragma once
// The one writer. SQLite allows one writing transaction at a time; rather than
// let concurrent runs meet SQLITE_BUSY, every write goes through this object,
// which holds the write connection and serializes its users. Reads (planning a
// run) use their own connections and never wait for it (WAL).

#include <mutex>
#include <utility>

#include "store/database.hpp"

namespace rosterd::store {

class Writer {
 public:
  explicit Writer(Database& db) : m_db(db) {}

  // Runs `work(Database&)` alone on the write connection and returns its result.
  template <class Work>
  decltype(auto) run(Work&& work) {
    std::lock_guard lock(m_mutex);
    return std::forward<Work>(work)(m_db);
  }

  // Runs `work(Database&)` when no one else is writing through this writer; false
  // (work not run) when someone is. For writes that may be skipped, such as progress.
  template <class Work>
  bool try_run(Work&& work) {
    std::unique_lock lock(m_mutex, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    std::forward<Work>(work)(m_db);
    return true;
  }

 private:
  Database& m_db;
  std::mutex m_mutex;
};

}  // namespace rosterd::store
