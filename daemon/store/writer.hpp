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

 private:
  Database& m_db;
  std::mutex m_mutex;
};

}  // namespace rosterd::store
