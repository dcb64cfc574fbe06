#pragma once
// Opening the database: WAL, a busy timeout on every connection, foreign keys,
// synchronous=FULL (one commit per run, so durability is nearly free:
// RELIABILITY.md), and the numbered migrations from schema/.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <SQLiteCpp/Database.h>

namespace rosterd::store {

// A failure of the database itself (cannot open, schema too new, I/O error).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class OpenMode {
  read_write,  // creates the file and migrates the schema
  read_only,   // reporting commands: never writes, never migrates
};

class Database {
 public:
  static constexpr int k_busy_timeout_ms = 10'000;

  // Called before migrations are applied to a database that already holds data
  // (schema version `from` > 0): upgrading a large one can take a while (about 13 s
  // per million users for migration 4), and a service manager waiting for start-up
  // should be told. Not called for a new, empty database.
  using BeforeMigrating = std::function<void(int from, int to)>;

  // Throws StoreError.
  static Database open(const std::string& path, OpenMode mode = OpenMode::read_write,
                       const BeforeMigrating& before_migrating = {});

  // For `sync --dry-run`, which reads what is stored and writes nothing: `path`
  // read-only when it exists (it must be at the latest schema: migrating would be a
  // write), else an empty, migrated in-memory database. Throws StoreError.
  static Database open_for_dry_run(const std::string& path);

  [[nodiscard]] SQLite::Database& sql() { return *m_db; }
  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] int schema_version();

  // Runs `work` with the busy wait cut to k_short_busy_wait_ms: for writes that may be
  // skipped rather than wait for another process's transaction (progress).
  static constexpr int k_short_busy_wait_ms = 50;
  template <class Work>
  void with_short_busy_wait(Work&& work) {
    m_db->setBusyTimeout(k_short_busy_wait_ms);
    try {
      std::forward<Work>(work)();
    } catch (...) {
      m_db->setBusyTimeout(k_busy_timeout_ms);
      throw;
    }
    m_db->setBusyTimeout(k_busy_timeout_ms);
  }

  // PRAGMA wal_checkpoint(TRUNCATE) as its own step after a run, so that readers
  // that are always present cannot starve the checkpoint (RELIABILITY.md).
  void checkpoint();

 private:
  Database(std::string path, std::unique_ptr<SQLite::Database> db) : m_path(std::move(path)), m_db(std::move(db)) {}

  std::string m_path;
  std::unique_ptr<SQLite::Database> m_db;
};

// The newest schema version this build knows.
int latest_schema_version();

}  // namespace rosterd::store
