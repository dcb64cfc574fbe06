#include <fmt/format.h>

#include "model/canonical.hpp"
#include "store/entity_tables.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {

EntityWriter::EntityWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp)
    : m_stamp(stamp),
      m_changes(db, entity, stamp),
      m_insert(db, fmt::format("INSERT INTO {} (source, {}, name, attributes, content_hash, first_seen_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               table_for(entity).table, table_for(entity).key_column)),
      m_update(db,
               fmt::format("UPDATE {} SET name = ?, attributes = ?, content_hash = ?, updated_at = ?, removed_at = ? "
                           "WHERE source = ? AND {} = ?",
                           table_for(entity).table, table_for(entity).key_column)),
      m_refresh(db, fmt::format("UPDATE {} SET content_hash = ? WHERE source = ? AND {} = ?", table_for(entity).table,
                                table_for(entity).key_column)) {}

void EntityWriter::update_row(const model::NamedEntity& entity, bool removed) {
  m_update.reset();
  bind_optional(m_update, 1, entity.name);
  m_update.bind(2, model::attributes_json(entity.attributes));
  m_update.bind(3, model::content_hash(entity));
  m_update.bind(4, m_stamp.at);
  if (removed) {
    m_update.bind(5, m_stamp.at);
  } else {
    m_update.bind(5);
  }
  m_update.bind(6, m_stamp.source);
  m_update.bind(7, entity.key);
  m_update.exec();
}

void EntityWriter::add(const model::NamedEntity& entity) {
  m_insert.reset();
  m_insert.bind(1, m_stamp.source);
  m_insert.bind(2, entity.key);
  bind_optional(m_insert, 3, entity.name);
  m_insert.bind(4, model::attributes_json(entity.attributes));
  m_insert.bind(5, model::content_hash(entity));
  m_insert.bind(6, m_stamp.at);
  m_insert.bind(7, m_stamp.at);
  m_insert.exec();
  m_changes.record("added", entity.key, std::nullopt, model::snapshot_json(entity));
}

void EntityWriter::update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields) {
  update_row(entity, false);
  m_changes.fields("updated", entity.key, fields);
}

void EntityWriter::remove(const model::NamedEntity& last) {
  update_row(last, true);
  m_changes.record("removed", last.key, model::snapshot_json(last), std::nullopt);
}

void EntityWriter::restore(const model::NamedEntity& entity) {
  update_row(entity, false);
  m_changes.record("restored", entity.key, std::nullopt, model::snapshot_json(entity));
}

void EntityWriter::refresh(const model::NamedEntity& entity) {
  m_refresh.reset();
  m_refresh.bind(1, model::content_hash(entity));
  m_refresh.bind(2, m_stamp.source);
  m_refresh.bind(3, entity.key);
  m_refresh.exec();
}

}  // namespace rosterd::store::sqlite
