#pragma once
// user_stats: one row per (source, user, day) from CrocoDial getUserInfo.

#include <cstdint>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "model/agent.hpp"
#include "store/per_user.hpp"

namespace rosterd::store::sqlite {

class UserStatsWriter {
 public:
  UserStatsWriter(SQLite::Database& db, std::string source, std::int64_t run_id, std::string at);
  // Inserts or updates the day's row; an identical row is not written. Returns
  // whether it wrote.
  bool upsert(const std::string& external_id, const std::string& stat_date, const model::UserStats& stats);

 private:
  std::string m_source;
  std::int64_t m_run_id;
  std::string m_at;
  SQLite::Statement m_upsert;
};

}  // namespace rosterd::store::sqlite
