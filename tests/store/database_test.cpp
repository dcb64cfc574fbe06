#include "store/database.hpp"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include "store/migrations.hpp"
#include "schema_support.hpp"
#include "temp_db.hpp"

namespace rosterd::store {
namespace {

TEST(Database, CreatesSchemaInWalModeAndReopensIdempotently) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    auto db = Database::open(path);
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
  auto again = Database::open(path);
  EXPECT_EQ(again.schema_version(), latest_schema_version());
}

// New databases get 8 KiB pages (BENCHMARKS.md: larger records fit a page); a
// database created with another page size keeps it: SQLite cannot change it in WAL
// mode, and rosterd never rewrites an operator's database behind their back.
TEST(Database, CreatesNewDatabasesWith8KiBPagesAndKeepsAnExistingPageSize) {
  testing::TempDir dir;
  const auto fresh = dir.file("fresh.db");
  { auto db = Database::open(fresh); }
  EXPECT_EQ(Database::open(fresh).sql().execAndGet("PRAGMA page_size").getInt(), 8192);

  const auto older = dir.file("older.db");
  {
    SQLite::Database plain(older, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    plain.exec("PRAGMA page_size = 4096");
    plain.exec("CREATE TABLE unrelated (x)");
    plain.exec("DROP TABLE unrelated");
  }
  auto db = Database::open(older);
  EXPECT_EQ(db.schema_version(), latest_schema_version());
  EXPECT_EQ(db.sql().execAndGet("PRAGMA page_size").getInt(), 4096);
}

TEST(Database, RefusesASchemaNewerThanItKnows) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    auto db = Database::open(path);
    db.sql().exec("PRAGMA user_version = 999");
  }
  EXPECT_THROW(Database::open(path), StoreError);
}

TEST(Database, ReadOnlyOpenNeverCreatesOrMigrates) {
  testing::TempDir dir;
  EXPECT_THROW(Database::open(dir.file("missing.db"), OpenMode::read_only), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST(Database, ReadOnlyReaderWorksAfterTheWriterClosed) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  { auto writer = Database::open(path); }
  // PERSIST_WAL keeps -wal/-shm, which a read-only connection needs (RELIABILITY.md).
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
  auto reader = Database::open(path, OpenMode::read_only);
  EXPECT_EQ(reader.sql().execAndGet("SELECT count(*) FROM users").getInt(), 0);
}

// The hook that lets the daemon ask systemd for time: called once before migrating
// a database that holds a schema, never for a new or an up-to-date one.
TEST(Database, CallsBeforeMigratingOnlyForAnOlderSchema) {
  testing::TempDir dir;
  std::vector<std::pair<int, int>> calls;
  const auto record = [&calls](int from, int to) { calls.emplace_back(from, to); };
  const auto path = dir.file("roster.db");
  { auto fresh = Database::open(path, OpenMode::read_write, record); }
  { auto current = Database::open(path, OpenMode::read_write, record); }
  EXPECT_TRUE(calls.empty());

  const auto older = dir.file("older.db");
  testing::create_database_at_schema(older, 3);
  auto upgraded = Database::open(older, OpenMode::read_write, record);
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
  auto db = Database::open(path);
  ASSERT_EQ(db.schema_version(), latest_schema_version());
  auto& sql = db.sql();
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(version || op || coalesce(valid_to, '-') || active, ',') "
                           "FROM (SELECT * FROM user_versions ORDER BY version)")
                .getString(),
            "1addedt11,2updated-0");
  EXPECT_EQ(sql.execAndGet("SELECT group_concat(id || change || coalesce(field, '-') || new_value, ',') "
                           "FROM (SELECT * FROM changes ORDER BY id)")
                .getString(),
            R"(40added-{"username":"ann"},41updatedactive0)");
  EXPECT_EQ(sql.execAndGet("SELECT username FROM user_changes WHERE id = 41").getString(), "ann");
  EXPECT_EQ(sql.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name IN ('user_versions_one_open', "
                           "'user_versions_by_time', 'changes_by_entity', 'changes_by_time', 'changes_by_run')")
                .getInt(),
            5);
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

}  // namespace
}  // namespace rosterd::store
