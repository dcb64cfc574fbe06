#pragma once
// Who may write a SQLite database, across processes. Two locks live in one file beside
// the database, PATH.lock (created once, never removed: removing a lock file lets two
// processes lock two different files):
//  - the daemon lock: one `rosterd run` per database, held for the daemon's life, with
//    the holder's pid written in the file so that a second one can name it;
//  - a run lock per source: runs of one source never overlap, whichever processes run
//    them (`rosterd run`, `rosterd sync`), so that no two processes plan against the same
//    stored state or log in to the same vendor account at once.
// Both are open-file-description locks (fcntl F_OFD_SETLK): the kernel drops them when
// the process ends, however it ends, and two locks taken through two opens conflict even
// inside one process. A source's lock is one byte at an offset derived from its name.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "store/status.hpp"

namespace rosterd::store::sqlite {

// PATH.lock for a database file; empty for ":memory:".
std::string lock_path_of(const std::string& database_path);

class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  [[nodiscard]] bool held() const { return m_fd >= 0; }

 private:
  friend class RunLocks;
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

class RunLocks {
 public:
  explicit RunLocks(std::string database_path);

  // The daemon lock. Throws StoreError naming the database and the pid of the
  // `rosterd run` that holds it, or why the lock file cannot be used.
  [[nodiscard]] FileLock lock_daemon() const;
  // Whether a `rosterd run` holds the daemon lock now, and its pid. Never creates the
  // lock file; `known` is false when it cannot be read (a database from before
  // daemon locks has none until a daemon starts).
  [[nodiscard]] DaemonState daemon_state() const;

  // The run lock of `source`, or an unheld FileLock when another process (or another
  // run in this one) holds it. Throws StoreError when the lock file cannot be used.
  [[nodiscard]] FileLock try_lock_source(const std::string& source) const;
  // Waits for the run lock of `source`, calling `on_wait` once when it has to wait.
  // nullopt when `stop` was requested first.
  using OnWait = std::function<void()>;
  [[nodiscard]] std::optional<FileLock> lock_source(const std::string& source, std::stop_token stop,
                                                    const OnWait& on_wait) const;

  [[nodiscard]] const std::string& path() const { return m_lock_path; }

 private:
  [[nodiscard]] int open_lock_file() const;  // throws StoreError

  std::string m_database_path;
  std::string m_lock_path;
};

}  // namespace rosterd::store::sqlite
