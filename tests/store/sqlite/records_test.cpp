#include "store/sqlite/records.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "../temp_db.hpp"
#include "model/canonical.hpp"
#include "model/field_policy.hpp"
#include "model/json_codec.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/run_log.hpp"

namespace rosterd::store::sqlite {
namespace {

model::User user(std::string id, std::string name, std::optional<std::string> email = {}) {
  model::User u;
  u.external_id = std::move(id);
  u.username = std::move(name);
  u.email = std::move(email);
  u.active = true;
  u.attributes = {{"dialer", "1"}};
  u.portfolios = std::vector<std::string>{"AMI", "IST"};
  return u;
}

class RecordsTest : public ::testing::Test {
 protected:
  RecordsTest() : m_db(Connection::open(m_dir.file("r.db"))) {}

  ChangeStamp stamp(const std::string& at) { return {"acme", begin_run(m_db.sql(), "acme", "users", at), at}; }
  int count(const std::string& sql) { return m_db.sql().execAndGet(sql).getInt(); }
  std::string text(const std::string& sql) { return m_db.sql().execAndGet(sql).getString(); }

  testing::TempDir m_dir;
  Connection m_db;
};

// The state is written once, as version 1; the `added` row names that version instead
// of copying the record, and user_changes shows the record's snapshot from it.
TEST_F(RecordsTest, AddWritesTheFirstVersionPortfoliosAndAChangeNamingIt) {
  UserWriter writer(m_db.sql(), stamp("2026-03-01T09:00:00.000Z"));
  writer.add(user("1", "ann", "ann@x.com"));
  EXPECT_EQ(text("SELECT username || '|' || email || '|' || version || '|' || first_seen_at FROM users"),
            "ann|ann@x.com|1|2026-03-01T09:00:00.000Z");
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE version = 1 AND op = 'added' AND valid_to IS NULL"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM user_portfolios WHERE external_id = '1'"), 2);
  EXPECT_EQ(text("SELECT coalesce(old_value, '-') || coalesce(new_value, '-') || '|' || version FROM changes "
                 "WHERE change = 'added' AND field IS NULL"),
            "--|1");
  EXPECT_EQ(text("SELECT new_value FROM user_changes WHERE change = 'added'"),
            model::snapshot_json(user("1", "ann", "ann@x.com")));
}

TEST_F(RecordsTest, UpdateClosesTheOpenVersionAndLogsEachField) {
  { UserWriter(m_db.sql(), stamp("2026-03-01T09:00:00.000Z")).add(user("1", "ann", "ann@x.com")); }
  auto changed = user("1", "ann", "ann@y.com");
  changed.portfolios = std::vector<std::string>{"AMI"};
  const std::vector<model::FieldChange> fields{{"email", "ann@x.com", "ann@y.com"},
                                               {"portfolios", R"(["AMI","IST"])", R"(["AMI"])"}};
  UserWriter(m_db.sql(), stamp("2026-03-02T09:00:00.000Z")).update(changed, 1, fields);

  EXPECT_EQ(text("SELECT valid_to FROM user_versions WHERE version = 1"), "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE valid_to IS NULL"), 1);
  EXPECT_EQ(text("SELECT op || '|' || email FROM user_versions WHERE version = 2"), "updated|ann@y.com");
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'updated'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM user_portfolios"), 1);
  EXPECT_EQ(text("SELECT email || '|' || version FROM users"), "ann@y.com|2");
}

TEST_F(RecordsTest, RemoveAndRestoreAreNewVersions) {
  const auto ann = user("1", "ann");
  { UserWriter(m_db.sql(), stamp("2026-03-01T09:00:00.000Z")).add(ann); }
  { UserWriter(m_db.sql(), stamp("2026-03-02T09:00:00.000Z")).remove(ann, 1); }
  EXPECT_EQ(text("SELECT removed_at FROM users"), "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(text("SELECT op FROM user_versions WHERE valid_to IS NULL"), "removed");
  EXPECT_EQ(text("SELECT coalesce(old_value, '-') || '|' || version FROM changes WHERE change = 'removed'"), "-|2");
  EXPECT_EQ(text("SELECT old_value FROM user_changes WHERE change = 'removed'"), model::snapshot_json(ann));
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 0);

  { UserWriter(m_db.sql(), stamp("2026-03-03T09:00:00.000Z")).restore(ann, 2); }
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE removed_at IS NULL AND version = 3"), 1);
  EXPECT_EQ(text("SELECT group_concat(op, ',') FROM (SELECT op FROM user_versions ORDER BY version)"),
            "added,removed,restored");
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE valid_to IS NULL"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 1);
}

// Volatile attributes are current in `users` and never in a version: user_state keeps
// them apart, and a refresh (only they changed) writes user_state alone.
TEST_F(RecordsTest, VolatileAttributesLiveBesideTheVersionAndARefreshWritesNoVersion) {
  const auto policy = model::make_field_policy({"last_seen"});
  auto ann = user("1", "ann");
  ann.attributes = {{"dialer", "1"}, {"last_seen", R"("2026-03-01")"}, {"tier", R"("gold")"}};
  { UserWriter(m_db.sql(), stamp("2026-03-01T09:00:00.000Z"), model::InfoColumns::none(), policy).add(ann); }
  EXPECT_EQ(text("SELECT attributes FROM user_versions"), R"({"dialer":1,"tier":"gold"})");
  EXPECT_EQ(text("SELECT live_attributes FROM user_state"), R"({"last_seen":"2026-03-01"})");
  EXPECT_EQ(model::parse_attributes_json(text("SELECT attributes FROM users")), ann.attributes);

  ann.attributes["last_seen"] = "null";
  { UserWriter(m_db.sql(), stamp("2026-03-02T09:00:00.000Z"), model::InfoColumns::none(), policy).refresh(ann); }
  EXPECT_EQ(model::parse_attributes_json(text("SELECT attributes FROM users")), ann.attributes)
      << "a null volatile value is kept, not dropped";
  EXPECT_EQ(count("SELECT count(*) FROM user_versions"), 1);
  EXPECT_EQ(text("SELECT updated_at FROM users"), "2026-03-01T09:00:00.000Z") << "volatile fields alone move nothing";

  // `last_seen` no longer volatile: the version lacks it, so user_state keeps it current.
  { UserWriter(m_db.sql(), stamp("2026-03-03T09:00:00.000Z")).refresh(ann); }
  EXPECT_EQ(model::parse_attributes_json(text("SELECT attributes FROM users")), ann.attributes);
  // `tier` made volatile: the version holds it, and `users` shows the version's value.
  ann.attributes["tier"] = R"("silver")";
  const auto tier = model::make_field_policy({"last_seen", "tier"});
  { UserWriter(m_db.sql(), stamp("2026-03-04T09:00:00.000Z"), model::InfoColumns::none(), tier).refresh(ann); }
  EXPECT_EQ(text("SELECT json_extract(attributes, '$.tier') FROM users"), "gold");
  EXPECT_EQ(text("SELECT json_valid(attributes) FROM users"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM json_each((SELECT attributes FROM users))"), 3) << "no key twice";
}

TEST_F(RecordsTest, AtMostOneOpenVersionIsEnforcedByTheSchema) {
  { UserWriter(m_db.sql(), stamp("2026-03-01T09:00:00.000Z")).add(user("1", "ann")); }
  EXPECT_THROW(m_db.sql().exec("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op) "
                               "VALUES ('acme', '1', 9, 'x', 1, 'updated')"),
               SQLite::Exception);
}

TEST_F(RecordsTest, IndexAndReaderReturnWhatWasWritten) {
  auto ann = user("1", "ann");
  ann.attributes = {{"weird", R"({"a":[1.5,"\u0000"]})"}};
  {
    UserWriter writer(m_db.sql(), stamp("2026-03-01T09:00:00.000Z"));
    writer.add(ann);
    writer.add(user("2", "bob"));
    writer.remove(user("2", "bob"), 1);
  }
  const auto index = load_user_index(m_db.sql(), "acme");
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index.find("1")->content_hash, model::content_hash(ann));
  EXPECT_FALSE(index.find("1")->removed);
  EXPECT_TRUE(index.find("2")->removed);
  EXPECT_EQ(index.find("2")->version, 2);
  EXPECT_EQ(load_user_index(m_db.sql(), "other").size(), 0u);

  UserReader reader(m_db.sql(), "acme");
  const auto stored = reader.find("1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->user, ann);
  EXPECT_FALSE(reader.find("3"));
}

TEST_F(RecordsTest, NamedEntitiesHaveTheSameLifecycle) {
  const model::NamedEntity ami{"AMI", "Alpha", {}};
  {
    EntityWriter writer(m_db.sql(), model::Entity::portfolio, stamp("2026-03-01T09:00:00.000Z"));
    writer.add(ami);
  }
  const model::NamedEntity renamed{"AMI", "Alpha Corp", {}};
  {
    EntityWriter writer(m_db.sql(), model::Entity::portfolio, stamp("2026-03-02T09:00:00.000Z"));
    writer.update(renamed, std::vector<model::FieldChange>{{"name", "Alpha", "Alpha Corp"}});
  }
  EXPECT_EQ(text("SELECT name FROM portfolios WHERE code = 'AMI'"), "Alpha Corp");
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE entity = 'portfolio'"), 2);
  EntityReader reader(m_db.sql(), model::Entity::portfolio, "acme");
  EXPECT_EQ(reader.find("AMI"), renamed);
  EXPECT_EQ(load_entity_index(m_db.sql(), model::Entity::portfolio, "acme").find("AMI")->content_hash,
            model::content_hash(renamed));
}

}  // namespace
}  // namespace rosterd::store::sqlite
