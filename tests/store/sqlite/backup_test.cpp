// `rosterd backup`'s engine side: a copy of a live database that holds only committed
// data, is one self-contained file, and leaves nothing behind when it fails.

#include "store/sqlite/backup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../temp_db.hpp"
#include "store/sqlite/connection.hpp"

namespace rosterd::store::sqlite {
namespace {

using ::testing::HasSubstr;

std::set<std::string> files_in(const std::filesystem::path& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) names.insert(entry.path().filename());
  return names;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A rosterd database in WAL mode with two runs recorded.
void make_database(const std::string& path) {
  auto db = Connection::open(path);
  db.sql().exec(
      "INSERT INTO sync_runs (source, dataset, started_at, status) VALUES "
      "('a', 'users', '2026-03-01T09:00:00.000Z', 'ok'), ('b', 'users', '2026-03-01T09:01:00.000Z', 'ok')");
}

TEST(Backup, CopiesCommittedDataIntoOneFileWhileAWriterHoldsATransaction) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  make_database(path);
  // A writer in the middle of its transaction: the backup neither waits for it nor
  // copies what it has not committed.
  auto writer = Connection::open(path);
  SQLite::Transaction open_write(writer.sql(), SQLite::TransactionBehavior::IMMEDIATE);
  writer.sql().exec(
      "INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('c', 'users', "
      "'2026-03-01T09:02:00.000Z', 'running')");

  const auto target = dir.file("backup.db");
  const auto result = backup(path, target);
  open_write.commit();

  struct stat info {};
  ASSERT_EQ(::stat(target.c_str(), &info), 0);
  EXPECT_EQ(result.bytes, info.st_size);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "only whoever made the backup may read it";
  EXPECT_EQ(result.schema_version, latest_schema_version());
  // Rollback-journal mode in the header (bytes 18 and 19 are 1): no -wal belongs to it.
  const auto header = file_text(target).substr(0, 20);
  EXPECT_EQ(header[18], 1);
  EXPECT_EQ(header[19], 1);
  EXPECT_EQ(files_in(dir.path()), (std::set<std::string>{"roster.db", "roster.db-wal", "roster.db-shm",
                                                         "backup.db"}))
      << "the temporary file and its journal are gone";

  SQLite::Database copy(target, SQLite::OPEN_READONLY);
  EXPECT_EQ(copy.execAndGet("SELECT group_concat(source, ',') FROM (SELECT source FROM sync_runs ORDER BY source)")
                .getString(),
            "a,b");
  EXPECT_EQ(copy.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(Backup, NeverReplacesAFileThatAppearsAtTheTarget) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  make_database(path);
  const auto target = dir.file("backup.db");
  std::ofstream(target) << "someone else's file";

  try {
    backup(path, target);
    FAIL() << "the backup replaced a file";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("a backup never replaces a file"));
  }
  EXPECT_EQ(file_text(target), "someone else's file");
  EXPECT_EQ(files_in(dir.path()), (std::set<std::string>{"roster.db", "roster.db-wal", "roster.db-shm",
                                                         "backup.db"}));
}

// A database whose index no longer matches its table (the index's definition changed
// under it): it opens and reads, but PRAGMA integrity_check finds the damage, in the
// copy as in the original.
TEST(Backup, ADamagedDatabaseFailsTheCheckAndLeavesNothingBehind) {
  testing::TempDir dir;
  const auto path = dir.file("damaged.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t (a, b)");
    db.exec("CREATE INDEX t_a ON t (a)");
    db.exec("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')");
    db.exec("PRAGMA writable_schema = ON");
    db.exec("UPDATE sqlite_schema SET sql = 'CREATE INDEX t_a ON t (b)' WHERE name = 't_a'");
    db.exec("PRAGMA user_version = 1");
  }
  const auto before = files_in(dir.path());
  try {
    backup(path, dir.file("backup.db"));
    FAIL() << "a damaged copy was kept";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("fails SQLite's integrity check"));
    EXPECT_THAT(e.what(), HasSubstr("PRAGMA integrity_check"));
  }
  EXPECT_EQ(files_in(dir.path()), before);
}

TEST(Backup, NamesAMissingDirectory) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  make_database(path);
  try {
    backup(path, dir.file("no-such-dir/backup.db"));
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create the backup's temporary file in " + dir.file("no-such-dir")));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
}

TEST(Backup, RefusesAFileThatIsNotARosterdDatabase) {
  testing::TempDir dir;
  const auto path = dir.file("other.db");
  { SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); db.exec("CREATE TABLE t (a)"); }
  EXPECT_THROW(backup(path, dir.file("backup.db")), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("backup.db")));
}

}  // namespace
}  // namespace rosterd::store::sqlite
