#pragma once
// Opening the database: WAL, a busy handler on every connection (a wait for a lock
// of up to 10 s, logged when it passes 1 s), foreign keys, synchronous=FULL (one
// commit per run, so durability is nearly free: docs/reliability.md), and the numbered
// migrations from schema/. Every failure is a StoreError whose message names the
// file and what to do (database_errors.hpp).

#include <SQLiteCpp/Database.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "store/database.hpp"
#include "store/sqlite/busy_wait.hpp"
#include "store/sqlite/database_errors.hpp"

namespace rosterd::store::sqlite {

// What one checkpoint achieved.
struct CheckpointResult {
  bool complete = false;  // every frame copied into the database file and the WAL truncated
  int wal_frames = 0;     // frames in the WAL (0 once truncated)
  int copied_frames = 0;  // of those, frames now in the database file
};

class Connection {
 public:
  static constexpr int k_busy_timeout_ms = static_cast<int>(BusyWait::k_timeout.count());

  // Called before migrations are applied to a database that already holds data
  // (schema version `from` > 0): upgrading a large one can take a while (about 13 s
  // per million users for migration 4), and a service manager waiting for start-up
  // should be told. Not called for a new, empty database.
  using BeforeMigrating = store::BeforeMigrating;

  // Throws StoreError. read_only: when the database's -wal and -shm files are
  // missing and this user may not create them (a reporting user after someone's
  // `sqlite3` session deleted them), no writer has the database open, and it is
  // read without locking (SQLite's immutable=1) with a warning saying so; see
  // reads_unlocked() and check_unlocked_read().
  static Connection open(const std::string& path, OpenMode mode = OpenMode::read_write,
                       const BeforeMigrating& before_migrating = {});

  // For `sync --dry-run`, which reads what is stored and writes nothing: `path`
  // read-only when it exists (it must be at the latest schema: migrating would be a
  // write), else, when its directory exists, an empty, migrated in-memory database.
  // Throws StoreError.
  static Connection open_for_dry_run(const std::string& path);

  [[nodiscard]] SQLite::Database& sql() { return *m_db; }
  [[nodiscard]] const std::string& path() const { return m_path; }
  // What the connection is for: how its failures are described (database_errors.hpp).
  [[nodiscard]] Access access() const { return m_access; }
  [[nodiscard]] int schema_version();

  // Runs `work` with the wait for a lock cut to k_short_busy_wait: for writes that may
  // be skipped rather than wait for another process's transaction (progress).
  static constexpr std::chrono::milliseconds k_short_busy_wait{50};
  template <class Work>
  void with_short_busy_wait(Work&& work) {
    BusyWait short_wait(m_path, k_short_busy_wait);
    short_wait.install(m_db->getHandle());
    try {
      std::forward<Work>(work)();
    } catch (...) {
      m_busy->install(m_db->getHandle());
      throw;
    }
    m_busy->install(m_db->getHandle());
  }

  // Whether this connection reads the file without locking (see open()).
  [[nodiscard]] bool reads_unlocked() const { return m_unlocked.has_value(); }
  // After reading through such a connection: throws StoreError when a writer opened
  // the database meanwhile (its -wal appeared, or the file changed), since what was
  // read may then mix two states. Does nothing for a normal connection.
  void check_unlocked_read() const;

  // Beyond this size of the WAL, a checkpoint that readers keep from finishing waits
  // for them (up to k_checkpoint_wait): readers that come and go could otherwise
  // keep it from ever being reset, and it would grow by a run's writes every run.
  static constexpr std::int64_t k_checkpoint_wait_above_bytes = 16 << 20;
  static constexpr std::chrono::milliseconds k_checkpoint_wait{200};

  // PRAGMA wal_checkpoint(TRUNCATE) as its own step after a run, so that readers
  // that are always present cannot starve the checkpoint (docs/reliability.md). It does
  // not wait for a reader's open transaction while the WAL is smaller than
  // k_checkpoint_wait_above_bytes: it copies the frames no reader still needs and
  // returns (complete = false); a later checkpoint, once the reader has moved on,
  // copies the rest and truncates the WAL. Throws SQLite::Exception on an error
  // other than a busy lock.
  CheckpointResult checkpoint();

  // How many times this connection waited for a lock (SQLite's busy handler).
  [[nodiscard]] std::uint64_t busy_waits() const { return m_busy->calls(); }
  // How many times checkpoint() waited for readers.
  [[nodiscard]] std::uint64_t checkpoint_waits() const { return m_checkpoint_busy->calls(); }

 private:
  // The database file and its WAL as an unlocked connection found them.
  struct FileState {
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    bool wal_exists = false;
    off_t wal_size = 0;
    bool operator==(const FileState& other) const;
  };
  static std::optional<FileState> file_state(const std::string& path);

  Connection(std::string path, std::unique_ptr<BusyWait> busy, std::unique_ptr<SQLite::Database> db)
      : m_path(std::move(path)),
        m_busy(std::move(busy)),
        m_checkpoint_busy(std::make_unique<BusyWait>(m_path, k_checkpoint_wait)),
        m_db(std::move(db)) {}
  CheckpointResult checkpoint_with(BusyWait* busy);
  static Connection open_read_write(const std::string& path, const BeforeMigrating& before_migrating);
  static Connection open_read_only(const std::string& path);
  static Connection open_unlocked(const std::string& path, const std::string& missing);

  std::string m_path;
  // Both declared before m_db: they outlive the connection that calls them.
  std::unique_ptr<BusyWait> m_busy;
  std::unique_ptr<BusyWait> m_checkpoint_busy;
  std::unique_ptr<SQLite::Database> m_db;
  std::optional<FileState> m_unlocked;
  Access m_access = Access::write;
};

// The newest schema version this build knows.
int latest_schema_version();

}  // namespace rosterd::store::sqlite
