// rosterd-bench-retention: a year of one CrocoDial source's bookkeeping in a SQLite
// database (BENCHMARKS.md, "Retention"), then the daemon's retention pass over it, batch
// by batch, through the same store calls `rosterd run` and `rosterd prune` make.
//
// The year: agent state polled every 30 s (2,880 runs a day), a twentieth of the polls
// seeing some agents change state (their intervals in agent_status_log); the users listing
// every 15 min, one run in fifty with a change; user_stats polled hourly, one row per
// user per day. Measured: the pass's rows and time, its longest batch (the longest a
// run's commit can wait for it), a second pass with nothing to delete (the hourly cost
// from then on), the status query and the file's size before and after.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/timestamp.hpp"
#include "store/database.hpp"
#include "store/upkeep.hpp"
#include "store/writer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Shape {
  int days = 365;
  int users = 200;
  int changing_agents = 5;  // agents whose state changes in a poll that sees changes
};

// Fills the year with SQL: generated series are far faster than a year of real runs, and
// the shape of the rows (their columns, indexes, what points at what) is the real one.
void fill_year(const std::string& path, const Shape& shape, std::chrono::system_clock::time_point now) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  const auto start = rosterd::core::format_timestamp(now - std::chrono::hours{24} * shape.days);
  const auto seconds = static_cast<long long>(shape.days) * 86400;
  db.exec("PRAGMA foreign_keys = OFF");  // the rows are consistent by construction
  SQLite::Transaction transaction(db);
  const auto at = [&](const std::string& offset) {
    return fmt::format("strftime('%Y-%m-%dT%H:%M:%fZ', '{}', '+' || ({}) || ' seconds')", start, offset);
  };
  // Agent polls: every 30 s; every 20th sees changes (updated = changing_agents).
  db.exec(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {} / 30 - 1) "
      "INSERT INTO sync_runs (source, dataset, started_at, finished_at, status, fetched, updated, unchanged, requests, "
      "bytes) SELECT 'acme', 'agent_status', {}, {}, 'ok', {}, CASE WHEN i % 20 = 0 THEN {} ELSE 0 END, {}, 1, 4000 "
      "FROM n",
      seconds, at("i * 30"), at("i * 30 + 1"), shape.users, shape.changing_agents, shape.users));
  // Their intervals: each changing poll closes changing_agents intervals.
  db.exec(fmt::format(
      "INSERT INTO agent_status_log (source, external_id, status, started_at, ended_at, run_id) "
      "SELECT 'acme', CAST(r.id % {} + a.k AS TEXT), 'READY', r.started_at, "
      "strftime('%Y-%m-%dT%H:%M:%fZ', r.started_at, '+600 seconds'), r.id "
      "FROM sync_runs AS r, (WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < {} - 1) "
      "SELECT k FROM k) AS a WHERE r.dataset = 'agent_status' AND r.updated > 0",
      shape.users, shape.changing_agents));
  // The users listing every 15 min; one run in fifty changes a user (its changes row).
  db.exec(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {} / 900 - 1) "
      "INSERT INTO sync_runs (source, dataset, started_at, finished_at, status, fetched, updated, unchanged, requests, "
      "bytes) SELECT 'acme', 'users', {}, {}, 'ok', {}, CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, {}, 2, 90000 FROM n",
      seconds, at("i * 900 + 7"), at("i * 900 + 9"), shape.users, shape.users));
  db.exec(
      "INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value, "
      "version) SELECT id, finished_at, 'acme', 'user', '1', 'updated', 'email', 'a@x.com', 'b@x.com', 1 "
      "FROM sync_runs WHERE dataset = 'users' AND updated > 0");
  // user_stats: a row per user per day, written by the day's last hourly poll.
  db.exec(fmt::format(
      "WITH RECURSIVE d(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM d WHERE d < {} - 1), "
      "u(u) AS (SELECT 0 UNION ALL SELECT u + 1 FROM u WHERE u < {} - 1) "
      "INSERT INTO sync_runs (source, dataset, started_at, finished_at, status, fetched, updated, requests, bytes) "
      "SELECT 'acme', 'user_stats', {}, {}, 'ok', {}, {}, {}, 200000 FROM d",
      shape.days, shape.users, at("d.d * 86400 + 86000"), at("d.d * 86400 + 86100"), shape.users, shape.users,
      shape.users));
  db.exec(fmt::format(
      "WITH RECURSIVE u(u) AS (SELECT 0 UNION ALL SELECT u + 1 FROM u WHERE u < {} - 1) "
      "INSERT INTO user_stats (source, external_id, stat_date, login_seconds, after_call_seconds, break_seconds, "
      "pause_seconds, available_seconds, avg_wait_seconds, talk_seconds, talk_available_seconds, total_calls, denied, "
      "lip, vrf, sales, updated_at, run_id) "
      "SELECT 'acme', CAST(u.u AS TEXT), substr(r.started_at, 1, 10), 28800, 600, 1800, 900, 3600, 20, 18000, 21600, "
      "120, 3, 1, 1, 4, r.finished_at, r.id FROM sync_runs AS r, u WHERE r.dataset = 'user_stats'",
      shape.users));
  transaction.commit();
}

std::int64_t rows_of(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

}  // namespace

int main(int argc, char** argv) {
  Shape shape;
  std::string path = "retention-bench.db";
  int keep_days = 30;
  CLI::App app{"The retention pass over a year of one source's rows (BENCHMARKS.md, \"Retention\")"};
  app.add_option("--days", shape.days, "Days of rows to generate");
  app.add_option("--users", shape.users, "Users of the source");
  app.add_option("--keep-days", keep_days, "Retention of sync_runs, agent_status_log and user_stats, in days");
  app.add_option("--db", path, "The SQLite file to create (removed first)");
  CLI11_PARSE(app, argc, argv);

  for (const auto* suffix : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(path + suffix);
  const auto now = std::chrono::system_clock::now();
  auto store = rosterd::store::open(path);  // the real schema, migrated
  auto started = Clock::now();
  fill_year(path, shape, now);
  const double fill_seconds = seconds_since(started);

  SQLite::Database reader(path, SQLite::OPEN_READWRITE);  // counts, and checkpoints to measure the file
  const std::vector<std::string> tables = {"sync_runs", "agent_status_log", "user_stats", "changes"};
  std::vector<std::int64_t> before;
  for (const auto& table : tables) before.push_back(rows_of(reader, table));
  reader.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto size_before = std::filesystem::file_size(path);
  started = Clock::now();
  (void)store->dataset_status();
  const double status_before = seconds_since(started);

  // The pass, batch by batch as prune_once() makes it (service/retention.cpp), timed each.
  rosterd::store::Writer writer(*store);
  const auto cutoff = rosterd::core::format_timestamp(now - std::chrono::hours{24} * keep_days);
  std::vector<double> batches;
  std::int64_t deleted = 0;
  started = Clock::now();
  for (const auto table : {rosterd::store::RetainedTable::agent_status_log, rosterd::store::RetainedTable::user_stats,
                           rosterd::store::RetainedTable::sync_runs}) {
    rosterd::store::PruneStep step;
    for (;;) {
      const auto batch_start = Clock::now();
      step = writer.run(
          [&](rosterd::store::Database& db) { return db.prune(table, cutoff, 1000, step.resume_after); });
      batches.push_back(seconds_since(batch_start));
      deleted += step.deleted;
      if (step.deleted < 1000) break;
    }
  }
  const double pass_seconds = seconds_since(started);
  started = Clock::now();
  for (const auto table : {rosterd::store::RetainedTable::agent_status_log, rosterd::store::RetainedTable::user_stats,
                           rosterd::store::RetainedTable::sync_runs}) {
    (void)writer.run([&](rosterd::store::Database& db) { return db.prune(table, cutoff, 1000, 0); });
  }
  const double idle_pass_seconds = seconds_since(started);
  started = Clock::now();
  (void)store->dataset_status();
  const double status_after = seconds_since(started);
  reader.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto size_after = std::filesystem::file_size(path);

  std::sort(batches.begin(), batches.end());
  const auto quantile = [&](double q) {
    return batches[std::min(batches.size() - 1, static_cast<std::size_t>(q * static_cast<double>(batches.size())))];
  };
  std::printf("generated %d days of one source (%d users) in %.1f s\n", shape.days, shape.users, fill_seconds);
  std::printf("%-17s %12s %12s\n", "table", "rows before", "rows after");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    std::printf("%-17s %12lld %12lld\n", tables[i].c_str(), static_cast<long long>(before[i]),
                static_cast<long long>(rows_of(reader, tables[i])));
  }
  std::printf("pass: %lld rows deleted in %.2f s, %zu batches; batch median %.1f ms, p99 %.1f ms, max %.1f ms\n",
              static_cast<long long>(deleted), pass_seconds, batches.size(), quantile(0.5) * 1000,
              quantile(0.99) * 1000, batches.back() * 1000);
  std::printf("a pass with nothing to delete: %.1f ms\n", idle_pass_seconds * 1000);
  std::printf("status query: %.1f ms before, %.1f ms after (%.2fx)\n", status_before * 1000, status_after * 1000,
              status_after / status_before);
  std::printf("file: %.1f MB before, %.1f MB after (freed pages are reused, not returned: VACUUM returns them)\n",
              static_cast<double>(size_before) / 1e6, static_cast<double>(size_after) / 1e6);
  return 0;
}
