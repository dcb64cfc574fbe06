#include "store/sqlite/run_log.hpp"

#include <unistd.h>

#include <SQLiteCpp/Statement.h>

#include "store/sqlite/schedule.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {
namespace {

constexpr const char* k_run_columns =
    "id, source, dataset, started_at, finished_at, status, error, fetched, added, updated, removed, restored, "
    "unchanged, requests, bytes, filled";

RunRecord read_run(SQLite::Statement& row) {
  RunRecord r;
  r.id = row.getColumn(0).getInt64();
  r.source = row.getColumn(1).getString();
  r.dataset = row.getColumn(2).getString();
  r.started_at = row.getColumn(3).getString();
  r.finished_at = optional_text(row.getColumn(4));
  r.status = parse_run_status(row.getColumn(5).getString()).value_or(RunStatus::failed);
  r.error = optional_text(row.getColumn(6));
  r.counts = {row.getColumn(7).getInt64(),  row.getColumn(8).getInt64(),  row.getColumn(9).getInt64(),
              row.getColumn(10).getInt64(), row.getColumn(11).getInt64(), row.getColumn(12).getInt64(),
              row.getColumn(13).getInt64(), row.getColumn(14).getInt64(), row.getColumn(15).getInt64()};
  return r;
}

}  // namespace

std::int64_t begin_run(SQLite::Database& db, std::string_view source, std::string_view dataset,
                       const std::string& started_at) {
  SQLite::Statement insert(db,
                           "INSERT INTO sync_runs (source, dataset, started_at, status, pid) VALUES (?, ?, ?, 'running', ?)");
  insert.bind(1, std::string(source));
  insert.bind(2, std::string(dataset));
  insert.bind(3, started_at);
  insert.bind(4, static_cast<std::int64_t>(getpid()));
  insert.exec();
  return db.getLastInsertRowid();
}

std::int64_t record_failed_run(SQLite::Database& db, std::string_view source, std::string_view dataset,
                               const std::string& started_at, const std::string& finished_at, const std::string& error) {
  SQLite::Statement insert(db,
                           "INSERT INTO sync_runs (source, dataset, started_at, finished_at, status, error, pid) "
                           "VALUES (?, ?, ?, max(?, ?), 'failed', ?, ?)");
  insert.bind(1, std::string(source));
  insert.bind(2, std::string(dataset));
  insert.bind(3, started_at);
  insert.bind(4, finished_at);
  insert.bind(5, started_at);
  insert.bind(6, error);
  insert.bind(7, static_cast<std::int64_t>(getpid()));
  insert.exec();
  return db.getLastInsertRowid();
}

void finish_run(SQLite::Database& db, std::int64_t run_id, RunStatus status, const std::string& finished_at,
                const RunCounts& counts, const std::optional<std::string>& error) {
  SQLite::Statement update(db,
                           "UPDATE sync_runs SET status = ?, finished_at = ?, error = ?, fetched = ?, added = ?, "
                           "updated = ?, removed = ?, restored = ?, unchanged = ?, requests = ?, bytes = ?, filled = ? "
                           "WHERE id = ?");
  update.bind(1, std::string(to_string(status)));
  update.bind(2, finished_at);
  if (error) {
    update.bind(3, *error);
  } else {
    update.bind(3);
  }
  int i = 4;
  for (auto value : {counts.fetched, counts.added, counts.updated, counts.removed, counts.restored, counts.unchanged,
                     counts.requests, counts.bytes, counts.filled}) {
    update.bind(i++, value);
  }
  update.bind(i, run_id);
  update.exec();
}

void record_progress(SQLite::Database& db, std::int64_t run_id, const RunCounts& counts) {
  SQLite::Statement update(db,
                           "UPDATE sync_runs SET fetched = ?, requests = ?, bytes = ? WHERE id = ? AND status = 'running'");
  update.bind(1, counts.fetched);
  update.bind(2, counts.requests);
  update.bind(3, counts.bytes);
  update.bind(4, run_id);
  update.exec();
}

std::optional<std::string> latest_recorded_time(SQLite::Database& db) {
  // Each max() is one step down an index (sync_runs_by_start, sync_runs_by_finish,
  // changes_by_time); ISO-8601 text in one format sorts as time does.
  SQLite::Statement select(db,
                           "SELECT max(t) FROM (SELECT max(started_at) AS t FROM sync_runs "
                           "UNION ALL SELECT max(finished_at) FROM sync_runs UNION ALL SELECT max(changed_at) FROM changes)");
  if (!select.executeStep() || select.getColumn(0).isNull()) return std::nullopt;
  return select.getColumn(0).getString();
}

int fail_abandoned_runs(SQLite::Database& db, const std::string& now) {
  SQLite::Statement running(db, "SELECT id, pid FROM sync_runs WHERE status = 'running'");
  std::vector<std::int64_t> abandoned;
  while (running.executeStep()) {
    const auto pid = running.getColumn(1).isNull() ? 0 : running.getColumn(1).getInt64();
    if (pid == getpid() || process_alive(pid)) continue;
    abandoned.push_back(running.getColumn(0).getInt64());
  }
  SQLite::Statement update(db,
                           "UPDATE sync_runs SET status = 'failed', finished_at = max(?, started_at), error = ? "
                           "WHERE id = ? AND status = 'running'");
  for (auto id : abandoned) {
    update.bind(1, now);
    update.bind(2, k_abandoned_error);
    update.bind(3, id);
    update.exec();
    update.reset();
  }
  return static_cast<int>(abandoned.size());
}

std::optional<RunRecord> load_run(SQLite::Database& db, std::int64_t run_id) {
  SQLite::Statement select(db, std::string("SELECT ") + k_run_columns + " FROM sync_runs WHERE id = ?");
  select.bind(1, run_id);
  if (!select.executeStep()) return std::nullopt;
  return read_run(select);
}

std::optional<RunningRun> running_run_of(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(db,
                           "SELECT id, dataset, started_at, pid FROM sync_runs WHERE source = ? AND status = 'running' "
                           "ORDER BY id DESC");
  select.bind(1, std::string(source));
  while (select.executeStep()) {
    const auto pid = select.getColumn(3).isNull() ? 0 : select.getColumn(3).getInt64();
    if (pid == getpid() || !process_alive(pid)) continue;
    return RunningRun{select.getColumn(0).getInt64(), select.getColumn(1).getString(), select.getColumn(2).getString(),
                      pid};
  }
  return std::nullopt;
}

std::optional<int> load_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset) {
  SQLite::Statement select(db, "SELECT reader_version FROM dataset_readers WHERE source = ? AND dataset = ?");
  select.bind(1, std::string(source));
  select.bind(2, std::string(dataset));
  if (!select.executeStep()) return std::nullopt;
  return select.getColumn(0).getInt();
}

void save_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset, int version) {
  SQLite::Statement upsert(db,
                           "INSERT INTO dataset_readers (source, dataset, reader_version) VALUES (?, ?, ?) "
                           "ON CONFLICT (source, dataset) DO UPDATE SET reader_version = excluded.reader_version");
  upsert.bind(1, std::string(source));
  upsert.bind(2, std::string(dataset));
  upsert.bind(3, version);
  upsert.exec();
}

std::vector<RunRecord> latest_runs(SQLite::Database& db) {
  SQLite::Statement select(db, std::string("SELECT ") + k_run_columns +
                                   " FROM sync_runs WHERE id IN (SELECT max(id) FROM sync_runs GROUP BY source, dataset)"
                                   " ORDER BY source, dataset");
  std::vector<RunRecord> out;
  while (select.executeStep()) out.push_back(read_run(select));
  return out;
}

}  // namespace rosterd::store::sqlite
