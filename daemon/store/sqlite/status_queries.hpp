#pragma once
// What the database knows about each (source, dataset), for `rosterd status`:
// the latest run that ended, a run in progress, and the schedule `rosterd run`
// published. Read-only: works on a connection opened with OpenMode::read_only.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/run_locks.hpp"
#include "store/sqlite/run_log.hpp"
#include "store/status.hpp"
#include "store/sqlite/schedule.hpp"

namespace rosterd::store::sqlite {

// Every (source, dataset) that has a run or a schedule row, ordered by source and
// dataset. A database older than migration 2 simply has no schedule. `daemon` says
// whether a daemon holds the database's daemon lock; when that is not known, a
// schedule's daemon is taken to run while its pid is alive.
std::vector<DatasetStatus> load_dataset_status(SQLite::Database& db, const DaemonState& daemon = {});

}  // namespace rosterd::store::sqlite
