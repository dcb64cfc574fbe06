#pragma once
// What operating a database asks of it beyond syncing and reporting: the figures the
// metrics read at each scrape (README, "Monitoring"), and the deletes of the
// `retention:` setting (README, "Retention"). Engine-neutral.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rosterd::store {

struct UserTotals {
  std::int64_t listed = 0;   // present at the vendor (removed_at NULL)
  std::int64_t removed = 0;  // removed from the vendor, kept with their history
  std::int64_t active = 0;   // listed and active
};

// The tables `retention:` may thin out, in the order a pass prunes them (those that
// point at runs before sync_runs).
enum class RetainedTable { changes, agent_status_log, user_stats, sync_runs };

std::string_view to_string(RetainedTable table) noexcept;
std::optional<RetainedTable> parse_retained_table(std::string_view name) noexcept;

struct PruneStep {
  std::int64_t deleted = 0;
  std::int64_t resume_after = 0;  // sync_runs: the last id deleted (or the one given)
};

class Upkeep {
 public:
  virtual ~Upkeep() = default;

  // When the latest run of (source, dataset) with status ok ended; nullopt when none did.
  virtual std::optional<std::string> last_success(std::string_view source, std::string_view dataset) = 0;
  virtual UserTotals user_totals(std::string_view source) = 0;
  // The SQLite file with its WAL, or the PostgreSQL database (pg_database_size).
  virtual std::int64_t size_bytes() = 0;

  // Deletes at most `limit` rows of `table` older than `cutoff` (a timestamp), in a
  // transaction of its own, the oldest first. Older means:
  //   changes           changed_at before the cutoff;
  //   agent_status_log  intervals that ended before it (an open one is kept);
  //   user_stats        days before the cutoff's day;
  //   sync_runs         runs that ended before it and that no row of another table names:
  //                     runs that changed nothing (their counts say so) and runs that failed, were refused or interrupted
  //                     (they wrote nothing but their row). The latest finished run and the
  //                     latest ok run of each (source, dataset) are kept whatever their age:
  //                     `rosterd status` and the metrics read them.
  // A pass calls it until fewer than `limit` rows go, each time with the previous step's
  // `resume_after`: runs it kept are not examined again (sync_runs; 0 to start).
  virtual PruneStep prune(RetainedTable table, const std::string& cutoff, std::int64_t limit,
                          std::int64_t resume_after) = 0;
};

}  // namespace rosterd::store
