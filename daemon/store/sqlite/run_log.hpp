#pragma once
// The run log (sync_runs) in SQLite (store/runs.hpp has its types).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/runs.hpp"

namespace rosterd::store::sqlite {

std::int64_t begin_run(SQLite::Database& db, std::string_view source, std::string_view dataset,
                       const std::string& started_at);

void finish_run(SQLite::Database& db, std::int64_t run_id, RunStatus status, const std::string& finished_at,
                const RunCounts& counts, const std::optional<std::string>& error);

// A whole run's row at once, for a run that failed before it could record its start
// (another program held the database's write lock).
std::int64_t record_failed_run(SQLite::Database& db, std::string_view source, std::string_view dataset,
                               const std::string& started_at, const std::string& finished_at, const std::string& error);

// Marks 'running' rows left by a process that no longer exists (a crash or
// kill -9) as failed with k_abandoned_error. Returns how many.
int fail_abandoned_runs(SQLite::Database& db, const std::string& now);

// The latest time the database has recorded: a run's start or end, or a change.
// nullopt for a database without runs.
std::optional<std::string> latest_recorded_time(SQLite::Database& db);

// Updates a running run's counts (fetched, requests, bytes).
void record_progress(SQLite::Database& db, std::int64_t run_id, const RunCounts& counts);

std::optional<RunRecord> load_run(SQLite::Database& db, std::int64_t run_id);

// A run of `source` in progress in another live process (its 'running' row), if any.
std::optional<RunningRun> running_run_of(SQLite::Database& db, std::string_view source);

std::optional<int> load_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset);
void save_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset, int version);
// The latest run of every (source, dataset), ordered by source and dataset.
std::vector<RunRecord> latest_runs(SQLite::Database& db);

}  // namespace rosterd::store::sqlite
