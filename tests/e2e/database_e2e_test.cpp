// The database as the operator meets it when something is wrong with it, end to
// end with the real binary: a directory that does not exist, a damaged file, a
// reporting user who may read but not write the directory after someone's `sqlite3`
// session deleted the -wal/-shm files, and a write lock held by a `sqlite3` session.
// Every command says which file, what is wrong and what to do, in one line.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "harness.hpp"

extern char** environ;

namespace rosterd::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* k_sqlite3 = "/usr/bin/sqlite3";
constexpr const char* k_setpriv = "/usr/bin/setpriv";

// Runs any program, its output in files; stdin is `stdin_fd` (else /dev/null).
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, int stdin_fd = -1) {
    std::vector<std::string> storage = argv;
    auto args = c_strings(storage);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdin_fd >= 0) {
      posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_addopen(&actions, 1, m_io.file("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, m_io.file("err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (m_pid > 0 && !m_exit) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  [[nodiscard]] pid_t pid() const { return m_pid; }
  ProcessResult finish(std::chrono::milliseconds timeout) {
    int status = 0;
    if (m_pid > 0 && !eventually([&] { return ::waitpid(m_pid, &status, WNOHANG) == m_pid; }, timeout)) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &status, 0);
    }
    m_exit = true;
    ProcessResult result;
    result.exit_code = m_pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_bytes(m_io.file("out"));
    result.err = read_bytes(m_io.file("err"));
    return result;
  }

 private:
  TempDir m_io;
  pid_t m_pid = -1;
  bool m_exit = false;
};

// rosterd as the user nobody, without supplementary groups: a reporting user.
ProcessResult rosterd_as_nobody(const std::vector<std::string>& args) {
  std::vector<std::string> argv{k_setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", ROSTERD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return Child(argv).finish(120s);
}

// A `sqlite3` shell reading commands from a pipe, as an operator's session.
class Sqlite3Session {
 public:
  explicit Sqlite3Session(const std::string& path) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    m_child = std::make_unique<Child>(std::vector<std::string>{k_sqlite3, path}, fds[0]);
    ::close(fds[0]);
    m_input = fds[1];
  }
  ~Sqlite3Session() { quit(); }
  Sqlite3Session(const Sqlite3Session&) = delete;
  Sqlite3Session& operator=(const Sqlite3Session&) = delete;

  [[nodiscard]] pid_t pid() const { return m_child ? m_child->pid() : -1; }
  void send(const std::string& text) const {
    if (m_input < 0) return;
    EXPECT_EQ(::write(m_input, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  // Ends the session (EOF on its input) and waits for it: sqlite3 closes the database.
  ProcessResult quit() {
    if (m_input < 0) return {};
    ::close(m_input);
    m_input = -1;
    return m_child->finish(30s);
  }

 private:
  std::unique_ptr<Child> m_child;
  int m_input = -1;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class DatabaseE2e : public E2eTest {
 protected:
  void sync_one_source(int users = 12) {
    auto& tenant = add_tenant("dialer", "worksection", users, 4);
    write_config({{tenant}});
    const auto first = sync();
    ASSERT_EQ(first.exit_code, 0) << first.all();
    m_some_user = value("SELECT external_id FROM users ORDER BY external_id LIMIT 1");
  }
  // The configuration with `database:` pointing at `path` instead.
  void move_database_to(const std::string& path) {
    auto text = read_bytes(config_path());
    const auto at = text.find(m_database);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, m_database.size(), path);
    std::ofstream(config_path()) << text;
    m_database = path;
  }
  // Every command that opens the database, with the configuration.
  std::vector<std::vector<std::string>> commands() const {
    const auto c = config_path();
    return {{"status", "--config", c},
            {"users", "--config", c},
            {"changes", "--config", c, "--since", "30d"},
            {"history", m_some_user.empty() ? "someone" : m_some_user, "--config", c},
            {"sync", "--config", c},
            {"sync", "--dry-run", "--config", c}};
  }
  static std::string joined(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
    return out;
  }

  std::string m_some_user;
  std::string m_database = db_path();  // as the configuration names it
};

// `rosterd status` used to print "never run" and exit 0 for a database in a
// directory that does not exist, while `rosterd run` could not start.
TEST_F(DatabaseE2e, AMissingDirectoryIsAnErrorForEveryCommandThatOpensTheDatabase) {
  auto& tenant = add_tenant("dialer", "worksection", 5, 4);
  write_config({{tenant}});
  const auto missing = m_dir.file("not-created/roster.db");
  move_database_to(missing);
  auto all = commands();
  all.push_back({"run", "--config", config_path()});
  for (const auto& args : all) {
    const auto r = run_rosterd(args, 60s);
    EXPECT_EQ(r.exit_code, 1) << joined(args) << "\n" << r.all();
    EXPECT_THAT(r.err, HasSubstr("rosterd: " + missing + ": cannot open the database: the directory " +
                                 m_dir.file("not-created") + " does not exist (No such file or directory); create it"))
        << joined(args);
    EXPECT_THAT(r.out, ::testing::Not(HasSubstr("never run"))) << joined(args);
  }
  EXPECT_FALSE(std::filesystem::exists(m_dir.file("not-created")));

  // A path through a file names the file that is not a directory.
  std::ofstream(m_dir.file("plain")) << "x";
  move_database_to(m_dir.file("plain/roster.db"));
  const auto through_file = run_rosterd({"status", "--config", config_path()});
  EXPECT_EQ(through_file.exit_code, 1);
  EXPECT_THAT(through_file.err, HasSubstr(m_dir.file("plain") + " is not a directory (Not a directory)"));

  // Once the directory exists, a database not created yet is "never run" (nothing
  // failed) and a sync creates it.
  std::filesystem::create_directory(m_dir.file("not-created"));
  move_database_to(missing);
  const auto never = run_rosterd({"status", "--config", config_path()});
  EXPECT_EQ(never.exit_code, 0) << never.all();
  EXPECT_THAT(never.out, HasSubstr("never run"));
  const auto created = sync();
  EXPECT_EQ(created.exit_code, 0) << created.all();
  EXPECT_TRUE(std::filesystem::exists(missing));
}

// Damaged pages used to reach the user as SQLite's bare "database disk image is
// malformed" (and `rosterd sync` could end in std::terminate).
TEST_F(DatabaseE2e, ADamagedDatabaseIsOneLineNamingTheFileAndTheAdviceForEveryCommand) {
  ASSERT_NO_FATAL_FAILURE(sync_one_source());
  ASSERT_EQ(std::filesystem::file_size(db_path() + "-wal"), 0u) << "every page is in the file itself";
  const auto bytes = read_bytes(db_path());
  constexpr std::size_t k_page = 8192;
  ASSERT_GT(bytes.size(), 4 * k_page);
  std::mt19937 random(7);
  auto damage = [&](std::size_t keep) {
    std::string out = bytes.substr(0, keep);
    while (out.size() < bytes.size()) out.push_back(static_cast<char>(random() & 0xff));
    std::ofstream(db_path(), std::ios::binary | std::ios::trunc) << out;
  };
  struct Variant {
    std::size_t intact_bytes;
    std::string what;
  };
  // The first page kept (a SQLite file whose other pages are garbage), then none.
  for (const auto& variant : {Variant{k_page, "the database file is damaged; check it with `sqlite3 " + db_path() +
                                                  " 'PRAGMA integrity_check'` and restore it from a backup"},
                              Variant{0, "not a SQLite database, or its header is damaged"}}) {
    damage(variant.intact_bytes);
    for (const auto& args : commands()) {
      const auto r = run_rosterd(args, 60s);
      EXPECT_EQ(r.exit_code, 1) << joined(args) << "\n" << r.all();
      const auto errors = lines_with(r.err, "rosterd: ");
      ASSERT_EQ(errors.size(), 1u) << joined(args) << "\n" << r.err;
      EXPECT_THAT(errors[0], HasSubstr("rosterd: " + db_path() + ": " + variant.what)) << joined(args);
      EXPECT_THAT(errors[0], HasSubstr("PRAGMA integrity_check")) << joined(args);
      for (const auto& line : lines_of(r.err)) {
        if (line.find("malformed") != std::string::npos || line.find("not a database") != std::string::npos) {
          EXPECT_THAT(line, HasSubstr(db_path())) << "SQLite's words never alone: " << joined(args);
        }
      }
    }
  }
}

// A reporting user (here: nobody, no groups) may read the database directory but
// not write it. After someone's `sqlite3` session, the last connection, closed and
// deleted the -wal and -shm files, SQLite 3.40 refuses such a reader ("attempt to
// write a readonly database"); rosterd reads the file without locking, says so, and
// reads normally again once a writer has recreated the files.
TEST_F(DatabaseE2e, AReadOnlyUserReadsADatabaseWhoseWalFilesASqlite3SessionRemoved) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run rosterd as nobody (setpriv)";
  if (::access(k_sqlite3, X_OK) != 0 || ::access(k_setpriv, X_OK) != 0) GTEST_SKIP() << "needs sqlite3 and setpriv";
  if (rosterd_as_nobody({"--version"}).exit_code != 0) GTEST_SKIP() << "nobody cannot run " << ROSTERD_BINARY;
  ASSERT_NO_FATAL_FAILURE(sync_one_source(12));
  ::chmod(m_dir.path().c_str(), 0755);
  for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((db_path() + suffix).c_str(), 0644);

  Sqlite3Session session(db_path());
  session.send("SELECT count(*) FROM users;\n");
  ASSERT_EQ(session.quit().exit_code, 0);
  ASSERT_FALSE(std::filesystem::exists(db_path() + "-wal")) << "sqlite3 deletes them when it closes last";
  ASSERT_FALSE(std::filesystem::exists(db_path() + "-shm"));

  const std::vector<std::vector<std::string>> readers{{"users", "--database", db_path()},
                                                      {"status", "--database", db_path()},
                                                      {"changes", "--since", "30d", "--database", db_path()},
                                                      {"history", m_some_user, "--database", db_path()}};
  for (const auto& args : readers) {
    const auto r = rosterd_as_nobody(args);
    EXPECT_EQ(r.exit_code, 0) << joined(args) << "\n" << r.all();
    const auto notes = lines_with(r.err, "immutable=1");
    ASSERT_EQ(notes.size(), 1u) << joined(args) << "\n" << r.err;
    EXPECT_THAT(notes[0], HasSubstr(db_path() + "-wal and " + db_path() +
                                    "-shm are missing, and this user may not "
                                    "create such files in " +
                                    m_dir.path().string()));
    EXPECT_THAT(notes[0], HasSubstr("starting rosterd recreates them and restores normal reading"));
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("readonly database"))) << joined(args);
  }
  const auto users = rosterd_as_nobody({"users", "--database", db_path()});
  EXPECT_THAT(users.out, HasSubstr("12 users"));
  EXPECT_FALSE(std::filesystem::exists(db_path() + "-wal")) << "the reader created nothing";

  // A writer recreates the files: normal reading, no note.
  ASSERT_EQ(sync().exit_code, 0);
  for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((db_path() + suffix).c_str(), 0644);
  const auto normal = rosterd_as_nobody({"users", "--database", db_path()});
  EXPECT_EQ(normal.exit_code, 0) << normal.all();
  EXPECT_THAT(normal.out, HasSubstr("12 users"));
  EXPECT_THAT(normal.err, ::testing::Not(HasSubstr("immutable")));

  // A file the user may not read: which file, its mode and owner, and what to do.
  ::chmod(db_path().c_str(), 0600);
  const auto denied = rosterd_as_nobody({"users", "--database", db_path()});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("rosterd: " + db_path() + ": cannot open the database: no permission to read " +
                                    db_path() + " (Permission denied; mode 0600, owner root:"));
  EXPECT_THAT(denied.err, HasSubstr("usermod -aG"));
}

// Someone's `sqlite3` holds BEGIN IMMEDIATE: the wait for the lock is logged with
// the holder after a second, and the error names it and what to do. It used to be
// a silent 10 s wait, then a bare "database is locked" (or std::terminate).
TEST_F(DatabaseE2e, AWriteLockHeldBySqlite3IsLoggedWhileWaitingAndNamedInTheError) {
  if (::access(k_sqlite3, X_OK) != 0) GTEST_SKIP() << "needs sqlite3";
  ASSERT_NO_FATAL_FAILURE(sync_one_source(5));
  {
    // A run an ended rosterd left 'running': the next sync's first write marks it.
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec(
        "INSERT INTO sync_runs (source, dataset, started_at, status, pid) VALUES ('dialer', 'users', "
        "'2026-01-01T00:00:00.000Z', 'running', " +
        std::to_string(k_dead_pid) + ")");
  }
  Sqlite3Session session(db_path());
  session.send("BEGIN IMMEDIATE;\n");
  const auto locked = [&] {
    SQLite::Database probe(db_path(), SQLite::OPEN_READWRITE);
    try {
      probe.exec("BEGIN IMMEDIATE");
      probe.exec("ROLLBACK");
      return false;
    } catch (const SQLite::Exception&) {
      return true;
    }
  };
  ASSERT_TRUE(eventually(locked, 10s)) << "sqlite3 took the write lock";

  const auto r = sync();
  EXPECT_EQ(r.exit_code, 1) << r.all();
  const auto holder = fmt::format("sqlite3 (pid {})", session.pid());
  EXPECT_EQ(lines_with(r.err, db_path() + ": waiting up to 10 s for the write lock held by " + holder).size(), 1u)
      << r.err;
  EXPECT_THAT(r.err, HasSubstr("dialer: users: failed: " + db_path() + ": locked by another writer: " + holder +
                               " holds the write lock and rosterd waited 10 s for it; end that program's "
                               "transaction (COMMIT or ROLLBACK, or quit it), then run again (SQLite: database is "
                               "locked)"));
  EXPECT_THAT(r.err, HasSubstr("rosterd: " + db_path() + ": the failed runs above could not be recorded in sync_runs: "
                               "the database still takes no writes (" + holder + " holds the write lock)"));

  session.send("ROLLBACK;\n");
  ASSERT_EQ(session.quit().exit_code, 0);
  const auto after = sync();
  EXPECT_EQ(after.exit_code, 0) << after.all();
  EXPECT_EQ(lines_with(after.err, "marked 1 run(s) left 'running'").size(), 1u) << after.err;
}

// While another program holds the write lock, `rosterd status` says so (exit 1): no run
// can write, not even its failure. The daemon's failed run reaches sync_runs as soon as
// the database takes writes again.
TEST_F(DatabaseE2e, AWriteLockHeldBySqlite3FailsStatusAndTheDaemonRecordsItsFailedRunLater) {
  if (::access(k_sqlite3, X_OK) != 0) GTEST_SKIP() << "needs sqlite3";
  auto& tenant = add_tenant("dialer", "worksection", 5, 4);
  write_config({{tenant}}, "  interval: 1h\n");
  ASSERT_EQ(sync().exit_code, 0);
  Sqlite3Session session(db_path());
  session.send("BEGIN IMMEDIATE;\n");
  const auto holder = fmt::format("sqlite3 (pid {})", session.pid());
  std::string status_err;
  ASSERT_TRUE(eventually(
      [&] {
        const auto status = run_rosterd({"status", "--config", config_path()});
        status_err = status.err;
        return status.exit_code == 1 && status.err.find(holder + " holds the write lock: runs cannot write") !=
                                            std::string::npos;
      },
      15s))
      << status_err;

  RosterdProcess daemon({"run", "--config", config_path()});
  ASSERT_TRUE(eventually([&] { return daemon.err().find("dialer: users: failed: ") != std::string::npos; }, 60s))
      << daemon.err();
  EXPECT_NE(daemon.err().find("locked by another writer: " + holder), std::string::npos) << daemon.err();
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status = 'failed'"), 0) << "nothing can be written yet";
  session.send("ROLLBACK;\n");
  ASSERT_EQ(session.quit().exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        return count("SELECT count(*) FROM sync_runs WHERE status = 'failed' AND error LIKE "
                     "'%locked by another writer%'") == 1;
      },
      60s))
      << daemon.err();
  daemon.signal(SIGTERM);
  ASSERT_TRUE(daemon.wait(10s).has_value());
}

}  // namespace
}  // namespace rosterd::testing
