#pragma once
// The run log (sync_runs). A run's row is inserted as 'running' in its own small
// transaction; its final status is written in the same transaction as its data,
// so that the two can never disagree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace rosterd::store {

// interrupted: stopped by SIGTERM or SIGINT (a planned stop or restart) and rolled
// back; not a failure. A run whose process died (a crash, kill -9) is failed.
enum class RunStatus { running, ok, failed, refused, partial, interrupted };

std::string_view to_string(RunStatus status) noexcept;
std::optional<RunStatus> parse_run_status(std::string_view text) noexcept;

struct RunCounts {
  std::int64_t fetched = 0;
  std::int64_t added = 0;
  std::int64_t updated = 0;
  std::int64_t removed = 0;
  std::int64_t restored = 0;
  std::int64_t unchanged = 0;
  std::int64_t requests = 0;
  std::int64_t bytes = 0;
  std::int64_t filled = 0;  // users whose record gained data rosterd had never read (not changes)
};

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

// The error of a run whose process ended in the middle of it.
inline constexpr const char* k_abandoned_error =
    "the rosterd process ended during the run (a crash or kill -9); nothing of it was written";

// The latest time the database has recorded: a run's start or end, or a change. A run's
// times are never earlier (README, "Time"), so history stays ordered when the wall clock
// steps back. nullopt for a database without runs.
std::optional<std::string> latest_recorded_time(SQLite::Database& db);

// Updates a running run's counts (fetched, requests, bytes) so that `rosterd status`
// can show how far it got.
void record_progress(SQLite::Database& db, std::int64_t run_id, const RunCounts& counts);

struct RunRecord {
  std::int64_t id = 0;
  std::string source;
  std::string dataset;
  std::string started_at;
  std::optional<std::string> finished_at;
  RunStatus status = RunStatus::running;
  std::optional<std::string> error;
  RunCounts counts;
};

std::optional<RunRecord> load_run(SQLite::Database& db, std::int64_t run_id);

// A run of `source` in progress in another live process (its 'running' row), if any.
struct RunningRun {
  std::int64_t id = 0;
  std::string dataset;
  std::string started_at;
  std::int64_t pid = 0;
};
std::optional<RunningRun> running_run_of(SQLite::Database& db, std::string_view source);

// The reader version of the latest successful listing of (source, dataset); nullopt
// when none was recorded (a new dataset, or a database from before reader versions).
std::optional<int> load_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset);
void save_reader_version(SQLite::Database& db, std::string_view source, std::string_view dataset, int version);
// The latest run of every (source, dataset), ordered by source and dataset.
std::vector<RunRecord> latest_runs(SQLite::Database& db);

}  // namespace rosterd::store
