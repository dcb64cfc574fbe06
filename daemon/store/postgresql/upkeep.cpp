// store/upkeep.hpp on PostgreSQL: the metrics' figures and the retention deletes.
#include <algorithm>

#include <fmt/format.h>

#include "store/postgresql/database.hpp"

namespace rosterd::store::postgresql {
namespace {

// As the SQLite statements (store/sqlite/upkeep.cpp): at most $2 rows older than $1, the
// oldest first. SKIP LOCKED: instances pruning at the same moment share the work rather
// than wait on each other's rows.
std::string_view prune_sql(RetainedTable table) {
  switch (table) {
    case RetainedTable::changes:
      return "DELETE FROM changes WHERE id IN (SELECT id FROM changes WHERE changed_at < $1::timestamptz "
             "ORDER BY changed_at LIMIT $2 FOR UPDATE SKIP LOCKED)";
    case RetainedTable::agent_status_log:
      return "DELETE FROM agent_status_log WHERE id IN (SELECT id FROM agent_status_log "
             "WHERE ended_at < $1::timestamptz ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)";
    case RetainedTable::user_stats:
      return "DELETE FROM user_stats WHERE ctid IN (SELECT ctid FROM user_stats "
             "WHERE stat_date < ($1::timestamptz AT TIME ZONE 'UTC')::date LIMIT $2 FOR UPDATE SKIP LOCKED)";
    case RetainedTable::sync_runs:
      return "DELETE FROM sync_runs WHERE id IN ("
             " SELECT r.id FROM sync_runs AS r"
             " WHERE r.id > $3 AND r.finished_at < $1::timestamptz AND r.status <> 'running'"
             "  AND (r.status IN ('failed', 'refused', 'interrupted')"
             "       OR r.added + r.updated + r.removed + r.restored + r.filled = 0)"
             "  AND EXISTS (SELECT 1 FROM sync_runs AS l WHERE l.source = r.source AND l.dataset = r.dataset"
             "              AND l.id > r.id AND l.status <> 'running')"
             "  AND (r.status <> 'ok' OR EXISTS (SELECT 1 FROM sync_runs AS o WHERE o.source = r.source"
             "       AND o.dataset = r.dataset AND o.id > r.id AND o.status = 'ok'))"
             " ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED) RETURNING id";
  }
  return {};
}

}  // namespace

std::optional<std::string> Database::last_success(std::string_view source, std::string_view dataset) {
  return guarded([&](Connection& c) -> std::optional<std::string> {
    const auto r = c.exec(
        "SELECT rosterd_time(finished_at) FROM sync_runs WHERE source = $1 AND dataset = $2 AND status = 'ok' "
        "ORDER BY id DESC LIMIT 1",
        Params().text(source).text(dataset));
    if (r.rows() == 0) return std::nullopt;
    return r.optional_text(0, 0);
  });
}

UserTotals Database::user_totals(std::string_view source) {
  return guarded([&](Connection& c) {
    const auto r = c.exec(
        "SELECT count(*) FILTER (WHERE removed_at IS NULL), count(*) FILTER (WHERE removed_at IS NOT NULL), "
        "count(*) FILTER (WHERE removed_at IS NULL AND active) FROM users WHERE source = $1",
        Params().text(source));
    return UserTotals{r.number(0, 0), r.number(0, 1), r.number(0, 2)};
  });
}

std::int64_t Database::size_bytes() {
  return guarded([](Connection& c) { return c.exec("SELECT pg_database_size(current_database())").number(0, 0); });
}

PruneStep Database::prune(RetainedTable table, const std::string& cutoff, std::int64_t limit,
                          std::int64_t resume_after) {
  return guarded([&](Connection& c) {
    if (table != RetainedTable::sync_runs) {
      return PruneStep{c.exec(prune_sql(table), Params().text(cutoff).number(limit)).affected(), resume_after};
    }
    const auto r = c.exec(prune_sql(table), Params().text(cutoff).number(limit).number(resume_after));
    PruneStep step{r.rows(), resume_after};
    for (int i = 0; i < r.rows(); ++i) step.resume_after = std::max(step.resume_after, r.number(i, 0));
    return step;
  });
}

}  // namespace rosterd::store::postgresql
