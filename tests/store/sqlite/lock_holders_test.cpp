// Who holds a database's write lock, read from /proc/locks: the holder a busy
// error and the "waiting for the write lock" log line name.

#include "store/sqlite/lock_holders.hpp"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "store/sqlite/connection.hpp"
#include "../temp_db.hpp"

namespace rosterd::store::sqlite {
namespace {

using ::testing::HasSubstr;

std::string own_program() {
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// A child process holding BEGIN IMMEDIATE on the database until destroyed.
class WriterProcess {
 public:
  explicit WriterProcess(const std::string& path) {
    int ready[2];
    if (::pipe(ready) != 0 || ::pipe(m_release) != 0) return;
    m_pid = ::fork();
    if (m_pid == 0) {
      ::close(ready[0]);
      ::close(m_release[1]);
      {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("BEGIN IMMEDIATE");
        char byte = 'L';
        if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
        while (::read(m_release[0], &byte, 1) > 0) {
        }
        db.exec("ROLLBACK");
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(m_release[0]);
    char byte = 0;
    m_locked = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
  }
  ~WriterProcess() {
    ::close(m_release[1]);
    int status = 0;
    if (m_pid > 0) ::waitpid(m_pid, &status, 0);
  }
  WriterProcess(const WriterProcess&) = delete;
  WriterProcess& operator=(const WriterProcess&) = delete;
  [[nodiscard]] pid_t pid() const { return m_pid; }
  [[nodiscard]] bool locked() const { return m_locked; }

 private:
  pid_t m_pid = -1;
  int m_release[2] = {-1, -1};
  bool m_locked = false;
};

TEST(LockHolders, NoneWhileNobodyWrites) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  auto db = Connection::open(path);
  EXPECT_FALSE(find_lock_holder(path));
  EXPECT_FALSE(describe_lock_holder(path));
}

TEST(LockHolders, AnotherProcessHoldingTheWriteLockIsNamedWithItsPid) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  { auto db = Connection::open(path); }
  WriterProcess writer(path);
  ASSERT_TRUE(writer.locked());
  const auto holder = find_lock_holder(path);
  ASSERT_TRUE(holder) << "the write lock shows in /proc/locks";
  EXPECT_EQ(holder->pid, writer.pid());
  EXPECT_EQ(holder->program, own_program()) << "a forked child keeps its parent's name";
  EXPECT_EQ(holder->lock, "the write lock");
  EXPECT_EQ(describe_lock_holder(path), fmt::format("{} (pid {}) holds the write lock", own_program(), writer.pid()));

  // The message of a busy error names it, with what to do.
  const auto text = describe_database_error(SQLITE_BUSY, "database is locked", path);
  EXPECT_THAT(text, HasSubstr(fmt::format("{}: locked by another writer: {} (pid {}) holds the write lock and rosterd "
                                          "waited 10 s for it; end that program's transaction",
                                          path, own_program(), writer.pid())));
  EXPECT_THAT(text, ::testing::EndsWith("(SQLite: database is locked)"));
}

TEST(LockHolders, AConnectionOfThisProcessIsSaidToBeOurs) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  auto db = Connection::open(path);
  db.sql().exec("BEGIN IMMEDIATE");
  const auto holder = find_lock_holder(path);
  ASSERT_TRUE(holder);
  EXPECT_EQ(describe_holder(*holder), fmt::format("this rosterd process (pid {})", ::getpid()));
  db.sql().exec("ROLLBACK");
  EXPECT_FALSE(find_lock_holder(path));
}

}  // namespace
}  // namespace rosterd::store::sqlite
