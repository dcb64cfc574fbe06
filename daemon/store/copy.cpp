#include "store/copy.hpp"

#include <fmt/format.h>

#include "store/database.hpp"
#include "store/postgresql/copy_in.hpp"
#include "store/sqlite/copy_out.hpp"
#include "store/store_error.hpp"

namespace rosterd::store {

std::span<const CopiedTable> copied_tables() {
  static const std::vector<CopiedTable> tables{
      {"sync_runs",
       {"id", "source", "dataset", "started_at", "finished_at", "status", "error", "fetched", "added", "updated",
        "removed", "restored", "unchanged", "requests", "bytes", "pid", "filled"}},
      {"dataset_readers", {"source", "dataset", "reader_version"}},
      {"user_versions",
       {"source", "external_id", "version", "valid_from", "valid_to", "run_id", "op", "username", "full_name", "email",
        "phone", "extension", "role", "user_group", "active", "attributes", "portfolios"}},
      {"user_state",
       {"source", "external_id", "version", "removed", "content_hash", "info_hash", "live_attributes"}},
      {"changes",
       {"id", "run_id", "changed_at", "source", "entity", "entity_key", "change", "field", "old_value", "new_value",
        "version"}},
      {"portfolios",
       {"source", "code", "name", "attributes", "content_hash", "first_seen_at", "updated_at", "removed_at"}},
      {"profiles",
       {"source", "profile_id", "name", "attributes", "content_hash", "first_seen_at", "updated_at", "removed_at"}},
      {"campaigns",
       {"source", "campaign_id", "name", "attributes", "content_hash", "first_seen_at", "updated_at", "removed_at"}},
      {"user_portfolios", {"source", "external_id", "portfolio"}},
      {"user_stats",
       {"source", "external_id", "stat_date", "first_activity", "last_activity", "login_seconds",
        "after_call_seconds", "break_seconds", "pause_seconds", "available_seconds", "avg_wait_seconds",
        "talk_seconds", "talk_available_seconds", "total_calls", "denied", "lip", "vrf", "sales", "sla_productivity",
        "updated_at", "run_id"}},
      {"agent_status",
       {"source", "external_id", "status", "pause_reason", "campaign_id", "campaign_name", "call_type", "attributes",
        "since"}},
      {"agent_status_log",
       {"id", "source", "external_id", "status", "pause_reason", "campaign_id", "campaign_name", "started_at",
        "ended_at", "run_id"}},
  };
  return tables;
}

std::vector<CopiedCount> copy_database(const std::string& from, const std::string& to,
                                       const std::function<void(const CopiedCount&)>& progress) {
  if (!is_server_location(to)) {
    throw StoreError(fmt::format("{}: migrate copies into a PostgreSQL database (postgresql://...), not a file", to));
  }
  if (is_server_location(from)) {
    throw StoreError(fmt::format("{}: migrate copies from a SQLite database file", display_location(from)));
  }
  auto target = postgresql::open_copy_target(to, progress);
  sqlite::copy_out(from, copied_tables(), *target);
  return target->commit();
}

}  // namespace rosterd::store
