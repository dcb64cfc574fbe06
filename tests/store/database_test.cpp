#include "store/database.hpp"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

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

}  // namespace
}  // namespace rosterd::store
