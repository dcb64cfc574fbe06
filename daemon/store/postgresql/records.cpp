// What a run reads of the stored state: the index of every record a source ever
// listed, the listed users, the part hashes, the agents' states, and single records.
#include <climits>

#include <fmt/format.h>

#include "model/json_codec.hpp"
#include "store/entity_tables.hpp"
#include "store/postgresql/database.hpp"

namespace rosterd::store::postgresql {
namespace {

// Streamed with COPY: a million rows never sit in one result (peak memory is the index).
RecordIndex load_index(Connection& c, const std::string& select, std::string_view source) {
  RecordIndex index;
  std::string quoted;
  for (char ch : source) {
    if (ch == '\'') quoted += '\'';
    quoted += ch;
  }
  c.copy_out(fmt::format("COPY ({}) TO STDOUT", fmt::format(fmt::runtime(select), fmt::arg("source", quoted))),
             [&](const std::vector<std::optional<std::string_view>>& row) {
               RecordIndex::Entry entry;
               entry.content_hash = parse_number(*row[1]);
               const auto version = parse_number(*row[2]);
               if (version < 0 || version > INT32_MAX) {
                 throw StoreError(fmt::format("{}: user {} has version {}, beyond what rosterd counts", source,
                                              *row[0], version));
               }
               entry.version = static_cast<std::int32_t>(version);
               entry.removed = *row[3] == "t";
               index.insert(*row[0], entry);
             });
  return index;
}

class PgUserLookup final : public UserLookup {
 public:
  PgUserLookup(Connection& connection, std::string source) : m_connection(connection), m_source(std::move(source)) {}

  std::optional<StoredUser> find(const std::string& external_id) override {
    return translate_errors(m_connection.display(), [&]() -> std::optional<StoredUser> {
      // The open version and user_state: the users view without its first_seen_at join.
      const auto r = m_connection.exec(
          "SELECT v.username, v.full_name, v.email, v.phone, v.extension, v.role, v.user_group, v.active, "
          "v.attributes, v.portfolios, s.live_attributes, s.version, s.removed "
          "FROM user_state AS s JOIN user_versions AS v ON v.source = s.source AND "
          "v.external_id = s.external_id AND v.version = s.version WHERE s.source = $1 AND s.external_id = $2",
          Params().text(m_source).text(external_id));
      if (r.rows() == 0) return std::nullopt;
      StoredUser out;
      out.user = read_user(r, 0, 0, external_id);
      if (!r.is_null(0, k_user_column_count)) {
        for (auto& [key, value] : model::parse_attributes_json(r.view(0, k_user_column_count))) {
          out.user.attributes.insert_or_assign(key, std::move(value));
        }
      }
      out.version = r.number(0, k_user_column_count + 1);
      out.removed = r.boolean(0, k_user_column_count + 2);
      return out;
    });
  }

 private:
  Connection& m_connection;
  std::string m_source;
};

class PgEntityLookup final : public EntityLookup {
 public:
  PgEntityLookup(Connection& connection, model::Entity entity, std::string source)
      : m_connection(connection),
        m_select(fmt::format("SELECT name, attributes FROM {} WHERE source = $1 AND {} = $2", table_for(entity).table,
                             table_for(entity).key_column)),
        m_source(std::move(source)) {}

  std::optional<model::NamedEntity> find(const std::string& key) override {
    return translate_errors(m_connection.display(), [&]() -> std::optional<model::NamedEntity> {
      const auto r = m_connection.exec(m_select, Params().text(m_source).text(key));
      if (r.rows() == 0) return std::nullopt;
      model::NamedEntity out;
      out.key = key;
      out.name = r.optional_text(0, 0);
      out.attributes = model::parse_attributes_json(r.view(0, 1));
      return out;
    });
  }

 private:
  Connection& m_connection;
  std::string m_select;
  std::string m_source;
};

}  // namespace

RecordIndex Database::load_user_index(std::string_view source) {
  return guarded([&](Connection& c) {
    // user_state alone: narrow rows, so the whole index loads fast.
    return load_index(c,
                      "SELECT external_id, content_hash, version, removed FROM user_state WHERE source = '{source}'",
                      source);
  });
}

RecordIndex Database::load_entity_index(model::Entity entity, std::string_view source) {
  const auto t = table_for(entity);
  return guarded([&](Connection& c) {
    return load_index(c,
                      fmt::format("SELECT {}, content_hash, 0, removed_at IS NOT NULL FROM {} WHERE source = "
                                  "'{{source}}'",
                                  t.key_column, t.table),
                      source);
  });
}

std::vector<ListedUser> Database::load_listed_users(std::string_view source) {
  return guarded([&](Connection& c) {
    const auto r = c.exec(
        "SELECT s.external_id, v.username, v.active FROM user_state AS s JOIN user_versions AS v "
        "ON v.source = s.source AND v.external_id = s.external_id AND v.version = s.version "
        "WHERE s.source = $1 AND NOT s.removed ORDER BY s.external_id COLLATE \"C\"",
        Params().text(source));
    std::vector<ListedUser> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.optional_text(i, 1), r.optional_boolean(i, 2)});
    return out;
  });
}

std::unordered_map<std::string, std::optional<std::int64_t>> Database::load_part_hashes(std::string_view source) {
  return guarded([&](Connection& c) {
    const auto r = c.exec("SELECT external_id, info_hash FROM user_state WHERE source = $1 AND NOT removed",
                          Params().text(source));
    std::unordered_map<std::string, std::optional<std::int64_t>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace(r.text(i, 0), r.optional_number(i, 1));
    return out;
  });
}

std::map<std::string, CurrentAgentState> Database::load_agent_states(std::string_view source) {
  return guarded([&](Connection& c) {
    const auto r = c.exec(
        "SELECT external_id, status, pause_reason, campaign_id, campaign_name, call_type, attributes, "
        "rosterd_time(since) FROM agent_status WHERE source = $1",
        Params().text(source));
    std::map<std::string, CurrentAgentState> out;
    for (int i = 0; i < r.rows(); ++i) {
      CurrentAgentState current;
      current.state.status = r.text(i, 1);
      current.state.pause_reason = r.optional_text(i, 2);
      current.state.campaign_id = r.optional_text(i, 3);
      current.state.campaign_name = r.optional_text(i, 4);
      current.state.call_type = r.optional_text(i, 5);
      current.state.attributes = model::parse_attributes_json(r.view(i, 6));
      current.since = r.text(i, 7);
      out.emplace(r.text(i, 0), std::move(current));
    }
    return out;
  });
}

std::unique_ptr<UserLookup> Database::user_lookup(const std::string& source) {
  return std::make_unique<PgUserLookup>(m_connection, source);
}

std::unique_ptr<EntityLookup> Database::entity_lookup(model::Entity entity, const std::string& source) {
  return std::make_unique<PgEntityLookup>(m_connection, entity, source);
}

}  // namespace rosterd::store::postgresql
