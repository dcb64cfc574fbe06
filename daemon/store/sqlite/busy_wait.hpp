#pragma once
// SQLite's busy handler for rosterd's connections: waits for a lock up to a
// timeout like sqlite3_busy_timeout() does, and logs once when the wait starts to
// be long, saying who holds the lock, so that a 10 s wait is never silent.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace rosterd::store::sqlite {

class BusyWait {
 public:
  // Every connection's wait for a lock before SQLITE_BUSY, and when it is logged.
  static constexpr std::chrono::milliseconds k_timeout{10'000};
  static constexpr std::chrono::milliseconds k_log_after{1000};

  BusyWait(std::string path, std::chrono::milliseconds timeout) : m_path(std::move(path)), m_timeout(timeout) {}

  // Installs the handler on `db`; this object must outlive the connection's use.
  void install(sqlite3* db);
  // Removes it: a lock that is busy fails at once (SQLITE_BUSY).
  static void remove(sqlite3* db);

  // How many times SQLite called the handler: each call is a wait for a lock.
  [[nodiscard]] std::uint64_t calls() const { return m_calls.load(); }

 private:
  static int on_busy(void* self, int count);
  int wait(int count);

  std::string m_path;
  std::chrono::milliseconds m_timeout;
  std::atomic<std::uint64_t> m_calls{0};
  std::chrono::steady_clock::time_point m_started;
  bool m_logged = false;
};

}  // namespace rosterd::store::sqlite
