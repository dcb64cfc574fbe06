#include "store/upkeep.hpp"

#include <array>

namespace rosterd::store {

std::string_view to_string(RetainedTable table) noexcept {
  switch (table) {
    case RetainedTable::changes: return "changes";
    case RetainedTable::agent_status_log: return "agent_status_log";
    case RetainedTable::user_stats: return "user_stats";
    case RetainedTable::sync_runs: return "sync_runs";
  }
  return "sync_runs";
}

std::optional<RetainedTable> parse_retained_table(std::string_view name) noexcept {
  for (const auto table : {RetainedTable::changes, RetainedTable::agent_status_log, RetainedTable::user_stats,
                           RetainedTable::sync_runs}) {
    if (to_string(table) == name) return table;
  }
  return std::nullopt;
}

}  // namespace rosterd::store
