#pragma once
// What the database knows about each (source, dataset), for `rosterd status`:
// the latest run that ended, a run in progress, and the schedule `rosterd run`
// published. Read-only: works on a connection opened with OpenMode::read_only.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/run_locks.hpp"
#include "store/runs.hpp"
#include "store/schedule.hpp"

namespace rosterd::store {

struct DatasetStatus {
  std::string source;
  std::string dataset;
  // The latest run that is not in progress. A 'running' row whose process is gone
  // counts as ended: it is shown failed with k_abandoned_error (the words
  // fail_abandoned_runs() stores when the next `rosterd sync` or `rosterd run` starts)
  // and no finished_at.
  std::optional<RunRecord> last_run;
  // A run in progress now: a live process's 'running' row, or the daemon's
  // schedule row with next_due_at NULL.
  bool running_now = false;
  std::optional<std::string> running_since;  // the 'running' row's started_at, when there is one
  // How far the run in progress got (fetched, requests, bytes), as it last recorded it.
  std::optional<RunCounts> running_progress;
  std::optional<ScheduleRow> schedule;
  bool daemon_alive = false;  // the `rosterd run` that wrote the schedule still runs
};

// Every (source, dataset) that has a run or a schedule row, ordered by source and
// dataset. A database older than migration 2 simply has no schedule. `daemon` says
// whether a daemon holds the database's daemon lock; when that is not known, a
// schedule's daemon is taken to run while its pid is alive.
std::vector<DatasetStatus> load_dataset_status(SQLite::Database& db, const RunLocks::DaemonState& daemon = {});

}  // namespace rosterd::store
