// `rosterd backup` end to end (README, "Backup and restore"): a copy taken while the
// daemon syncs is whole and consistent, and the documented restore procedure brings it
// back; the refusals. Built into run_e2e_test's executable (tests/e2e/CMakeLists.txt).

#include <signal.h>
#include <sys/stat.h>

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class BackupE2e : public E2eTest {
 protected:
  std::int64_t ok_runs() {
    if (!database_exists()) return 0;
    try {
      return count("SELECT count(*) FROM sync_runs WHERE status = 'ok'");
    } catch (const std::exception&) {
      return 0;  // no schema yet
    }
  }
  static std::string value_in(const std::string& path, const std::string& sql) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  static void stop(RosterdProcess& daemon) {
    daemon.signal(SIGTERM);
    const auto exit = daemon.wait(5s);
    ASSERT_TRUE(exit.has_value()) << "did not stop within 5 s\n" << daemon.err();
    EXPECT_EQ(*exit, 0) << daemon.err();
  }
};

TEST_F(BackupE2e, ACopyTakenWhileTheDaemonSyncsIsWholeAndTheDocumentedRestoreBringsItBack) {
  auto& sw = add_tenant("sw", "class4", 40, 7);
  write_config({{sw}}, "  interval: 1s\n");
  auto daemon = std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  ASSERT_TRUE(eventually([&] { return ok_runs() >= 1; }, 15s)) << daemon->err();

  // The vendor keeps changing while the copy is made, so that the daemon keeps writing.
  const auto renamed = sw.users()[3].id;
  sw.update_user(renamed, [](sim::SimUser& u) { u.username = "before.backup"; });
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM users WHERE username = 'before.backup'") == 1; },
                         15s))
      << daemon->err();
  sw.update_user(sw.users()[5].id, [](sim::SimUser& u) { u.last_name = "Changing-During-The-Backup"; });
  const auto runs_before = ok_runs();
  const auto backup = m_dir.file("backups/roster-backup.db");
  fs::create_directory(m_dir.file("backups"));
  const auto made = run_rosterd({"backup", backup, "--config", config_path()});
  ASSERT_EQ(made.exit_code, 0) << made.all();
  EXPECT_NE(made.out.find("backed up " + db_path() + " into " + backup + ": "), std::string::npos) << made.out;
  EXPECT_NE(made.out.find("integrity check ok"), std::string::npos) << made.out;
  std::vector<fs::path> in_backups(fs::directory_iterator(m_dir.file("backups")), fs::directory_iterator{});
  EXPECT_EQ(in_backups, std::vector<fs::path>{backup}) << "the backup alone: the temporary file is gone";
  ASSERT_TRUE(eventually([&] { return ok_runs() > runs_before + 1; }, 15s))
      << "the daemon kept syncing after the backup\n" << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status <> 'ok' AND status <> 'running'"), 0) << daemon->err();

  // The copy: checked by SQLite, and one consistent state (every change belongs to a
  // finished run of the copy, every user has one open version).
  EXPECT_EQ(value_in(backup, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(value_in(backup, "SELECT count(*) FROM current_users"), "40");
  EXPECT_EQ(value_in(backup, "SELECT count(*) FROM users WHERE username = 'before.backup'"), "1");
  EXPECT_EQ(value_in(backup, "SELECT count(*) FROM user_versions WHERE valid_to IS NULL"), "40");
  EXPECT_EQ(value_in(backup, "SELECT count(*) FROM changes WHERE run_id NOT IN (SELECT id FROM sync_runs WHERE "
                             "status = 'ok')"),
            "0");
  const auto last_backed_up_run = value_in(backup, "SELECT max(id) FROM sync_runs WHERE status = 'ok'");

  // After the backup the vendor changes again; the live database records it, the copy
  // does not.
  sw.update_user(renamed, [](sim::SimUser& u) { u.username = "after.backup"; });
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM users WHERE username = 'after.backup'") == 1; },
                         15s))
      << daemon->err();

  // The restore procedure, step by step. 1. Stop the service.
  stop(*daemon);
  daemon.reset();
  // 2. Move the current database and its -wal and -shm aside, never deleting them.
  const auto db = db_path();
  const auto aside = db + ".before-restore";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(db + suffix)) fs::rename(db + suffix, aside + suffix);
  }
  // 3. Copy the backup in place with the database's mode (the owner is the test's user).
  fs::copy_file(backup, db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const auto backed_up_users = run_rosterd({"users", "--format", "csv", "--database", backup});
  const auto restored_users = run_rosterd({"users", "--format", "csv", "--database", db});
  ASSERT_EQ(restored_users.exit_code, 0) << restored_users.all();
  EXPECT_EQ(restored_users.out, backed_up_users.out);
  EXPECT_NE(restored_users.out.find("before.backup"), std::string::npos) << restored_users.out;
  EXPECT_EQ(restored_users.out.find("after.backup"), std::string::npos) << restored_users.out;

  // 4. Start it again; 5. `rosterd status`.
  daemon = std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  ASSERT_TRUE(eventually(
      [&] { return count("SELECT count(*) FROM sync_runs WHERE status = 'ok' AND id > " + last_backed_up_run) >= 1; },
      15s))
      << daemon->err();
  const auto status = run_rosterd({"status", "--database", db});
  EXPECT_EQ(status.exit_code, 0) << status.all();
  EXPECT_EQ(lines_with(status.out, "sw ").size(), 1u) << status.out;
  // History runs on from the backup: the change made after it is recorded again, by a
  // run of the restored database.
  const auto history = run_rosterd({"history", "after.backup", "--config", config_path()});
  EXPECT_EQ(history.exit_code, 0) << history.all();
  EXPECT_NE(history.out.find("username: \"before.backup\" -> \"after.backup\""), std::string::npos) << history.out;
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE new_value = 'after.backup' AND run_id <= " + last_backed_up_run),
            0);
  stop(*daemon);
  EXPECT_TRUE(fs::exists(aside)) << "the database moved aside is kept";
}

TEST_F(BackupE2e, ReadsTheDatabaseWithoutChangingIt) {
  auto& sw = add_tenant("sw", "worksection", 5);
  write_config({{sw}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto before = database_bytes();
  const auto made = run_rosterd({"backup", m_dir.file("copy.db"), "--database", db_path()});
  ASSERT_EQ(made.exit_code, 0) << made.all();
  EXPECT_EQ(database_bytes(), before);
  EXPECT_EQ(value_in(m_dir.file("copy.db"), "SELECT count(*) FROM current_users"), "5");
}

TEST_F(BackupE2e, RefusesAnExistingPathAndLeavesItAlone) {
  auto& sw = add_tenant("sw", "worksection", 3);
  write_config({{sw}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto taken = m_dir.file("taken.db");
  std::ofstream(taken) << "not to be replaced";
  const auto r = run_rosterd({"backup", taken, "--config", config_path()});
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("backup: " + taken + " already exists, and a backup never replaces a file"), std::string::npos)
      << r.err;
  EXPECT_EQ(read_bytes(taken), "not to be replaced");

  // A -wal beside the path would be read into the new file as part of it.
  std::ofstream(m_dir.file("fresh.db-wal")) << "left over";
  const auto beside = run_rosterd({"backup", m_dir.file("fresh.db"), "--config", config_path()});
  EXPECT_EQ(beside.exit_code, 2) << beside.all();
  EXPECT_NE(beside.err.find(m_dir.file("fresh.db-wal") + " already exists"), std::string::npos) << beside.err;
  EXPECT_FALSE(fs::exists(m_dir.file("fresh.db")));
}

TEST_F(BackupE2e, RefusesAPostgresqlDatabase) {
  const auto by_option = run_rosterd({"backup", m_dir.file("pg.db"), "--database", "postgresql://u:secret@db/rosterd"});
  EXPECT_EQ(by_option.exit_code, 2) << by_option.all();
  EXPECT_NE(by_option.err.find("pg_dump"), std::string::npos) << by_option.err;
  EXPECT_EQ(by_option.err.find("secret"), std::string::npos) << by_option.err;

  auto& sw = add_tenant("sw", "worksection", 3);
  write_config({{sw}});
  const auto on_server = with_database_line(read_bytes(config_path()), "postgresql:///rosterd?host=/nowhere");
  std::ofstream(config_path()) << on_server;
  const auto by_config = run_rosterd({"backup", m_dir.file("pg.db"), "--config", config_path()});
  EXPECT_EQ(by_config.exit_code, 2) << by_config.all();
  EXPECT_NE(by_config.err.find("is a PostgreSQL database"), std::string::npos) << by_config.err;
  EXPECT_FALSE(fs::exists(m_dir.file("pg.db")));
}

TEST_F(BackupE2e, ADatabaseThatCannotBeReadIsAFailureNotAUsageError) {
  const auto r = run_rosterd({"backup", m_dir.file("copy.db"), "--database", m_dir.file("missing.db")});
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find(m_dir.file("missing.db")), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(m_dir.file("copy.db")));
}

}  // namespace
}  // namespace rosterd::testing
