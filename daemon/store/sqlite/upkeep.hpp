#pragma once
// store/upkeep.hpp in SQLite: the metrics' figures and the retention deletes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "store/upkeep.hpp"

namespace rosterd::store::sqlite {

std::optional<std::string> last_success(SQLite::Database& db, std::string_view source, std::string_view dataset);
UserTotals user_totals(SQLite::Database& db, std::string_view source);
// The file and its WAL, as they are on disk.
std::int64_t size_bytes(const std::string& path);
PruneStep prune(SQLite::Database& db, RetainedTable table, const std::string& cutoff, std::int64_t limit,
                std::int64_t resume_after);

}  // namespace rosterd::store::sqlite
