#include "store/sqlite/connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <SQLiteCpp/Statement.h>

#include "as_nobody.hpp"

#include <fmt/format.h>

#include "store/sqlite/migrations.hpp"
#include "schema_support.hpp"
#include "../temp_db.hpp"

namespace rosterd::store::sqlite {
namespace {

TEST(Database, CreatesSchemaInWalModeAndReopensIdempotently) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    auto db = Connection::open(path);
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    EXPECT_EQ(db.sql().execAndGet("PRAGMA journal_mode").getString(), "wal");
    for (const char* table : {"users", "user_versions", "changes", "portfolios", "profiles", "campaigns",
                              "user_portfolios", "sync_runs", "current_users", "user_changes"}) {
      EXPECT_TRUE(db.sql().tableExists(table) ||
                  db.sql().execAndGet(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table + "'")
                          .getInt() == 1)
          << table;
    }
  }
  auto again = Connection::open(path);
  EXPECT_EQ(again.schema_version(), latest_schema_version());
}

// New databases get 8 KiB pages (BENCHMARKS.md: larger records fit a page); a
// database created with another page size keeps it: SQLite cannot change it in WAL
// mode, and rosterd never rewrites an operator's database behind their back.
TEST(Database, CreatesNewDatabasesWith8KiBPagesAndKeepsAnExistingPageSize) {
  testing::TempDir dir;
  const auto fresh = dir.file("fresh.db");
  { auto db = Connection::open(fresh); }
  EXPECT_EQ(Connection::open(fresh).sql().execAndGet("PRAGMA page_size").getInt(), 8192);

  const auto older = dir.file("older.db");
  {
    SQLite::Database plain(older, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    plain.exec("PRAGMA page_size = 4096");
    plain.exec("CREATE TABLE unrelated (x)");
    plain.exec("DROP TABLE unrelated");
  }
  auto db = Connection::open(older);
  EXPECT_EQ(db.schema_version(), latest_schema_version());
  EXPECT_EQ(db.sql().execAndGet("PRAGMA page_size").getInt(), 4096);
}

TEST(Database, RefusesASchemaNewerThanItKnows) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    auto db = Connection::open(path);
    db.sql().exec("PRAGMA user_version = 999");
  }
  EXPECT_THROW(Connection::open(path), StoreError);
}

TEST(Database, ReadOnlyOpenNeverCreatesOrMigrates) {
  testing::TempDir dir;
  EXPECT_THROW(Connection::open(dir.file("missing.db"), OpenMode::read_only), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST(Database, ReadOnlyReaderWorksAfterTheWriterClosed) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  { auto writer = Connection::open(path); }
  // PERSIST_WAL keeps -wal/-shm, which a read-only connection needs (docs/reliability.md).
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
  auto reader = Connection::open(path, OpenMode::read_only);
  EXPECT_EQ(reader.sql().execAndGet("SELECT count(*) FROM users").getInt(), 0);
}

// The hook that lets the daemon ask systemd for time: called once before migrating
// a database that holds a schema, never for a new or an up-to-date one.
TEST(Database, CallsBeforeMigratingOnlyForAnOlderSchema) {
  testing::TempDir dir;
  std::vector<std::pair<int, int>> calls;
  const auto record = [&calls](int from, int to) { calls.emplace_back(from, to); };
  const auto path = dir.file("roster.db");
  { auto fresh = Connection::open(path, OpenMode::read_write, record); }
  { auto current = Connection::open(path, OpenMode::read_write, record); }
  EXPECT_TRUE(calls.empty());

  const auto older = dir.file("older.db");
  testing::create_database_at_schema(older, 3);
  auto upgraded = Connection::open(older, OpenMode::read_write, record);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(3, latest_schema_version()));
  EXPECT_EQ(upgraded.schema_version(), latest_schema_version());
}

// Migration 4 rebuilds user_versions and changes (cheaper CHECKs): every row survives
// as it was, the constraints still hold, and the view over changes works again.
TEST(Database, Migration4KeepsEveryHistoryRowAndEveryConstraint) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    testing::create_database_at_schema(path, 3);
    SQLite::Database v3(path, SQLite::OPEN_READWRITE);
    v3.exec(R"(
      INSERT INTO sync_runs (id, source, dataset, started_at, status) VALUES (7, 'a', 'users', 't0', 'ok');
      INSERT INTO users (source, external_id, username, attributes, version, content_hash, first_seen_at, updated_at)
        VALUES ('a', '1', 'ann', '{}', 2, 42, 't0', 't1');
      INSERT INTO user_versions (source, external_id, version, valid_from, valid_to, run_id, op, username, active)
        VALUES ('a', '1', 1, 't0', 't1', 7, 'added', 'ann', 1), ('a', '1', 2, 't1', NULL, 7, 'updated', 'ann', 0);
      INSERT INTO changes (id, run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value)
        VALUES (41, 7, 't1', 'a', 'user', '1', 'updated', 'active', '1', '0'),
               (40, 7, 't0', 'a', 'user', '1', 'added', NULL, NULL, '{"username":"ann"}');)");
  }
  auto db = Connection::open(path);
  ASSERT_EQ(db.schema_version(), latest_schema_version());
  auto& sql = db.sql();
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(version || op || coalesce(valid_to, '-') || active, ',') "
                           "FROM (SELECT * FROM user_versions ORDER BY version)")
                .getString(),
            "1addedt11,2updated-0");
  // Since migration 6 a user's whole-record row names its version instead of a snapshot.
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(id || change || coalesce(field, '-') || coalesce(new_value, '-') || "
                           "version, ',') FROM (SELECT * FROM changes ORDER BY id)")
                .getString(),
            "40added--1,41updatedactive02");
  EXPECT_EQ(sql.execAndGet("SELECT json_extract(new_value, '$.username') FROM user_changes WHERE id = 40").getString(),
            "ann");
  EXPECT_EQ(sql.execAndGet("SELECT username FROM user_changes WHERE id = 41").getString(), "ann");
  EXPECT_EQ(sql.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name IN ('user_versions_one_open', "
                           "'user_versions_by_user', 'changes_by_entity', 'changes_by_time')")
                .getInt(),
            4);
  EXPECT_THROW(sql.exec("INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change) "
                        "VALUES (7, 't2', 'a', 'user', '1', 'renamed')"),
               SQLite::Exception);
  EXPECT_THROW(sql.exec("INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change) "
                        "VALUES (7, 't2', 'a', 'agent', '1', 'added')"),
               SQLite::Exception);
  EXPECT_THROW(sql.exec("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op) "
                        "VALUES ('a', '2', 1, 't2', 7, 'deleted')"),
               SQLite::Exception);
  EXPECT_THROW(sql.exec("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op) "
                        "VALUES ('a', '1', 3, 't2', 7, 'restored')"),
               SQLite::Exception)
      << "a second open version of one user";
  EXPECT_EQ(sql.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(sql.execAndGet("SELECT count(*) FROM pragma_foreign_key_check").getInt(), 0);
}

std::int64_t wal_bytes(const std::string& path) {
  struct stat info {};
  return ::stat((path + "-wal").c_str(), &info) == 0 ? static_cast<std::int64_t>(info.st_size) : -1;
}

void write_rows(Connection& db, int rows, int bytes_each = 100) {
  db.sql().exec(fmt::format("CREATE TABLE IF NOT EXISTS filler (x BLOB); INSERT INTO filler SELECT zeroblob({}) "
                            "FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
                            "SELECT i FROM n)",
                            bytes_each, rows));
}

// A reporting user's open read transaction: the checkpoint after a run copies what
// it can and returns without waiting for the reader; once the reader has ended, the
// next checkpoint completes and empties the WAL.
TEST(Database, CheckpointNeverWaitsForAReaderWhileTheWalIsSmall) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  auto db = Connection::open(path);
  write_rows(db, 100);
  ASSERT_TRUE(db.checkpoint().complete);
  EXPECT_EQ(wal_bytes(path), 0);

  SQLite::Database reader(path, SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  EXPECT_EQ(reader.execAndGet("SELECT count(*) FROM filler").getInt(), 100);
  write_rows(db, 100);
  const auto blocked = db.checkpoint();
  EXPECT_FALSE(blocked.complete);
  EXPECT_GT(blocked.wal_frames, 0);
  EXPECT_LT(blocked.copied_frames, blocked.wal_frames) << "the reader's snapshot still needs the older pages";
  EXPECT_EQ(db.checkpoint_waits(), 0u) << "no wait for the reader";
  EXPECT_EQ(db.busy_waits(), 0u);
  EXPECT_GT(wal_bytes(path), 0);
  EXPECT_EQ(reader.execAndGet("SELECT count(*) FROM filler").getInt(), 100) << "the reader keeps its snapshot";

  reader.exec("COMMIT");
  write_rows(db, 1);
  EXPECT_TRUE(db.checkpoint().complete);
  EXPECT_EQ(wal_bytes(path), 0) << "the next checkpoint catches up";
  EXPECT_EQ(db.checkpoint_waits(), 0u);
}

// Readers that come and go would otherwise keep a WAL from ever being reset: past
// k_checkpoint_wait_above_bytes the checkpoint waits for readers, briefly.
TEST(Database, CheckpointWaitsBrieflyForReadersOnceTheWalHasGrown) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  auto db = Connection::open(path);
  write_rows(db, 1);
  SQLite::Database reader(path, SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  reader.execAndGet("SELECT count(*) FROM filler");
  const int megabytes = static_cast<int>(Connection::k_checkpoint_wait_above_bytes >> 20) + 2;
  write_rows(db, megabytes, 1 << 20);
  ASSERT_GT(wal_bytes(path), Connection::k_checkpoint_wait_above_bytes);
  EXPECT_FALSE(db.checkpoint().complete) << "the reader is still there after the wait";
  EXPECT_GT(db.checkpoint_waits(), 0u);
  EXPECT_EQ(db.busy_waits(), 0u) << "the checkpoint's wait is its own, bounded one";
  reader.exec("COMMIT");
  EXPECT_TRUE(db.checkpoint().complete);
  EXPECT_EQ(wal_bytes(path), 0);
}

// What a reporting user meets after someone's `sqlite3` session closed the database
// and deleted its -wal and -shm files (docs/reliability.md): SQLite 3.40 refuses a
// read-only connection ("attempt to write a readonly database") when the directory
// is not writable for the user. No writer has the database open then, so it is
// read without locking, until a writer is back.
class UnlockedRead : public ::testing::Test {
 protected:
  UnlockedRead() {
    ::chmod(m_dir.path().c_str(), 0755);
    auto db = Connection::open(m_path);
    db.sql().exec("INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('a', 'users', 't', 'ok')");
  }
  void remove_wal_files() {
    std::filesystem::remove(m_path + "-wal");
    std::filesystem::remove(m_path + "-shm");
    ::chmod(m_path.c_str(), 0644);
  }
  testing::TempDir m_dir;
  std::string m_path = m_dir.file("roster.db");
};

TEST_F(UnlockedRead, WithoutWalFilesAUserWhoMayNotCreateThemReadsUnlocked) {
  remove_wal_files();
  const auto result = testing::as_nobody([&](const auto&) {
    auto db = Connection::open(m_path, OpenMode::read_only);
    const auto runs = db.sql().execAndGet("SELECT count(*) FROM sync_runs").getInt();
    db.check_unlocked_read();
    return fmt::format("unlocked={} runs={}", db.reads_unlocked(), runs);
  });
  if (!result) GTEST_SKIP() << "needs root to run as nobody";
  EXPECT_EQ(*result, "unlocked=true runs=1");
  EXPECT_FALSE(std::filesystem::exists(m_path + "-wal")) << "the reader created nothing";

  // Once a writer has opened it again, reading is normal.
  { auto writer = Connection::open(m_path); }
  const auto normal = testing::as_nobody([&](const auto&) {
    auto db = Connection::open(m_path, OpenMode::read_only);
    return fmt::format("unlocked={}", db.reads_unlocked());
  });
  EXPECT_EQ(*normal, "unlocked=false");
}

TEST_F(UnlockedRead, AWriterThatAppearsDuringTheReadMakesItFail) {
  remove_wal_files();
  const auto result = testing::as_nobody(
      [&](const auto& pause) {
        auto db = Connection::open(m_path, OpenMode::read_only);
        db.sql().execAndGet("SELECT count(*) FROM sync_runs");
        pause();
        db.check_unlocked_read();
        return std::string("no error");
      },
      [&] {
        auto writer = Connection::open(m_path);
        writer.sql().exec("INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('b', 'users', 't', 'ok')");
      });
  if (!result) GTEST_SKIP() << "needs root to run as nobody";
  EXPECT_THAT(*result, ::testing::HasSubstr(m_path + ": a writer opened the database while it was read without locking"));
}

// A -wal with frames but no -shm (a writer that crashed, then lost its -shm): the
// file alone may lack committed runs, so it is not read, and the message says why.
TEST_F(UnlockedRead, AWalThatMayHoldChangesIsNeverIgnored) {
  {
    SQLite::Database raw(m_path, SQLite::OPEN_READWRITE);
    int persist = 1;
    sqlite3_file_control(raw.getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_db_config(raw.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    raw.exec("INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('c', 'users', 't', 'ok')");
  }
  ASSERT_GT(wal_bytes(m_path), 32);
  std::filesystem::remove(m_path + "-shm");
  ::chmod((m_path + "-wal").c_str(), 0644);
  const auto result = testing::as_nobody([&](const auto&) {
    auto db = Connection::open(m_path, OpenMode::read_only);
    return std::string("opened");
  });
  if (!result) GTEST_SKIP() << "needs root to run as nobody";
  EXPECT_THAT(*result, ::testing::HasSubstr(m_path + "-shm is missing and this user may not create it"));
  EXPECT_THAT(*result, ::testing::HasSubstr("may hold runs not yet copied into " + m_path));
  EXPECT_THAT(*result, ::testing::HasSubstr("start rosterd"));
}


// Migration 5 rebuilds sync_runs, user_versions and changes (new statuses and kinds):
// every row survives, a refused run's removed count becomes 0 (it removed nothing),
// the new values are accepted, others still refused, and user_changes shows the
// username the user had at each change.
TEST(Database, Migration5KeepsEveryRowAndZeroesWhatRefusedRunsNeverRemoved) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    testing::create_database_at_schema(path, 4);
    SQLite::Database v4(path, SQLite::OPEN_READWRITE);
    v4.exec(R"(
      INSERT INTO sync_runs (id, source, dataset, started_at, finished_at, status, error, fetched, removed, pid)
        VALUES (7, 'a', 'users', 't0', 't0', 'ok', NULL, 2, 0, 11),
               (8, 'a', 'users', 't1', 't1', 'ok', NULL, 2, 0, 11),
               (9, 'a', 'users', 't2', 't2', 'refused', 'refused: the run would remove 2 of 2 users', 0, 2, 11);
      INSERT INTO users (source, external_id, username, attributes, version, content_hash, first_seen_at, updated_at)
        VALUES ('a', '1', 'bob', '{}', 2, 42, 't0', 't1');
      INSERT INTO user_versions (source, external_id, version, valid_from, valid_to, run_id, op, username)
        VALUES ('a', '1', 1, 't0', 't1', 7, 'added', 'ann'), ('a', '1', 2, 't1', NULL, 8, 'updated', 'bob');
      INSERT INTO changes (id, run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value)
        VALUES (40, 7, 't0', 'a', 'user', '1', 'added', NULL, NULL, '{"username":"ann"}'),
               (41, 8, 't1', 'a', 'user', '1', 'updated', 'username', 'ann', 'bob');)");
  }
  auto db = Connection::open(path);
  ASSERT_EQ(db.schema_version(), latest_schema_version());
  auto& sql = db.sql();
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(id || status || removed || pid || filled, ',') FROM "
                           "(SELECT * FROM sync_runs ORDER BY id)")
                .getString(),
            "7ok0110,8ok0110,9refused0110");
  EXPECT_EQ(sql.execAndGet("SELECT error FROM sync_runs WHERE id = 9").getString(),
            "refused: the run would remove 2 of 2 users");
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(version || op || username, ',') FROM "
                           "(SELECT * FROM user_versions ORDER BY version)")
                .getString(),
            "1addedann,2updatedbob");
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(id || username, ',') FROM (SELECT * FROM user_changes ORDER BY id)")
                .getString(),
            "40ann,41bob")
      << "each change with the username at that change";
  sql.exec("INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('a', 'users', 't3', 'interrupted')");
  sql.exec("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op) "
           "VALUES ('a', '2', 1, 't3', 8, 'filled')");
  sql.exec("INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, version) "
           "VALUES (8, 't3', 'a', 'user', '2', 'filled', 1)");
  EXPECT_THROW(sql.exec("INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('a', 'users', 't3', "
                        "'cancelled')"),
               SQLite::Exception);
  EXPECT_EQ(sql.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name IN ('sync_runs_by_source', "
                           "'sync_runs_by_start', 'sync_runs_by_finish', 'dataset_readers')")
                .getInt(),
            4);
  EXPECT_EQ(sql.execAndGet("SELECT count(*) FROM pragma_foreign_key_check").getInt(), 0);
}

}  // namespace
}  // namespace rosterd::store::sqlite
