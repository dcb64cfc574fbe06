// Connection failures as the operator reads them: every message names the file, says
// what is wrong in plain words and what to do; SQLite's text is only the detail.

#include "store/sqlite/database_errors.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "as_nobody.hpp"
#include "store/sqlite/connection.hpp"
#include "../temp_db.hpp"

namespace rosterd::store::sqlite {
namespace {

using ::testing::HasSubstr;

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string garbage(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

// The error SQLite raises for `sql` on the database at `path`.
SQLite::Exception error_of(const std::string& path, const std::string& sql) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    db.exec(sql);
  } catch (const SQLite::Exception& e) {
    return e;
  }
  ADD_FAILURE() << sql << " did not fail on " << path;
  return SQLite::Exception("no error");
}

TEST(DatabaseErrors, EachKindNamesTheFileWhatIsWrongAndWhatToDo) {
  const std::string path = "/var/lib/rosterd/roster.db";
  struct Case {
    int code;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases{
      {SQLITE_CORRUPT,
       {"damaged", "sqlite3 /var/lib/rosterd/roster.db 'PRAGMA integrity_check'", "restore it from a backup"}},
      {SQLITE_NOTADB, {"not a SQLite database", "`database:`", "PRAGMA integrity_check", "backup"}},
      {SQLITE_FULL, {"file system is full", "free space", "df -h /var/lib/rosterd"}},
      {SQLITE_IOERR_WRITE, {"I/O error writing it", "dmesg", "PRAGMA integrity_check"}},
      {SQLITE_IOERR_SHORT_READ, {"shorter than it should be"}},
      {SQLITE_BUSY_SNAPSHOT, {"another writer changed the database", "run again"}},
      {SQLITE_READONLY_DBMOVED, {"moved, renamed or deleted", "restart rosterd"}},
      {SQLITE_PROTOCOL, {"network file system", "local disk"}},
  };
  for (const auto& c : cases) {
    const auto text = describe_database_error(c.code, "sqlite says", path, Access::read);
    EXPECT_EQ(text.rfind(path + ": ", 0), 0u) << text;
    EXPECT_THAT(text, ::testing::EndsWith("(SQLite: sqlite says)"));
    for (const auto& part : c.expected) EXPECT_THAT(text, HasSubstr(part)) << c.code;
  }
}

TEST(DatabaseErrors, AFileWithSpacesIsQuotedForTheShell) {
  EXPECT_THAT(describe_database_error(SQLITE_CORRUPT, "x", "/srv/my db/roster.db"),
              HasSubstr("sqlite3 '/srv/my db/roster.db' 'PRAGMA integrity_check'"));
}

// Real SQLite failures, mapped from their extended codes.
TEST(DatabaseErrors, DamagedPagesAndAFileThatIsNoDatabase) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    auto db = Connection::open(path);
    ASSERT_TRUE(db.checkpoint().complete) << "every page in the file, none left in the WAL";
  }
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 8192u * 3);
  // Page 1 (header and the start of the schema) intact, every other page garbage.
  write_file(path, bytes.substr(0, 8192) + garbage(bytes.size() - 8192, 1));
  const auto damaged = describe_database_failure(error_of(path, "SELECT count(*) FROM users"), path);
  EXPECT_THAT(damaged, HasSubstr(path + ": the database file is damaged; check it with `sqlite3"));
  EXPECT_THAT(damaged, HasSubstr("(SQLite: "));
  try {
    Connection::open(path, OpenMode::read_only).sql().exec("SELECT count(*) FROM users");
    FAIL() << "read a damaged database";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("damaged"));
  } catch (const SQLite::Exception& e) {
    EXPECT_THAT(describe_database_error(e, path, Access::read), HasSubstr("damaged"));
  }

  const auto not_a_database = dir.file("other.db");
  write_file(not_a_database, garbage(65536, 2));
  try {
    Connection::open(not_a_database);
    FAIL() << "opened garbage";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr(not_a_database + ": not a SQLite database"));
  }
  // describe_database_failure passes a StoreError through and names the file of anything else.
  EXPECT_EQ(describe_database_failure(StoreError("complete"), path), "complete");
  EXPECT_EQ(describe_database_failure(std::runtime_error("odd"), path), path + ": odd");
}

TEST(PathDiagnosis, AMissingDirectoryIsAnErrorForReadingAndWriting) {
  testing::TempDir dir;
  const auto path = dir.file("missing/deeper/roster.db");
  for (const auto access : {Access::read, Access::write}) {
    const auto problem = diagnose_path(path, access);
    ASSERT_TRUE(problem);
    EXPECT_THAT(problem->reason,
                HasSubstr("the directory " + dir.file("missing/deeper") +
                          " does not exist (No such file or directory; " + dir.file("missing") + " is missing too)"));
    EXPECT_THAT(problem->advice, HasSubstr("create it"));
  }
  EXPECT_THROW(database_file_exists(path), StoreError);
  try {
    Connection::open(path);
    FAIL() << "opened a database in a missing directory";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": cannot open the database: the directory"));
  }
}

TEST(PathDiagnosis, FilesWhereDirectoriesBelongAndTheReverse) {
  testing::TempDir dir;
  write_file(dir.file("plain"), "x");
  const auto problem = diagnose_path(dir.file("plain/roster.db"), Access::read);
  ASSERT_TRUE(problem);
  EXPECT_THAT(problem->reason, HasSubstr(dir.file("plain") + " is not a directory (Not a directory)"));
  EXPECT_THROW(database_file_exists(dir.file("plain/roster.db")), StoreError);

  std::filesystem::create_directory(dir.file("adir"));
  const auto is_directory = diagnose_path(dir.file("adir"), Access::write);
  ASSERT_TRUE(is_directory);
  EXPECT_THAT(is_directory->reason, HasSubstr("is a directory (Is a directory)"));
}

TEST(PathDiagnosis, AFileNotCreatedYetInAnExistingDirectory) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  EXPECT_FALSE(database_file_exists(path));
  EXPECT_FALSE(diagnose_path(path, Access::write)) << "rosterd creates it";
  const auto reading = diagnose_path(path, Access::read);
  ASSERT_TRUE(reading);
  EXPECT_THAT(reading->reason, HasSubstr(path + " does not exist"));
  { auto db = Connection::open(path); }
  EXPECT_TRUE(database_file_exists(path));
  EXPECT_FALSE(diagnose_path(path, Access::read));
  EXPECT_FALSE(diagnose_path(path, Access::write));
}

// A user who may read the directory but not write it, as the rosterd group's
// members: writing is refused before SQLite opens the file read-only without a word.
TEST(PathDiagnosis, PermissionsAreNamedWithModeAndOwner) {
  testing::TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const auto path = dir.file("roster.db");
  { auto db = Connection::open(path); }
  ::chmod(path.c_str(), 0644);
  const auto result = testing::as_nobody([&](const auto&) {
    std::string out;
    try {
      Connection::open(path);
      out += "opened for writing|";
    } catch (const StoreError& e) {
      out += std::string(e.what()) + "|";
    }
    const auto reading = diagnose_path(path, Access::read);
    out += reading ? reading->reason : "readable";
    return out;
  });
  if (!result) GTEST_SKIP() << "needs root to run as nobody";
  EXPECT_THAT(*result, HasSubstr(path + ": cannot open the database: no permission to write " + path +
                                 " (Permission denied; mode 0644, owner root:"));
  EXPECT_THAT(*result, HasSubstr("run rosterd as root"));
  EXPECT_THAT(*result, ::testing::EndsWith("|readable"));

  ::chmod(path.c_str(), 0600);
  const auto unreadable = testing::as_nobody([&](const auto&) {
    const auto problem = diagnose_path(path, Access::read);
    return problem ? problem->reason + "|" + problem->advice : "readable";
  });
  EXPECT_THAT(*unreadable, HasSubstr("no permission to read " + path + " (Permission denied; mode 0600"));
  EXPECT_THAT(*unreadable, HasSubstr("usermod -aG"));
}

}  // namespace
}  // namespace rosterd::store::sqlite
