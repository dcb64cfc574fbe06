#pragma once
// The daemon's published schedule and what `rosterd status` reads about each
// (source, dataset): engine-neutral rows.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "store/runs.hpp"

namespace rosterd::store {

// One (source, dataset) of the schedule `rosterd run` publishes.
struct ScheduleRow {
  std::string source;
  std::string dataset;
  std::int64_t interval_ms = 0;
  std::optional<std::string> next_due_at;  // NULL while running
  int consecutive_failures = 0;
  std::int64_t pid = 0;
  std::string updated_at;
};

// Whether the process that wrote a row still runs.
bool process_alive(std::int64_t pid);

// Whether a `rosterd run` holds the database's daemon lock now, and its pid.
// `known` is false when that cannot be told (a database from before daemon locks).
struct DaemonState {
  bool known = false;
  bool running = false;
  std::optional<pid_t> pid;
};

struct DatasetStatus {
  std::string source;
  std::string dataset;
  // The latest run that is not in progress. A 'running' row whose process is gone
  // counts as ended: it is shown failed with k_abandoned_error (the words
  // Database::fail_abandoned_runs() stores when the next `rosterd sync` or
  // `rosterd run` starts) and no finished_at.
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

}  // namespace rosterd::store
