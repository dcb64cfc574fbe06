// What a run writes besides users: portfolios, profiles and campaigns with their
// changes, the day's user statistics, the agents' states. Small tables: one statement
// per row, in the run's transaction.
#include <fmt/format.h>

#include "model/canonical.hpp"
#include "store/entity_tables.hpp"
#include "store/postgresql/database.hpp"

namespace rosterd::store::postgresql {
namespace {

// The connection and stamp every writer of this file works with, and its errors as StoreError.
class StampedWriter {
 protected:
  StampedWriter(Connection& connection, ChangeStamp stamp) : m_connection(connection), m_stamp(std::move(stamp)) {}

  Result exec(const std::string& sql, const Params& params) {
    return translate_errors(m_connection.display(), [&] { return m_connection.exec(sql, params); });
  }

  Connection& m_connection;
  ChangeStamp m_stamp;
};

class PgEntityWriter final : public store::EntityWriter, StampedWriter {
 public:
  PgEntityWriter(Connection& connection, model::Entity entity, const ChangeStamp& stamp)
      : StampedWriter(connection, stamp),
        m_entity(model::to_string(entity)),
        m_insert(fmt::format("INSERT INTO {} (source, {}, name, attributes, content_hash, first_seen_at, updated_at) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $6)",
                             table_for(entity).table, table_for(entity).key_column)),
        m_update(fmt::format("UPDATE {} SET name = $3, attributes = $4, content_hash = $5, updated_at = $6, "
                             "removed_at = $7 WHERE source = $1 AND {} = $2",
                             table_for(entity).table, table_for(entity).key_column)),
        m_refresh(fmt::format("UPDATE {} SET content_hash = $3 WHERE source = $1 AND {} = $2",
                              table_for(entity).table, table_for(entity).key_column)) {}

  void add(const model::NamedEntity& entity) override {
    exec(m_insert, row(entity));
    record("added", entity.key, std::nullopt, model::snapshot_json(entity));
  }
  void update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields) override {
    exec(m_update, row(entity).null());
    for (const auto& f : fields) record("updated", entity.key, f.old_value, f.new_value, f.field);
  }
  void remove(const model::NamedEntity& last) override {
    exec(m_update, row(last).text(m_stamp.at));
    record("removed", last.key, model::snapshot_json(last), std::nullopt);
  }
  void restore(const model::NamedEntity& entity) override {
    exec(m_update, row(entity).null());
    record("restored", entity.key, std::nullopt, model::snapshot_json(entity));
  }
  void refresh(const model::NamedEntity& entity) override {
    exec(m_refresh, Params().text(m_stamp.source).text(entity.key).number(model::content_hash(entity)));
  }

 private:
  Params row(const model::NamedEntity& entity) const {
    return Params()
        .text(m_stamp.source)
        .text(entity.key)
        .text(entity.name)
        .text(model::attributes_json(entity.attributes))
        .number(model::content_hash(entity))
        .text(m_stamp.at);
  }

  void record(const char* change, const std::string& key, const std::optional<std::string>& old_value,
              const std::optional<std::string>& new_value, const std::optional<std::string>& field = std::nullopt) {
    exec("INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
         Params()
             .number(m_stamp.run_id)
             .text(m_stamp.at)
             .text(m_stamp.source)
             .text(m_entity)
             .text(key)
             .text(change)
             .text(field)
             .text(old_value)
             .text(new_value));
  }

  std::string m_entity;
  std::string m_insert;
  std::string m_update;
  std::string m_refresh;
};

// The value columns of user_stats, in parameter order after (source, external_id, stat_date).
constexpr const char* k_stat_columns[] = {
    "first_activity",   "last_activity",     "login_seconds",    "after_call_seconds", "break_seconds",
    "pause_seconds",    "available_seconds", "avg_wait_seconds", "talk_seconds",       "talk_available_seconds",
    "total_calls",      "denied",            "lip",              "vrf",                "sales",
    "sla_productivity",
};

std::string stats_upsert_sql() {
  std::string columns, values, updates, differs;
  int i = 4;
  for (const char* column : k_stat_columns) {
    const std::string c(column);
    columns += ", " + c;
    values += fmt::format(", ${}", i++);
    updates += ", " + c + " = excluded." + c;
    differs += (differs.empty() ? "" : " OR ") + fmt::format("user_stats.{0} IS DISTINCT FROM excluded.{0}", c);
  }
  return fmt::format(
      "INSERT INTO user_stats (source, external_id, stat_date{}, updated_at, run_id) VALUES ($1, $2, $3{}, ${}, ${}) "
      "ON CONFLICT (source, external_id, stat_date) DO UPDATE SET updated_at = excluded.updated_at, "
      "run_id = excluded.run_id{} WHERE {}",
      columns, values, i, i + 1, updates, differs);
}

class PgUserStatsWriter final : public store::UserStatsWriter, StampedWriter {
 public:
  PgUserStatsWriter(Connection& connection, const ChangeStamp& stamp)
      : StampedWriter(connection, stamp), m_upsert(stats_upsert_sql()) {}

  bool upsert(const std::string& external_id, const std::string& stat_date, const model::UserStats& s) override {
    Params params;
    params.text(m_stamp.source).text(external_id).text(stat_date).text(s.first_activity).text(s.last_activity);
    for (auto value : {s.login_seconds, s.after_call_seconds, s.break_seconds, s.pause_seconds, s.available_seconds,
                       s.avg_wait_seconds, s.talk_seconds, s.talk_available_seconds, s.total_calls, s.denied, s.lip,
                       s.vrf, s.sales}) {
      params.number(value);
    }
    if (s.sla_productivity) {
      params.text(fmt::format("{}", *s.sla_productivity));
    } else {
      params.null();
    }
    params.text(m_stamp.at).number(m_stamp.run_id);
    return exec(m_upsert, params).affected() == 1;
  }

 private:
  std::string m_upsert;
};

class PgAgentStatusWriter final : public store::AgentStatusWriter, StampedWriter {
 public:
  PgAgentStatusWriter(Connection& connection, const ChangeStamp& stamp) : StampedWriter(connection, stamp) {}

  void start(const std::string& external_id, const model::AgentState& state) override {
    close_interval(external_id);  // none open unless the state table was lost: keep one open interval
    open_interval(external_id, state);
  }
  void change(const std::string& external_id, const model::AgentState& state) override {
    close_interval(external_id);
    open_interval(external_id, state);
  }
  void stop(const std::string& external_id) override {
    close_interval(external_id);
    exec("DELETE FROM agent_status WHERE source = $1 AND external_id = $2",
         Params().text(m_stamp.source).text(external_id));
  }

 private:
  void close_interval(const std::string& external_id) {
    exec("UPDATE agent_status_log SET ended_at = $1 WHERE source = $2 AND external_id = $3 AND ended_at IS NULL",
         Params().text(m_stamp.at).text(m_stamp.source).text(external_id));
  }
  void open_interval(const std::string& external_id, const model::AgentState& state) {
    exec("INSERT INTO agent_status_log (source, external_id, status, pause_reason, campaign_id, campaign_name, "
         "started_at, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
         Params()
             .text(m_stamp.source)
             .text(external_id)
             .text(state.status)
             .text(state.pause_reason)
             .text(state.campaign_id)
             .text(state.campaign_name)
             .text(m_stamp.at)
             .number(m_stamp.run_id));
    exec("INSERT INTO agent_status (source, external_id, status, pause_reason, campaign_id, campaign_name, call_type, "
         "attributes, since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
         "ON CONFLICT (source, external_id) DO UPDATE SET status = excluded.status, "
         "pause_reason = excluded.pause_reason, campaign_id = excluded.campaign_id, "
         "campaign_name = excluded.campaign_name, call_type = excluded.call_type, "
         "attributes = excluded.attributes, since = excluded.since",
         Params()
             .text(m_stamp.source)
             .text(external_id)
             .text(state.status)
             .text(state.pause_reason)
             .text(state.campaign_id)
             .text(state.campaign_name)
             .text(state.call_type)
             .text(model::attributes_json(state.attributes))
             .text(m_stamp.at));
  }
};

}  // namespace

std::unique_ptr<store::EntityWriter> Database::entity_writer(model::Entity entity, const ChangeStamp& stamp) {
  note_write(stamp.source);
  return std::make_unique<PgEntityWriter>(m_connection, entity, stamp);
}

std::unique_ptr<store::UserStatsWriter> Database::user_stats_writer(const ChangeStamp& stamp) {
  note_write(stamp.source);
  return std::make_unique<PgUserStatsWriter>(m_connection, stamp);
}

std::unique_ptr<store::AgentStatusWriter> Database::agent_status_writer(const ChangeStamp& stamp) {
  note_write(stamp.source);
  return std::make_unique<PgAgentStatusWriter>(m_connection, stamp);
}

}  // namespace rosterd::store::postgresql
