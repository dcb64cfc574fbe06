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

enum class RunStatus { running, ok, failed, refused, partial };

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
};

std::int64_t begin_run(SQLite::Database& db, std::string_view source, std::string_view dataset,
                       const std::string& started_at);

void finish_run(SQLite::Database& db, std::int64_t run_id, RunStatus status, const std::string& finished_at,
                const RunCounts& counts, const std::optional<std::string>& error);

// Marks 'running' rows left by a process that no longer exists (a crash or
// kill -9) as failed. Returns how many.
int fail_abandoned_runs(SQLite::Database& db, const std::string& now);

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
// The latest run of every (source, dataset), ordered by source and dataset.
std::vector<RunRecord> latest_runs(SQLite::Database& db);

}  // namespace rosterd::store
