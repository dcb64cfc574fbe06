#pragma once
// The one writer. SQLite allows one writing transaction at a time; rather than
// let concurrent runs meet SQLITE_BUSY, every write goes through this object,
// which holds the write connection and serializes its users. Reads (planning a
// run) use their own connections and never wait for it (WAL).

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace rosterd::store {

class Writer {
 public:
  explicit Writer(Database& db) : m_db(db) {}

  // Runs `work(Database&)` alone on the write connection and returns its result,
  // after the deferred writes (see defer()) when they can be written now.
  template <class Work>
  decltype(auto) run(Work&& work) {
    std::lock_guard lock(m_mutex);
    flush_deferred();
    return std::forward<Work>(work)(m_db);
  }

  // A write that could not be made (another program held the database's write lock)
  // and must not be lost, such as a failed run's sync_runs row: made before the next
  // work, or by flush(), as soon as the database takes writes again.
  using Deferred = std::function<void(Database&)>;
  void defer(Deferred write) {
    std::lock_guard lock(m_mutex);
    m_deferred.push_back(std::move(write));
  }
  // Tries the deferred writes now; true when none is left.
  bool flush() {
    std::lock_guard lock(m_mutex);
    flush_deferred();
    return m_deferred.empty();
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
  // Each deferred write waits briefly for the lock: the work after it must not wait twice.
  void flush_deferred() {
    while (!m_deferred.empty()) {
      try {
        m_db.with_short_wait([&] { m_deferred.front()(m_db); });
      } catch (...) {
        return;  // still locked (or failing): kept for the next turn
      }
      m_deferred.erase(m_deferred.begin());
    }
  }

  Database& m_db;
  std::mutex m_mutex;
  std::vector<Deferred> m_deferred;  // guarded by m_mutex
};

}  // namespace rosterd::store
