#include "store/sqlite/upkeep.hpp"

#include <algorithm>
#include <filesystem>

#include <SQLiteCpp/Statement.h>

namespace rosterd::store::sqlite {
namespace {

// Each statement deletes at most ?2 rows older than ?1 (store/upkeep.hpp says what older
// means), the oldest first, so that a pass cut short resumes where it stopped.
std::string_view prune_sql(RetainedTable table) {
  switch (table) {
    case RetainedTable::changes:
      return "DELETE FROM changes WHERE id IN "
             "(SELECT id FROM changes WHERE changed_at < ?1 ORDER BY changed_at LIMIT ?2)";
    case RetainedTable::agent_status_log:
      return "DELETE FROM agent_status_log WHERE id IN "
             "(SELECT id FROM agent_status_log WHERE ended_at < ?1 ORDER BY id LIMIT ?2)";
    case RetainedTable::user_stats:
      return "DELETE FROM user_stats WHERE (source, external_id, stat_date) IN "
             "(SELECT source, external_id, stat_date FROM user_stats WHERE stat_date < substr(?1, 1, 10) LIMIT ?2)";
    case RetainedTable::sync_runs:
      // By id from where the last batch stopped (?3): the runs kept stay behind. Whether a
      // later run (a later ok run) of the dataset exists is an index seek on (source,
      // dataset, id) that the next rows answer. A run that wrote rows counted them; should
      // one not have, the foreign keys of the tables naming it refuse the delete.
      return "DELETE FROM sync_runs WHERE id IN ("
             " SELECT r.id FROM sync_runs AS r"
             " WHERE r.id > ?3 AND r.finished_at < ?1 AND r.status <> 'running'"
             "  AND (r.status IN ('failed', 'refused', 'interrupted')"
             "       OR r.added + r.updated + r.removed + r.restored + r.filled = 0)"
             "  AND EXISTS (SELECT 1 FROM sync_runs AS l WHERE l.source = r.source AND l.dataset = r.dataset"
             "              AND l.id > r.id AND l.status <> 'running')"
             "  AND (r.status <> 'ok' OR EXISTS (SELECT 1 FROM sync_runs AS o WHERE o.source = r.source"
             "       AND o.dataset = r.dataset AND o.id > r.id AND o.status = 'ok'))"
             " ORDER BY r.id LIMIT ?2) RETURNING id";
  }
  return {};
}

}  // namespace

std::optional<std::string> last_success(SQLite::Database& db, std::string_view source, std::string_view dataset) {
  SQLite::Statement select(db,
                           "SELECT finished_at FROM sync_runs WHERE source = ? AND dataset = ? AND status = 'ok'"
                           " ORDER BY id DESC LIMIT 1");
  select.bind(1, std::string(source));
  select.bind(2, std::string(dataset));
  if (!select.executeStep() || select.getColumn(0).isNull()) return std::nullopt;
  return select.getColumn(0).getString();
}

UserTotals user_totals(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(db,
                           "SELECT coalesce(sum(removed_at IS NULL), 0), coalesce(sum(removed_at IS NOT NULL), 0),"
                           " coalesce(sum(removed_at IS NULL AND active = 1), 0) FROM users WHERE source = ?");
  select.bind(1, std::string(source));
  select.executeStep();
  return {select.getColumn(0).getInt64(), select.getColumn(1).getInt64(), select.getColumn(2).getInt64()};
}

std::int64_t size_bytes(const std::string& path) {
  std::int64_t total = 0;
  for (const auto& file : {path, path + "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (!error) total += static_cast<std::int64_t>(size);
  }
  return total;
}

PruneStep prune(SQLite::Database& db, RetainedTable table, const std::string& cutoff, std::int64_t limit,
                std::int64_t resume_after) {
  SQLite::Statement remove(db, std::string(prune_sql(table)));
  remove.bind(1, cutoff);
  remove.bind(2, limit);
  if (table != RetainedTable::sync_runs) return {remove.exec(), resume_after};
  remove.bind(3, resume_after);
  PruneStep step{0, resume_after};
  while (remove.executeStep()) {
    ++step.deleted;
    step.resume_after = std::max(step.resume_after, remove.getColumn(0).getInt64());
  }
  return step;
}

}  // namespace rosterd::store::sqlite
