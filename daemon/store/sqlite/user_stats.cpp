#include "store/sqlite/user_stats.hpp"

#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {
namespace {

// The value columns, in bind order after (source, external_id, stat_date).
constexpr const char* k_value_columns[] = {
    "first_activity",   "last_activity",      "login_seconds", "after_call_seconds",     "break_seconds",
    "pause_seconds",    "available_seconds",  "avg_wait_seconds", "talk_seconds",        "talk_available_seconds",
    "total_calls",      "denied",             "lip",           "vrf",                    "sales",
    "sla_productivity",
};

std::string upsert_sql() {
  std::string columns, values, updates, differs;
  for (const char* column : k_value_columns) {
    const std::string c(column);
    columns += ", " + c;
    values += ", ?";
    updates += ", " + c + " = excluded." + c;
    differs += (differs.empty() ? "" : " OR ") + c + " IS NOT excluded." + c;
  }
  return "INSERT INTO user_stats (source, external_id, stat_date" + columns +
         ", updated_at, run_id) VALUES (?, ?, ?" + values + ", ?, ?) ON CONFLICT (source, external_id, stat_date) "
         "DO UPDATE SET updated_at = excluded.updated_at, run_id = excluded.run_id" + updates + " WHERE " + differs;
}

}  // namespace

UserStatsWriter::UserStatsWriter(SQLite::Database& db, std::string source, std::int64_t run_id, std::string at)
    : m_source(std::move(source)), m_run_id(run_id), m_at(std::move(at)), m_upsert(db, upsert_sql()) {}

bool UserStatsWriter::upsert(const std::string& external_id, const std::string& stat_date,
                             const model::UserStats& s) {
  m_upsert.reset();
  int i = 1;
  m_upsert.bind(i++, m_source);
  m_upsert.bind(i++, external_id);
  m_upsert.bind(i++, stat_date);
  bind_optional(m_upsert, i++, s.first_activity);
  bind_optional(m_upsert, i++, s.last_activity);
  for (auto value : {s.login_seconds, s.after_call_seconds, s.break_seconds, s.pause_seconds, s.available_seconds,
                     s.avg_wait_seconds, s.talk_seconds, s.talk_available_seconds, s.total_calls, s.denied, s.lip,
                     s.vrf, s.sales}) {
    m_upsert.bind(i++, value);
  }
  if (s.sla_productivity) {
    m_upsert.bind(i++, *s.sla_productivity);
  } else {
    m_upsert.bind(i++);
  }
  m_upsert.bind(i++, m_at);
  m_upsert.bind(i, m_run_id);
  return m_upsert.exec() == 1;
}

}  // namespace rosterd::store::sqlite
