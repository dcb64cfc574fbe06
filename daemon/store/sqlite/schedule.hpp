#pragma once
// The daemon's published schedule (table `schedule`, migration 0002).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/status.hpp"

namespace rosterd::store::sqlite {

// Replaces the whole table (a daemon starting up owns the schedule).
void replace_schedule(SQLite::Database& db, const std::vector<ScheduleRow>& rows);
void upsert_schedule(SQLite::Database& db, const ScheduleRow& row);
// Removes rows whose source is not in `sources`.
void keep_schedule_of(SQLite::Database& db, const std::vector<std::string>& sources);
std::vector<ScheduleRow> load_schedule(SQLite::Database& db);


}  // namespace rosterd::store::sqlite
