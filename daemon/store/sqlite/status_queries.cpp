#include "store/sqlite/status_queries.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <utility>

namespace rosterd::store::sqlite {
namespace {

using Key = std::pair<std::string, std::string>;
using StatusMap = std::map<Key, DatasetStatus>;

DatasetStatus& entry(StatusMap& map, const std::string& source, const std::string& dataset) {
  auto& status = map[{source, dataset}];
  status.source = source;
  status.dataset = dataset;
  return status;
}

void add_ended_runs(SQLite::Database& db, StatusMap& map) {
  SQLite::Statement ids(db, "SELECT max(id) FROM sync_runs WHERE status <> 'running' GROUP BY source, dataset");
  while (ids.executeStep()) {
    auto run = load_run(db, ids.getColumn(0).getInt64());
    if (run) entry(map, run->source, run->dataset).last_run = std::move(run);
  }
}

// 'running' rows: in progress when their process lives, else abandoned (a crash or
// kill -9 before the commit), which is the pair's latest ended run when newer.
void add_running_rows(SQLite::Database& db, StatusMap& map) {
  SQLite::Statement running(db,
                            "SELECT id, source, dataset, started_at, pid, fetched, requests, bytes FROM sync_runs "
                            "WHERE status = 'running' "
                            "ORDER BY id");
  while (running.executeStep()) {
    const auto id = running.getColumn(0).getInt64();
    auto& status = entry(map, running.getColumn(1).getString(), running.getColumn(2).getString());
    const auto pid = running.getColumn(4).isNull() ? 0 : running.getColumn(4).getInt64();
    if (process_alive(pid)) {
      status.running_now = true;
      status.running_since = running.getColumn(3).getString();
      RunCounts progress;
      progress.fetched = running.getColumn(5).getInt64();
      progress.requests = running.getColumn(6).getInt64();
      progress.bytes = running.getColumn(7).getInt64();
      status.running_progress = progress;
      continue;
    }
    if (status.last_run && status.last_run->id > id) continue;
    auto run = load_run(db, id);
    if (!run) continue;
    run->status = RunStatus::failed;
    run->error = k_abandoned_error;
    status.last_run = std::move(run);
  }
}

bool has_schedule_table(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schedule'").getInt() > 0;
}

void add_schedule(SQLite::Database& db, StatusMap& map, const DaemonState& daemon) {
  if (!has_schedule_table(db)) return;
  for (auto& row : load_schedule(db)) {
    auto& status = entry(map, row.source, row.dataset);
    status.daemon_alive = daemon.known ? daemon.running && daemon.pid == row.pid : process_alive(row.pid);
    if (status.daemon_alive && !row.next_due_at) status.running_now = true;
    status.schedule = std::move(row);
  }
}

}  // namespace

std::vector<DatasetStatus> load_dataset_status(SQLite::Database& db, const DaemonState& daemon) {
  StatusMap map;
  add_ended_runs(db, map);
  add_running_rows(db, map);
  add_schedule(db, map, daemon);
  std::vector<DatasetStatus> out;
  out.reserve(map.size());
  for (auto& [key, status] : map) out.push_back(std::move(status));
  return out;
}

}  // namespace rosterd::store::sqlite
