#pragma once
// The run log (sync_runs) in engine-neutral terms. A run's row is inserted as
// 'running' in its own small transaction; its final status is written in the same
// transaction as its data, so that the two can never disagree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// The error of a run whose process ended in the middle of it.
inline constexpr const char* k_abandoned_error =
    "the rosterd process ended during the run (a crash or kill -9); nothing of it was written";

// The same, on a database several instances share (PostgreSQL), where it is told by the
// instance's claims running out rather than by its process.
inline constexpr const char* k_abandoned_instance_error =
    "the rosterd instance running it stopped renewing its claims (it died, froze or lost the database) and another "
    "took the source over; nothing of the run was written";

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

// A run of a source in progress in another live process (its 'running' row).
struct RunningRun {
  std::int64_t id = 0;
  std::string dataset;
  std::string started_at;
  std::int64_t pid = 0;
};

}  // namespace rosterd::store
