#include "store/sqlite/records.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {

ChangeLogWriter::ChangeLogWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp)
    : m_entity(model::to_string(entity)),
      m_stamp(std::move(stamp)),
      m_insert(db,
               "INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, field, old_value, "
               "new_value, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

void ChangeLogWriter::bind_row(const char* change, const std::string& key, std::optional<std::int64_t> version) {
  m_insert.reset();
  m_insert.bind(1, m_stamp.run_id);
  bind_view(m_insert, 2, m_stamp.at);
  bind_view(m_insert, 3, m_stamp.source);
  bind_view(m_insert, 4, m_entity);
  bind_view(m_insert, 5, key);
  bind_view(m_insert, 6, change);
  if (version) {
    m_insert.bind(10, *version);
  } else {
    m_insert.bind(10);
  }
}

void ChangeLogWriter::record(const char* change, const std::string& key, const std::optional<std::string>& old_value,
                             const std::optional<std::string>& new_value) {
  bind_row(change, key, std::nullopt);
  m_insert.bind(7);
  bind_optional_view(m_insert, 8, old_value);
  bind_optional_view(m_insert, 9, new_value);
  m_insert.exec();
}

void ChangeLogWriter::record(const char* change, const std::string& key, std::int64_t version,
                             const std::optional<std::string>& new_value) {
  bind_row(change, key, version);
  m_insert.bind(7);
  m_insert.bind(8);
  bind_optional_view(m_insert, 9, new_value);
  m_insert.exec();
}

void ChangeLogWriter::fields(const char* change, const std::string& key, std::span<const model::FieldChange> fields,
                             std::optional<std::int64_t> version) {
  for (const auto& f : fields) {
    bind_row(change, key, version);
    bind_view(m_insert, 7, f.field);
    bind_optional_view(m_insert, 8, f.old_value);
    bind_optional_view(m_insert, 9, f.new_value);
    m_insert.exec();
  }
}

}  // namespace rosterd::store::sqlite
