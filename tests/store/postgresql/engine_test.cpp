// The PostgreSQL engine through the store seam, on the test server
// (tests/support/postgres.hpp): values that need escaping survive every path (array
// parameters, COPY out), claims and their fencing, migrations applied once by
// instances starting together, and messages that never show a password.

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "postgres.hpp"
#include "store/database.hpp"
#include "store/postgresql/leases.hpp"
#include "store/postgresql/pq.hpp"
#include "store/postgresql/session.hpp"

namespace rosterd::store::postgresql {
namespace {

using testing::PgTestDatabase;
using testing::pg_rows;

// Text that every layer must carry byte for byte.
const std::vector<std::string> k_awkward = {
    "plain", "with \"quotes\"", "back\\slash", "tab\there", "new\nline", "carriage\rreturn", "{braces,comma}",
    "NULL", "\\N", "Zo\xc3\xab \xe6\x9d\x8e \xf0\x9f\x98\x80", " spaced ", "",
};

TEST(PgDisplay, NamesTheDatabaseWithoutItsPassword) {
  EXPECT_EQ(display_location("postgresql://rosterd:s3cret-pw@db.example.com:5433/roster?sslmode=verify-full"),
            "postgresql://rosterd@db.example.com:5433/roster");
  EXPECT_EQ(display_location("postgresql:///roster?host=/run/postgresql&user=rosterd&password=s3cret-pw"),
            "postgresql:///roster?host=/run/postgresql&user=rosterd");
  EXPECT_THROW(display_location("postgresql://[broken"), PgError);
  EXPECT_EQ(store::display_location("postgresql://u:s3cret-pw@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(store::display_location("/var/lib/rosterd/roster.db"), "/var/lib/rosterd/roster.db");
  EXPECT_TRUE(store::is_server_location("postgres://h/d"));
  EXPECT_FALSE(store::is_server_location("roster.db"));
}

TEST(PgTextArray, CarriesEveryValueThroughTheServer) {
  PgTestDatabase db;
  Connection connection(db.uri(), db.name());
  TextArray array;
  for (const auto& value : k_awkward) array.add(value);
  array.add_null();
  const auto r = connection.exec("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t (v, n) ORDER BY n",
                                 Params().text(array.literal()));
  ASSERT_EQ(r.rows(), static_cast<int>(k_awkward.size()) + 1);
  for (std::size_t i = 0; i < k_awkward.size(); ++i) EXPECT_EQ(r.text(static_cast<int>(i), 0), k_awkward[i]);
  EXPECT_TRUE(r.is_null(static_cast<int>(k_awkward.size()), 0));
}

TEST(PgIndex, LoadsKeysThatNeedEscapingInCopy) {
  PgTestDatabase db;
  const auto store = store::open(db.uri());
  pg_rows(db.uri(), "INSERT INTO sync_runs (source, dataset, started_at, status) VALUES ('s', 'users', now(), 'ok')");
  std::int64_t hash = 1;
  for (const auto& key : k_awkward) {
    std::string quoted;
    for (char c : key) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    pg_rows(db.uri(), "INSERT INTO user_state (source, external_id, version, removed, content_hash) VALUES ('s', E'" +
                          [&] {
                            std::string e;
                            for (char c : quoted) e += c == '\\' ? std::string("\\\\") : std::string(1, c);
                            return e;
                          }() +
                          "', 3, " + (hash % 2 == 0 ? "true" : "false") + ", " + std::to_string(hash) + ")");
    ++hash;
  }
  const auto index = store->load_user_index("s");
  ASSERT_EQ(index.size(), k_awkward.size());
  hash = 1;
  for (const auto& key : k_awkward) {
    const auto* entry = index.find(key);
    ASSERT_NE(entry, nullptr) << key;
    EXPECT_EQ(entry->content_hash, hash);
    EXPECT_EQ(entry->version, 3);
    EXPECT_EQ(entry->removed, hash % 2 == 0);
    ++hash;
  }
}

TEST(PgMigrations, InstancesStartingTogetherApplyThemOnce) {
  PgTestDatabase db;
  std::vector<std::future<void>> opening;
  for (int i = 0; i < 4; ++i) {
    opening.push_back(std::async(std::launch::async, [&] { (void)store::open(db.uri()); }));
  }
  for (auto& f : opening) EXPECT_NO_THROW(f.get());
  EXPECT_EQ(pg_rows(db.uri(), "SELECT count(*), max(version) FROM schema_migrations")[0],
            (std::vector<std::string>{"2", "2"}));
}

TEST(PgOpen, ReadOnlyNeedsTheSchemaAndSaysSo) {
  PgTestDatabase db;
  try {
    (void)store::open(db.uri(), OpenMode::read_only);
    FAIL() << "opened a database without rosterd's schema";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("no rosterd database here yet"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(store::database_exists(db.uri()));
  (void)store::open(db.uri());
  EXPECT_TRUE(store::database_exists(db.uri()));
}

TEST(PgOpen, AnUnreachableServerIsAStoreErrorWithoutThePassword) {
  try {
    (void)store::open("postgresql://rosterd:s3cret-pw@/none?host=/nonexistent-socket-dir&connect_timeout=2");
    FAIL() << "connected to nothing";
  } catch (const StoreError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql:///none?host=/nonexistent-socket-dir&user=rosterd"), std::string::npos)
        << message;
    EXPECT_NE(message.find("rosterd connects again by itself"), std::string::npos) << message;
  }
}

TEST(PgClaims, OneHolderAtATimeAndALostClaimCannotCommit) {
  PgTestDatabase db;
  const auto first = store::open(db.uri());
  const auto second = store::open(db.uri());
  auto claim = first->try_lock_source("acme");
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(second->try_lock_source("acme"), nullptr) << "held, and renewed, by this process";
  EXPECT_NE(second->try_lock_source("other"), nullptr) << "claims are per source";

  // Another instance takes the claim over (its token raised) while a run writes.
  const auto run_id = first->begin_run("acme", "users", "2026-03-01T09:00:00.000Z");
  pg_rows(db.uri(), "UPDATE run_leases SET holder = 'elsewhere:1:1', token = token + 1 WHERE source = 'acme'");
  {
    const auto transaction = first->begin_write();
    try {
      first->finish_run(run_id, RunStatus::ok, "2026-03-01T09:00:01.000Z", {}, std::nullopt);
      transaction->commit();
      FAIL() << "a run committed without its claim";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("lost its claim on the source"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(pg_rows(db.uri(), "SELECT status FROM sync_runs WHERE id = " + std::to_string(run_id))[0][0], "running")
      << "nothing of the run committed";
  claim.reset();
}

// A run frozen inside its write transaction, after its first write locked its claim's row
// (SIGSTOP, a paused VM): the server ends the transaction once it has been idle for twice
// the claim timeout, another instance takes the source over, and the frozen run, when it
// wakes, commits nothing.
TEST(PgClaims, ARunFrozenInItsTransactionLetsTheSourceGo) {
  PgTestDatabase db;
  struct ShortClaims {
    std::chrono::milliseconds saved = lease_duration();
    ShortClaims() { store::set_claim_timeout(std::chrono::milliseconds(500)); }
    ~ShortClaims() { store::set_claim_timeout(saved); }
  } short_claims;
  const auto first = store::open(db.uri());
  auto claim = first->try_lock_source("acme");
  ASSERT_NE(claim, nullptr);
  const auto run_id = first->begin_run("acme", "users", "2026-03-01T09:00:00.000Z");
  {
    const auto transaction = first->begin_write();
    first->finish_run(run_id, RunStatus::ok, "2026-03-01T09:00:01.000Z", {}, std::nullopt);
    // The run freezes here. Another instance waits for the claim's row, bounded by its
    // lock_timeout (without the server's idle timeout it would wait for ever), then takes
    // the expired claim over (clock_timestamp(): now() is when its transaction began).
    auto other = connect_unchecked(db.uri());
    other.exec("SET lock_timeout = '20s'");
    other.exec("BEGIN");
    other.exec("SELECT 1 FROM run_leases WHERE source = 'acme' FOR UPDATE");
    const auto taken = other.exec(
        "UPDATE run_leases SET holder = 'elsewhere:1:1', token = token + 1 WHERE source = 'acme' AND "
        "expires_at < clock_timestamp() RETURNING token");
    other.exec("COMMIT");
    EXPECT_EQ(taken.rows(), 1) << "the claim ran out while the frozen run held its row";
    EXPECT_THROW(transaction->commit(), StoreError) << "the woken run's connection is gone";
  }
  EXPECT_EQ(pg_rows(db.uri(), "SELECT status FROM sync_runs WHERE id = " + std::to_string(run_id))[0][0], "running")
      << "nothing of the frozen run committed";
  // The same Database connects again for its next write.
  EXPECT_NO_THROW(first->begin_write()->commit());
  claim.reset();
}

}  // namespace
}  // namespace rosterd::store::postgresql
