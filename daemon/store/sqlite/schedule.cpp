#include "store/sqlite/schedule.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace rosterd::store::sqlite {

void upsert_schedule(SQLite::Database& db, const ScheduleRow& row) {
  SQLite::Statement upsert(db,
                           "INSERT INTO schedule (source, dataset, interval_ms, next_due_at, consecutive_failures, pid, "
                           "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, dataset) DO UPDATE SET "
                           "interval_ms = excluded.interval_ms, next_due_at = excluded.next_due_at, "
                           "consecutive_failures = excluded.consecutive_failures, pid = excluded.pid, "
                           "updated_at = excluded.updated_at");
  upsert.bind(1, row.source);
  upsert.bind(2, row.dataset);
  upsert.bind(3, row.interval_ms);
  if (row.next_due_at) {
    upsert.bind(4, *row.next_due_at);
  } else {
    upsert.bind(4);
  }
  upsert.bind(5, row.consecutive_failures);
  upsert.bind(6, row.pid);
  upsert.bind(7, row.updated_at);
  upsert.exec();
}

void replace_schedule(SQLite::Database& db, const std::vector<ScheduleRow>& rows) {
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("DELETE FROM schedule");
  for (const auto& row : rows) upsert_schedule(db, row);
  transaction.commit();
}

void keep_schedule_of(SQLite::Database& db, const std::vector<std::string>& sources) {
  std::vector<std::string> gone;
  {
    SQLite::Statement select(db, "SELECT DISTINCT source FROM schedule");
    while (select.executeStep()) {
      auto source = select.getColumn(0).getString();
      if (std::find(sources.begin(), sources.end(), source) == sources.end()) gone.push_back(std::move(source));
    }
  }
  SQLite::Statement remove(db, "DELETE FROM schedule WHERE source = ?");
  for (const auto& source : gone) {
    remove.bind(1, source);
    remove.exec();
    remove.reset();
  }
}

std::vector<ScheduleRow> load_schedule(SQLite::Database& db) {
  SQLite::Statement select(db,
                           "SELECT source, dataset, interval_ms, next_due_at, consecutive_failures, pid, updated_at "
                           "FROM schedule ORDER BY source, dataset");
  std::vector<ScheduleRow> out;
  while (select.executeStep()) {
    ScheduleRow row;
    row.source = select.getColumn(0).getString();
    row.dataset = select.getColumn(1).getString();
    row.interval_ms = select.getColumn(2).getInt64();
    if (!select.getColumn(3).isNull()) row.next_due_at = select.getColumn(3).getString();
    row.consecutive_failures = select.getColumn(4).getInt();
    row.pid = select.getColumn(5).getInt64();
    row.updated_at = select.getColumn(6).getString();
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace rosterd::store::sqlite
