#pragma once
// The daemon's published schedule (table `schedule`, migration 0002).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace rosterd::store {

struct ScheduleRow {
  std::string source;
  std::string dataset;
  std::int64_t interval_ms = 0;
  std::optional<std::string> next_due_at;  // NULL while running
  int consecutive_failures = 0;
  std::int64_t pid = 0;
  std::string updated_at;
};

// Replaces the whole table (a daemon starting up owns the schedule).
void replace_schedule(SQLite::Database& db, const std::vector<ScheduleRow>& rows);
void upsert_schedule(SQLite::Database& db, const ScheduleRow& row);
// Removes rows whose source is not in `sources`.
void keep_schedule_of(SQLite::Database& db, const std::vector<std::string>& sources);
std::vector<ScheduleRow> load_schedule(SQLite::Database& db);

// Whether the process that wrote a row still runs.
bool process_alive(std::int64_t pid);

}  // namespace rosterd::store
