#include "store/database.hpp"

#include <filesystem>

#include <sqlite3.h>

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "store/migrations.hpp"

namespace rosterd::store {
namespace {

constexpr int k_checkpoint_wait_ms = 200;

void migrate(SQLite::Database& db, const std::string& path, const Database::BeforeMigrating& before_migrating) {
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  if (current > latest_schema_version()) {
    throw StoreError(fmt::format("{}: database schema version {} is newer than this rosterd knows ({}); upgrade rosterd",
                                 path, current, latest_schema_version()));
  }
  if (current > 0 && current < latest_schema_version() && before_migrating) {
    before_migrating(current, latest_schema_version());
  }
  for (const auto& migration : migrations()) {
    if (migration.number <= current) continue;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", migration.number));
    transaction.commit();
  }
}

}  // namespace

int latest_schema_version() {
  int latest = 0;
  for (const auto& migration : migrations()) latest = std::max(latest, migration.number);
  return latest;
}

Database Database::open(const std::string& path, OpenMode mode, const BeforeMigrating& before_migrating) {
  try {
    // NOMUTEX: no connection is ever used by two threads at once (the write
    // connection is behind store::Writer's mutex, each reader belongs to one
    // worker), so SQLite's per-call connection mutex is pure cost.
    const int flags = SQLite::OPEN_NOMUTEX | (mode == OpenMode::read_only ? SQLite::OPEN_READONLY
                                                                          : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto db = std::make_unique<SQLite::Database>(path, flags, k_busy_timeout_ms);
    if (mode == OpenMode::read_write) {
      if (db->execAndGet("PRAGMA page_count").getInt64() == 0) db->exec("PRAGMA page_size = 8192");
      db->exec("PRAGMA journal_mode = WAL");
      db->exec("PRAGMA synchronous = FULL");
      // 8 MiB of page cache: against 16 MiB, 1M-user runs took the same time (within
      // noise, BENCHMARKS.md) and 7-9 MB less peak RSS.
      db->exec("PRAGMA cache_size = -8192");
      // Keep -wal/-shm after the writer closes, so that read-only reporting users
      // can still open the database (RELIABILITY.md).
      int persist = 1;
      sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
      migrate(*db, path, before_migrating);
    } else if (db->execAndGet("PRAGMA user_version").getInt() == 0) {
      throw StoreError(fmt::format("{}: not a rosterd database (run `rosterd sync` first)", path));
    }
    db->exec("PRAGMA foreign_keys = ON");
    return Database(path, std::move(db));
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: {}", path, e.what()));
  }
}

Database Database::open_for_dry_run(const std::string& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (error) throw StoreError(fmt::format("{}: {}", path, error.message()));
  if (!exists) {
    auto db = open(":memory:");
    db.m_path = path;
    return db;
  }
  auto db = open(path, OpenMode::read_only);
  if (const int version = db.schema_version(); version != latest_schema_version()) {
    throw StoreError(fmt::format(
        "{}: database schema version {} is {} than this rosterd's ({}); a dry run writes nothing, so it cannot {}",
        path, version, version < latest_schema_version() ? "older" : "newer", latest_schema_version(),
        version < latest_schema_version() ? "migrate it: run `rosterd sync` once first" : "use it: upgrade rosterd"));
  }
  return db;
}

int Database::schema_version() { return m_db->execAndGet("PRAGMA user_version").getInt(); }

void Database::checkpoint() {
  // TRUNCATE waits in the busy handler until every reader has reached the latest
  // snapshot: a reporting user's long read transaction would hold the writer for the
  // whole busy timeout after every run. Waiting briefly lets short reads finish; past
  // that the checkpoint copies what it can without blocking (SQLite's documented
  // fallback), and the next run's checkpoint catches up.
  m_db->setBusyTimeout(k_checkpoint_wait_ms);
  try {
    m_db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (...) {
    m_db->setBusyTimeout(k_busy_timeout_ms);
    throw;
  }
  m_db->setBusyTimeout(k_busy_timeout_ms);
}

}  // namespace rosterd::store
