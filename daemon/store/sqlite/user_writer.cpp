#include <fmt/format.h>

#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sql_values.hpp"
#include "store/store_error.hpp"

namespace rosterd::store::sqlite {
namespace {

std::string placeholders(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

// A user's columns rendered once for every statement of one write.
struct UserWriter::Rendered : RenderedUser {
  using RenderedUser::RenderedUser;
};

UserWriter::UserWriter(SQLite::Database& db, ChangeStamp stamp, model::InfoColumns columns, model::FieldPolicy policy)
    : m_stamp(stamp),
      m_columns(columns),
      m_policy(std::move(policy)),
      m_changes(db, model::Entity::user, stamp),
      m_insert_state(db,
                     "INSERT INTO user_state (source, external_id, version, removed, content_hash, live_attributes) "
                     "VALUES (?, ?, 1, 0, ?, ?)"),
      m_update_state(db,
                     "UPDATE user_state SET version = ?, removed = ?, content_hash = coalesce(?, content_hash), "
                     "live_attributes = ? "
                     "WHERE source = ? AND external_id = ?"),
      m_close_version(db,
                      "UPDATE user_versions SET valid_to = ? "
                      "WHERE source = ? AND external_id = ? AND version = ? AND valid_to IS NULL"),
      m_insert_version(db,
                       fmt::format("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op, "
                                   "{}) VALUES (?, ?, ?, ?, ?, ?, {})",
                                   k_user_columns, placeholders(k_user_column_count))),
      m_delete_portfolios(db, "DELETE FROM user_portfolios WHERE source = ? AND external_id = ?"),
      m_insert_portfolio(db, "INSERT INTO user_portfolios (source, external_id, portfolio) VALUES (?, ?, ?)"),
      m_open_attributes(
          db, "SELECT attributes FROM user_versions WHERE source = ? AND external_id = ? AND valid_to IS NULL"),
      m_refresh(db, "UPDATE user_state SET content_hash = ?, live_attributes = ? WHERE source = ? AND external_id = ?"),
      m_set_info_hash(db, "UPDATE user_state SET info_hash = ? WHERE source = ? AND external_id = ?") {}

void UserWriter::write_version(const UserColumns& columns, std::int64_t version, const char* op) {
  m_insert_version.reset();
  bind_view(m_insert_version, 1, m_stamp.source);
  bind_view(m_insert_version, 2, columns.user.external_id);
  m_insert_version.bind(3, version);
  bind_view(m_insert_version, 4, m_stamp.at);
  m_insert_version.bind(5, m_stamp.run_id);
  bind_view(m_insert_version, 6, op);
  bind_user_columns(m_insert_version, 7, columns);
  m_insert_version.exec();
}

void UserWriter::close_version(const std::string& external_id, std::int64_t version) {
  m_close_version.reset();
  bind_view(m_close_version, 1, m_stamp.at);
  bind_view(m_close_version, 2, m_stamp.source);
  bind_view(m_close_version, 3, external_id);
  m_close_version.bind(4, version);
  if (m_close_version.exec() != 1) {
    throw StoreError(fmt::format("{}: user {} has no open version {} to close", m_stamp.source, external_id, version));
  }
}

void UserWriter::write_portfolios(const model::User& user, bool replace) {
  if (replace) {
    m_delete_portfolios.reset();
    bind_view(m_delete_portfolios, 1, m_stamp.source);
    bind_view(m_delete_portfolios, 2, user.external_id);
    m_delete_portfolios.exec();
  }
  if (!user.portfolios) return;
  for (const auto& code : *user.portfolios) {
    m_insert_portfolio.reset();
    bind_view(m_insert_portfolio, 1, m_stamp.source);
    bind_view(m_insert_portfolio, 2, user.external_id);
    bind_view(m_insert_portfolio, 3, code);
    m_insert_portfolio.exec();
  }
}

// The next version of a known user: user_state moved to it, the open version closed,
// the new one written.
void UserWriter::next_version(const Rendered& rendered, std::int64_t prior_version, std::optional<std::int64_t> hash,
                              const char* op) {
  const auto& user = rendered.current.user;
  m_update_state.reset();
  m_update_state.bind(1, prior_version + 1);
  m_update_state.bind(2, std::string_view(op) == "removed" ? 1 : 0);
  if (hash) {
    m_update_state.bind(3, *hash);
  } else {
    m_update_state.bind(3);
  }
  bind_optional_view(m_update_state, 4, rendered.live_attributes);
  bind_view(m_update_state, 5, m_stamp.source);
  bind_view(m_update_state, 6, user.external_id);
  if (m_update_state.exec() != 1) {
    throw StoreError(fmt::format("{}: user {} vanished during the run", m_stamp.source, user.external_id));
  }
  close_version(user.external_id, prior_version);
  write_version(rendered.history(), prior_version + 1, op);
}

// The stored content hash covers the whole record, volatile fields included, so that
// an unchanged listing costs one hash comparison per record.
std::int64_t UserWriter::hash_of(const Rendered& rendered) const {
  if (rendered.history_is_current()) {
    return model::listing_hash(rendered.current.user, m_columns, rendered.current.snapshot());
  }
  return model::listing_hash(rendered.current.user, m_columns);
}

void UserWriter::add(const model::User& user, std::optional<std::int64_t> hash) {
  const Rendered rendered(user, m_policy);
  m_insert_state.reset();
  bind_view(m_insert_state, 1, m_stamp.source);
  bind_view(m_insert_state, 2, user.external_id);
  m_insert_state.bind(3, hash ? *hash : hash_of(rendered));
  bind_optional_view(m_insert_state, 4, rendered.live_attributes);
  m_insert_state.exec();
  write_version(rendered.history(), 1, "added");
  write_portfolios(user, false);
  m_changes.record("added", user.external_id, 1);
}

void UserWriter::update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                        std::span<const model::FieldChange> filled, std::optional<std::int64_t> hash) {
  const Rendered rendered(user, m_policy);
  const std::int64_t version = prior_version + 1;
  next_version(rendered, prior_version, hash, fields.empty() ? "filled" : "updated");
  for (const auto* list : {&fields, &filled}) {
    for (const auto& f : *list) {
      if (f.field == "portfolios") write_portfolios(user, true);
    }
  }
  m_changes.fields("updated", user.external_id, fields, version);
  if (!filled.empty()) {
    m_changes.record("filled", user.external_id, version,
                     model::filled_json(std::vector<model::FieldChange>(filled.begin(), filled.end())));
  }
}

void UserWriter::remove(const model::User& last, std::int64_t prior_version) {
  const Rendered rendered(last, m_policy);
  // Not listed: its content hash stays; a removed user is compared in full when listed again.
  next_version(rendered, prior_version, std::nullopt, "removed");
  m_changes.record("removed", last.external_id, prior_version + 1);
}

void UserWriter::restore(const model::User& user, std::int64_t prior_version, std::optional<std::int64_t> hash) {
  const Rendered rendered(user, m_policy);
  next_version(rendered, prior_version, hash ? *hash : hash_of(rendered), "restored");
  write_portfolios(user, true);
  m_changes.record("restored", user.external_id, prior_version + 1);
}

// The record's history is as stored: only user_state changes. Its live attributes are
// those the open version does not hold, whatever the volatile fields are today (a field
// made volatile since stays as its version has it until the next version).
void UserWriter::refresh(const model::User& user, std::optional<std::int64_t> hash) {
  m_open_attributes.reset();
  bind_view(m_open_attributes, 1, m_stamp.source);
  bind_view(m_open_attributes, 2, user.external_id);
  if (!m_open_attributes.executeStep()) {
    throw StoreError(fmt::format("{}: user {} has no open version", m_stamp.source, user.external_id));
  }
  const auto in_version = model::parse_attributes_json(m_open_attributes.getColumn(0).getString());
  model::Attributes live;
  for (const auto& [key, value] : user.attributes) {
    if (!in_version.contains(key)) live.emplace(key, value);
  }
  m_refresh.reset();
  m_refresh.bind(1, hash ? *hash : model::listing_hash(user, m_columns));
  if (live.empty()) {
    m_refresh.bind(2);
  } else {
    m_refresh.bind(2, model::attributes_json(live));
  }
  bind_view(m_refresh, 3, m_stamp.source);
  bind_view(m_refresh, 4, user.external_id);
  m_refresh.exec();
}

// The listing's content hash stays: what the vendor listed did not change.
void UserWriter::enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                        std::span<const model::FieldChange> filled, std::int64_t info_hash) {
  update(user, prior_version, fields, filled, std::nullopt);
  set_info_hash(user.external_id, info_hash);
}

void UserWriter::set_info_hash(const std::string& external_id, std::int64_t info_hash) {
  m_set_info_hash.reset();
  m_set_info_hash.bind(1, info_hash);
  bind_view(m_set_info_hash, 2, m_stamp.source);
  bind_view(m_set_info_hash, 3, external_id);
  m_set_info_hash.exec();
}

}  // namespace rosterd::store::sqlite
