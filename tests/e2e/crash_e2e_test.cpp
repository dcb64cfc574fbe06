// Crash safety, end to end: kill -9 of `rosterd sync` while it writes a large run,
// and a reporting reader that keeps a read transaction open across a sync
// (docs/reliability.md "SQLite": one transaction per run, WAL, readers never block the writer).

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

// 200,000 users by default; ROSTERD_CRASH_USERS makes it smaller (sanitizer builds).
int crash_users() {
  const char* text = std::getenv("ROSTERD_CRASH_USERS");
  if (text == nullptr || *text == '\0') return 200'000;
  return std::max(2'000, std::atoi(text));
}

std::int64_t file_size(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<std::int64_t>(info.st_size) : 0;
}

std::string integrity(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

class CrashE2e : public E2eTest {};

TEST_F(CrashE2e, KillNineWhileWritingLeavesTheDatabaseAsItWasAndTheNextRunCompletes) {
  const int users = crash_users();
  auto& small = add_tenant("small", "class4", 30, 2);
  sim::TenantOptions options;
  options.name = "big";
  options.vendor = "smartflo";
  options.users = users;
  options.seed = 3;
  auto& big = m_sim.add_tenant(options);
  write_config({{small}, {big, {{"page_size", "1000"}}}});
  const auto first = sync({"--source", "small"});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  const auto before = dump_data_tables();
  const auto wal = db_path() + "-wal";
  ASSERT_LT(file_size(wal), 1 << 20) << "the run before was checkpointed";

  // "In the middle of writing": the run writes in one transaction that begins only
  // after the whole listing was fetched, and SQLite spills its pages into the WAL as
  // the transaction grows (about 1.4 KB per user here). Past 100 bytes per user the
  // transaction is well under way and far from its COMMIT.
  const std::int64_t writing = static_cast<std::int64_t>(users) * 100;
  RosterdProcess process({"sync", "--config", config_path(), "--source", "big"});
  std::optional<int> exited;
  const bool caught = eventually(
      [&] {
        if (file_size(wal) > writing) return true;
        exited = process.wait(std::chrono::milliseconds{0});
        return exited.has_value();
      },
      std::chrono::minutes{10});
  ASSERT_TRUE(caught) << "the run neither wrote nor ended";
  ASSERT_FALSE(exited) << "the run ended before its WAL passed " << writing << " bytes:\n" << process.err();
  process.signal(SIGKILL);
  ASSERT_EQ(process.wait(std::chrono::seconds{30}), -1) << "killed by the signal";
  EXPECT_GT(file_size(wal), writing) << "the killed transaction's pages are still in the WAL";

  EXPECT_EQ(integrity(db_path()), "ok");
  EXPECT_EQ(dump_data_tables(), before) << "nothing of the killed run is visible";
  EXPECT_EQ(value("SELECT status FROM sync_runs WHERE source = 'big'"), "running") << "killed before its COMMIT";

  const auto next = sync({"--source", "big"});
  ASSERT_EQ(next.exit_code, 0) << next.all();
  EXPECT_EQ(lines_with(next.err, "marked 1 run(s) left 'running'").size(), 1u) << next.err;
  EXPECT_EQ(rows("SELECT status FROM sync_runs WHERE source = 'big' ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"failed"}, {"ok"}}));
  EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = 'big'"), users);
  EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = 'small'"), 30);
  EXPECT_EQ(integrity(db_path()), "ok");
}

// A reporting user's long read transaction (BEGIN; SELECT ...; kept open): WAL lets
// the sync write and commit meanwhile, and the reader keeps its snapshot until it ends.
TEST_F(CrashE2e, ALongReadTransactionNeitherBreaksNorBlocksASync) {
  auto& sw = add_tenant("sw", "class4", 40, 8);
  write_config({{sw, {{"page_size", "15"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto users = sw.users();
  sw.remove_user(users[5].id);
  sw.update_user(users[6].id, [](SimUser& u) { u.email = "moved@example.com"; });
  sw.add_user();
  sw.add_user();

  SQLite::Database reader(db_path(), SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  const auto snapshot = [&] {
    return reader.execAndGet("SELECT count(*) || ',' || (SELECT count(*) FROM changes) || ',' || "
                             "(SELECT max(id) FROM sync_runs) FROM current_users")
        .getString();
  };
  const auto seen = snapshot();
  EXPECT_EQ(seen, "40,40,1");

  const auto started = std::chrono::steady_clock::now();
  const auto result = sync();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_EQ(value("SELECT added || ',' || updated || ',' || removed FROM sync_runs ORDER BY id DESC LIMIT 1"),
            "2,1,1");
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 41) << "a new connection sees the run";
  EXPECT_EQ(snapshot(), seen) << "the open transaction still sees its snapshot";
  // Not a performance bound: the checkpoint after the run used to wait out the whole
  // 10 s busy timeout for this reader (the run takes well under a second otherwise).
  EXPECT_LT(elapsed, std::chrono::seconds{8}) << "the sync waited for the reader";
  reader.exec("COMMIT");
  EXPECT_EQ(snapshot(), "41,44,2") << "and the run once it ends";

  // Without the reader, the next run's checkpoint empties the WAL it could not reset.
  EXPECT_GT(file_size(db_path() + "-wal"), 0);
  ASSERT_EQ(sync().exit_code, 0);
  EXPECT_EQ(file_size(db_path() + "-wal"), 0);
}

}  // namespace
}  // namespace rosterd::testing
