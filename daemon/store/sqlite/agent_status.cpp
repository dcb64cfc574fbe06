#include "store/sqlite/agent_status.hpp"

#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {
std::map<std::string, CurrentAgentState> load_agent_states(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(db,
                           "SELECT external_id, status, pause_reason, campaign_id, campaign_name, call_type, attributes, "
                           "since FROM agent_status WHERE source = ?");
  select.bind(1, std::string(source));
  std::map<std::string, CurrentAgentState> out;
  while (select.executeStep()) {
    CurrentAgentState current;
    current.state.status = select.getColumn(1).getString();
    current.state.pause_reason = optional_text(select.getColumn(2));
    current.state.campaign_id = optional_text(select.getColumn(3));
    current.state.campaign_name = optional_text(select.getColumn(4));
    current.state.call_type = optional_text(select.getColumn(5));
    current.state.attributes = model::parse_attributes_json(select.getColumn(6).getString());
    current.since = select.getColumn(7).getString();
    out.emplace(select.getColumn(0).getString(), std::move(current));
  }
  return out;
}

AgentStatusWriter::AgentStatusWriter(SQLite::Database& db, std::string source, std::int64_t run_id, std::string at)
    : m_source(std::move(source)),
      m_run_id(run_id),
      m_at(std::move(at)),
      m_upsert_current(db,
                       "INSERT INTO agent_status (source, external_id, status, pause_reason, campaign_id, "
                       "campaign_name, call_type, attributes, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (source, external_id) DO UPDATE SET status = excluded.status, "
                       "pause_reason = excluded.pause_reason, campaign_id = excluded.campaign_id, "
                       "campaign_name = excluded.campaign_name, call_type = excluded.call_type, "
                       "attributes = excluded.attributes, since = excluded.since"),
      m_delete_current(db, "DELETE FROM agent_status WHERE source = ? AND external_id = ?"),
      m_close(db, "UPDATE agent_status_log SET ended_at = ? WHERE source = ? AND external_id = ? AND ended_at IS NULL"),
      m_open(db,
             "INSERT INTO agent_status_log (source, external_id, status, pause_reason, campaign_id, campaign_name, "
             "started_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") {}

void AgentStatusWriter::close_interval(const std::string& external_id) {
  m_close.reset();
  m_close.bind(1, m_at);
  m_close.bind(2, m_source);
  m_close.bind(3, external_id);
  m_close.exec();
}

void AgentStatusWriter::open_interval(const std::string& external_id, const model::AgentState& state) {
  m_open.reset();
  m_open.bind(1, m_source);
  m_open.bind(2, external_id);
  m_open.bind(3, state.status);
  bind_optional(m_open, 4, state.pause_reason);
  bind_optional(m_open, 5, state.campaign_id);
  bind_optional(m_open, 6, state.campaign_name);
  m_open.bind(7, m_at);
  m_open.bind(8, m_run_id);
  m_open.exec();

  m_upsert_current.reset();
  m_upsert_current.bind(1, m_source);
  m_upsert_current.bind(2, external_id);
  m_upsert_current.bind(3, state.status);
  bind_optional(m_upsert_current, 4, state.pause_reason);
  bind_optional(m_upsert_current, 5, state.campaign_id);
  bind_optional(m_upsert_current, 6, state.campaign_name);
  bind_optional(m_upsert_current, 7, state.call_type);
  m_upsert_current.bind(8, model::attributes_json(state.attributes));
  m_upsert_current.bind(9, m_at);
  m_upsert_current.exec();
}

void AgentStatusWriter::start(const std::string& external_id, const model::AgentState& state) {
  close_interval(external_id);  // none open unless the state table was lost: keep one open interval
  open_interval(external_id, state);
}

void AgentStatusWriter::change(const std::string& external_id, const model::AgentState& state) {
  close_interval(external_id);
  open_interval(external_id, state);
}

void AgentStatusWriter::stop(const std::string& external_id) {
  close_interval(external_id);
  m_delete_current.reset();
  m_delete_current.bind(1, m_source);
  m_delete_current.bind(2, external_id);
  m_delete_current.exec();
}

}  // namespace rosterd::store::sqlite
