#include "service/reader_pool.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "service/open_files.hpp"
#include "store/database.hpp"
#include "tests/store/temp_db.hpp"

namespace rosterd::service {
namespace {

TEST(ReaderPool, KeepsAtMostItsIdleCountForTheNextRuns) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  (void)store::open(path);  // created and migrated
  ReaderPool pool(path, 1);
  auto first = pool.take();
  auto second = pool.take();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first.get(), second.get()) << "two runs in progress: two connections";
  EXPECT_TRUE(first->latest_runs().empty()) << "the migrated schema is read";
  ReaderPool::release_cache(*first);
  const auto* kept = first.get();
  pool.give_back(std::move(first));
  pool.give_back(std::move(second));  // one more than kept: closed
  auto again = pool.take();
  EXPECT_EQ(again.get(), kept);
  auto fresh = pool.take();
  EXPECT_NE(fresh.get(), kept);
}

TEST(ReaderPool, AMissingDatabaseIsAStoreError) {
  testing::TempDir dir;
  ReaderPool pool(dir.file("missing.db"), 1);
  EXPECT_THROW((void)pool.take(), store::StoreError);
}

TEST(OpenFiles, TheSoftLimitIsRaisedToTheHardLimit) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_cur == before.rlim_max && before.rlim_max > 64) {
    before.rlim_cur = before.rlim_max / 2;  // as systemd's default soft limit of 1024 would be
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &before), 0);
  }
  const auto raised = raise_open_file_limit();
  ASSERT_TRUE(raised.has_value());
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, after.rlim_max);
  EXPECT_EQ(raised->before, before.rlim_cur);
  EXPECT_LT(raised->before, raised->now);
  EXPECT_EQ(raised->now, after.rlim_max);
}

}  // namespace
}  // namespace rosterd::service
