#pragma once
// agent_status (what each agent is doing now) and agent_status_log (one row per
// state interval, bounded by poll times), from CrocoDial getLiveAgentInfo.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "model/agent.hpp"
#include "store/per_user.hpp"

namespace rosterd::store::sqlite {

// The agents of a source currently reported, by external id.
std::map<std::string, CurrentAgentState> load_agent_states(SQLite::Database& db, std::string_view source);

class AgentStatusWriter {
 public:
  // `at`: the poll's time, which starts and ends intervals.
  AgentStatusWriter(SQLite::Database& db, std::string source, std::int64_t run_id, std::string at);

  // An agent seen for the first time (or again after it stopped being reported).
  void start(const std::string& external_id, const model::AgentState& state);
  // The agent's state differs from its current one: close that interval, open one.
  void change(const std::string& external_id, const model::AgentState& state);
  // The agent is no longer reported: close its interval, forget its current state.
  void stop(const std::string& external_id);

 private:
  void close_interval(const std::string& external_id);
  void open_interval(const std::string& external_id, const model::AgentState& state);

  std::string m_source;
  std::int64_t m_run_id;
  std::string m_at;
  SQLite::Statement m_upsert_current;
  SQLite::Statement m_delete_current;
  SQLite::Statement m_close;
  SQLite::Statement m_open;
};

}  // namespace rosterd::store::sqlite
