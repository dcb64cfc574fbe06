// Migration 6 (schema/0006_lean_history.sql): a database of schema 5 converted in place.
// Every user reads back exactly as before through the `users` view, whole-record rows
// of `changes` name their version and show their snapshot through `user_changes`, and a
// migration that cannot convert a row leaves the database at schema 5, untouched.

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../temp_db.hpp"
#include "model/json_codec.hpp"
#include "schema_support.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store_error.hpp"

namespace rosterd::store::sqlite {
namespace {

// Three users in schema 5: one updated with a volatile attribute (in `users` only), one
// removed, one whose volatile attribute is null; a portfolio; the changes of each.
constexpr const char* k_schema5_rows = R"(
  INSERT INTO sync_runs (id, source, dataset, started_at, finished_at, status)
    VALUES (7, 'a', 'users', 't0', 't0', 'ok'), (8, 'a', 'users', 't1', 't1', 'ok'), (9, 'a', 'users', 't2', 't2', 'ok');
  INSERT INTO users (source, external_id, username, email, active, attributes, portfolios, version, content_hash,
                     info_hash, first_seen_at, updated_at, removed_at)
    VALUES ('a', '1', 'ann', 'ann@y.com', 1, '{"dialer":1,"last_seen":"x"}', '["AMI"]', 2, 42, 5, 't0', 't1', NULL),
           ('a', '2', 'bob', NULL, 0, '{}', NULL, 2, 43, NULL, 't0', 't2', 't2'),
           ('b', '1', 'cy', NULL, NULL, '{"is_online":null,"x":true}', NULL, 1, 44, NULL, 't0', 't0', NULL);
  INSERT INTO user_versions (source, external_id, version, valid_from, valid_to, run_id, op, username, email, active,
                             attributes, portfolios)
    VALUES ('a', '1', 1, 't0', 't1', 7, 'added', 'ann', 'ann@x.com', 1, '{"dialer":1}', '["AMI"]'),
           ('a', '1', 2, 't1', NULL, 8, 'updated', 'ann', 'ann@y.com', 1, '{"dialer":1}', '["AMI"]'),
           ('a', '2', 1, 't0', 't2', 7, 'added', 'bob', NULL, 0, '{}', NULL),
           ('a', '2', 2, 't2', NULL, 9, 'removed', 'bob', NULL, 0, '{}', NULL),
           ('b', '1', 1, 't0', NULL, 7, 'added', 'cy', NULL, NULL, '{"x":true}', NULL);
  INSERT INTO changes (id, run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value)
    VALUES (40, 7, 't0', 'a', 'user', '1', 'added', NULL, NULL, '{"username":"ann"}'),
           (41, 7, 't0', 'a', 'user', '2', 'added', NULL, NULL, '{"username":"bob"}'),
           (42, 7, 't0', 'b', 'user', '1', 'added', NULL, NULL, '{"username":"cy"}'),
           (43, 7, 't0', 'a', 'portfolio', 'AMI', 'added', NULL, NULL, '{"name":"Alpha","attributes":{}}'),
           (44, 8, 't1', 'a', 'user', '1', 'updated', 'email', 'ann@x.com', 'ann@y.com'),
           (45, 9, 't2', 'a', 'user', '2', 'removed', NULL, '{"username":"bob"}', NULL);
)";

constexpr const char* k_user_columns_read =
    "SELECT source, external_id, coalesce(username, '-'), coalesce(email, '-'), coalesce(active, '-'), "
    "coalesce(portfolios, '-'), version, content_hash, coalesce(info_hash, '-'), first_seen_at, updated_at, "
    "coalesce(removed_at, '-'), attributes FROM users ORDER BY source, external_id";

struct UserRow {
  std::vector<std::string> columns;
  model::Attributes attributes;  // compared as key -> value: the order of keys is not the contract
  bool operator==(const UserRow&) const = default;
};

std::vector<UserRow> read_users(SQLite::Database& db) {
  SQLite::Statement select(db, k_user_columns_read);
  std::vector<UserRow> out;
  while (select.executeStep()) {
    UserRow row;
    for (int i = 0; i < 12; ++i) row.columns.push_back(select.getColumn(i).getString());
    row.attributes = model::parse_attributes_json(select.getColumn(12).getString());
    out.push_back(std::move(row));
  }
  return out;
}

std::string text(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getString();
}

TEST(LeanHistoryMigration, EveryUserReadsBackAsBeforeAndEachChangeNamesItsVersion) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  std::vector<UserRow> before;
  {
    testing::create_database_at_schema(path, 5);
    SQLite::Database v5(path, SQLite::OPEN_READWRITE);
    v5.exec(k_schema5_rows);
    before = read_users(v5);
  }
  auto db = Connection::open(path);
  ASSERT_EQ(db.schema_version(), latest_schema_version());
  auto& sql = db.sql();
  EXPECT_EQ(read_users(sql), before);

  EXPECT_EQ(text(sql,
                 "SELECT group_concat(external_id || ':' || coalesce(live_attributes, '-'), ' ') FROM "
                 "(SELECT * FROM user_state ORDER BY source, external_id)"),
            R"(1:{"last_seen":"x"} 2:- 1:{"is_online":null})")
      << "only what no version holds is kept beside the versions";
  EXPECT_EQ(text(sql, "SELECT group_concat(removed, '') FROM (SELECT * FROM user_state ORDER BY source, external_id)"),
            "010");

  EXPECT_EQ(text(sql,
                 "SELECT group_concat(id || '=' || coalesce(version, '-') || coalesce(old_value, '-') || "
                 "coalesce(new_value, '-'), ' ') FROM (SELECT * FROM changes ORDER BY id)"),
            R"(40=1-- 41=1-- 42=1-- 43=--{"name":"Alpha","attributes":{}} 44=2ann@x.comann@y.com 45=2--)")
      << "user snapshots give way to the version; other entities keep theirs";
  EXPECT_EQ(text(sql, "SELECT json_extract(new_value, '$.email') FROM user_changes WHERE id = 40"), "ann@x.com");
  EXPECT_EQ(
      text(sql, "SELECT json_extract(old_value, '$.username') || '/' || username FROM user_changes WHERE id = 45"),
      "bob/bob");
  EXPECT_EQ(text(sql, "SELECT count(*) FROM user_changes"), "5");

  EXPECT_THROW(sql.exec("INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change) "
                        "VALUES (9, 't3', 'a', 'user', '1', 'removed')"),
               SQLite::Exception)
      << "a user's row must name its version";
  EXPECT_THROW(sql.exec("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op) "
                        "VALUES ('a', '1', 2, 't3', 9, 'updated')"),
               SQLite::Exception)
      << "one row per (source, external_id, version)";
  EXPECT_EQ(text(sql,
                 "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                 "sql IS NOT NULL AND tbl_name IN ('users', 'user_versions', 'user_state', 'changes') ORDER BY name)"),
            "changes_by_entity changes_by_time user_versions_by_user user_versions_one_open");
  EXPECT_EQ(text(sql, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(text(sql, "SELECT count(*) FROM pragma_foreign_key_check"), "0");
}

// A user change whose run wrote no version cannot name one: the migration fails as a
// whole and the database stays at schema 5 with every row.
TEST(LeanHistoryMigration, ARowItCannotConvertLeavesTheDatabaseAtSchema5) {
  testing::TempDir dir;
  const auto path = dir.file("roster.db");
  {
    testing::create_database_at_schema(path, 5);
    SQLite::Database v5(path, SQLite::OPEN_READWRITE);
    v5.exec(k_schema5_rows);
    v5.exec(
        "INSERT INTO changes (id, run_id, changed_at, source, entity, entity_key, change, field, old_value, "
        "new_value) VALUES (46, 9, 't2', 'b', 'user', '1', 'updated', 'email', NULL, 'c@x.com')");
  }
  EXPECT_THROW(Connection::open(path), StoreError);
  SQLite::Database v5(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(text(v5, "PRAGMA user_version"), "5");
  EXPECT_EQ(text(v5, "SELECT type FROM sqlite_schema WHERE name = 'users'"), "table");
  EXPECT_EQ(text(v5, "SELECT count(*) FROM changes"), "7");
  EXPECT_EQ(text(v5,
                 "SELECT count(*) FROM sqlite_schema WHERE name IN ('user_state', 'user_versions_new', "
                 "'changes_new')"),
            "0");
}

}  // namespace
}  // namespace rosterd::store::sqlite
