#include "store/sqlite/run_log.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/connection.hpp"
#include "../temp_db.hpp"

namespace rosterd::store::sqlite {
namespace {

TEST(Runs, BeginAndFinishRecordStatusCountsAndError) {
  testing::TempDir dir;
  auto db = Connection::open(dir.file("r.db"));
  const auto id = begin_run(db.sql(), "acme", "users", "2026-03-01T09:00:00.000Z");
  auto running = load_run(db.sql(), id);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->status, RunStatus::running);
  finish_run(db.sql(), id, RunStatus::failed, "2026-03-01T09:00:01.000Z", RunCounts{5, 0, 0, 0, 0, 0, 3, 900},
             std::string("HTTP 500"));
  auto done = load_run(db.sql(), id);
  EXPECT_EQ(done->status, RunStatus::failed);
  EXPECT_EQ(done->error, "HTTP 500");
  EXPECT_EQ(done->counts.fetched, 5);
  EXPECT_EQ(done->counts.requests, 3);
  EXPECT_EQ(done->counts.bytes, 900);
  EXPECT_EQ(done->finished_at, "2026-03-01T09:00:01.000Z");
}

TEST(Runs, AbandonedRunsOfDeadProcessesAreMarkedFailed) {
  testing::TempDir dir;
  auto db = Connection::open(dir.file("r.db"));
  const auto mine = begin_run(db.sql(), "acme", "users", "2026-03-01T09:00:00.000Z");
  const auto orphan = begin_run(db.sql(), "acme", "profiles", "2026-03-01T09:00:00.000Z");
  // pid 0x7ffffffe cannot exist (above pid_max).
  db.sql().exec("UPDATE sync_runs SET pid = 2147483646 WHERE id = " + std::to_string(orphan));
  EXPECT_EQ(fail_abandoned_runs(db.sql(), "2026-03-01T10:00:00.000Z"), 1);
  EXPECT_EQ(load_run(db.sql(), orphan)->status, RunStatus::failed);
  EXPECT_EQ(*load_run(db.sql(), orphan)->error, k_abandoned_error);
  EXPECT_EQ(load_run(db.sql(), mine)->status, RunStatus::running);
}

TEST(Runs, LatestRunPerSourceAndDataset) {
  testing::TempDir dir;
  auto db = Connection::open(dir.file("r.db"));
  begin_run(db.sql(), "b", "users", "t1");
  const auto a1 = begin_run(db.sql(), "a", "users", "t1");
  const auto a2 = begin_run(db.sql(), "a", "users", "t2");
  const auto latest = latest_runs(db.sql());
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].source, "a");
  EXPECT_EQ(latest[0].id, a2);
  EXPECT_NE(latest[0].id, a1);
  EXPECT_EQ(latest[1].source, "b");
}

}  // namespace
}  // namespace rosterd::store::sqlite
