#include "floor/floor_store.hpp"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

namespace rosterd::bench {
namespace {

constexpr const char* k_schema = R"(
CREATE TABLE IF NOT EXISTS users (
  external_id TEXT PRIMARY KEY,
  username    TEXT,
  full_name   TEXT,
  email       TEXT,
  phone       TEXT,
  extension   TEXT,
  role        TEXT,
  user_group  TEXT,
  active      INTEGER,
  attributes  TEXT NOT NULL
) WITHOUT ROWID)";

constexpr const char* k_upsert = R"(
INSERT INTO users (external_id, username, full_name, email, phone, extension, role, user_group, active, attributes)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (external_id) DO UPDATE SET
  username = excluded.username, full_name = excluded.full_name, email = excluded.email, phone = excluded.phone,
  extension = excluded.extension, role = excluded.role, user_group = excluded.user_group, active = excluded.active,
  attributes = excluded.attributes)";

int length_of(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("text too long");
  return static_cast<int>(text.size());
}

}  // namespace

FloorStore::FloorStore(const std::string& path) {
  check(sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "open");
  exec("PRAGMA page_size = 8192");  // as rosterd creates its databases (no effect on an existing one)
  exec("PRAGMA journal_mode = WAL");
  exec("PRAGMA synchronous = FULL");
  exec(k_schema);
  check(sqlite3_prepare_v3(m_db, k_upsert, -1, SQLITE_PREPARE_PERSISTENT, &m_upsert, nullptr), "prepare");
}

FloorStore::~FloorStore() {
  sqlite3_finalize(m_upsert);
  sqlite3_close(m_db);
}

void FloorStore::begin() {
  exec("BEGIN IMMEDIATE");
}

void FloorStore::upsert(const FloorRow& row) {
  // Texts are bound by length (a vendor value may hold \u0000) and not copied: the
  // statement runs before the page they point into is replaced.
  const auto bind_text = [&](int index, const std::optional<std::string_view>& value) {
    const int code = value ? sqlite3_bind_text(m_upsert, index, value->data(), length_of(*value), SQLITE_STATIC)
                           : sqlite3_bind_null(m_upsert, index);
    check(code, "bind");
  };
  bind_text(1, std::string_view(row.external_id));
  bind_text(2, row.username);
  bind_text(3, row.full_name);
  bind_text(4, row.email);
  bind_text(5, row.phone);
  bind_text(6, row.extension);
  bind_text(7, row.role);
  bind_text(8, row.user_group);
  check(row.active ? sqlite3_bind_int(m_upsert, 9, *row.active ? 1 : 0) : sqlite3_bind_null(m_upsert, 9), "bind");
  bind_text(10, std::string_view(row.attributes));
  if (sqlite3_step(m_upsert) != SQLITE_DONE) check(sqlite3_errcode(m_db), "upsert");
  check(sqlite3_reset(m_upsert), "reset");
}

void FloorStore::commit() {
  exec("COMMIT");
  exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void FloorStore::exec(const char* sql) {
  check(sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr), sql);
}

void FloorStore::check(int code, const char* what) {
  if (code == SQLITE_OK) return;
  throw std::runtime_error(fmt::format("sqlite: {}: {}", what, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(code)));
}

}  // namespace rosterd::bench
