#include "sync/planner.hpp"

#include <gtest/gtest.h>

#include <map>

#include "../store/temp_db.hpp"
#include "model/canonical.hpp"

namespace rosterd::sync {
namespace {

model::User user(std::string id, std::string name) {
  model::User u;
  u.external_id = std::move(id);
  u.username = std::move(name);
  u.active = true;
  return u;
}

// Stored state for the planner: records by id, some removed.
struct Stored {
  std::map<std::string, model::User> records;
  std::map<std::string, bool> removed;

  void put(const model::User& u, bool is_removed = false) {
    records[u.external_id] = u;
    removed[u.external_id] = is_removed;
  }
  store::RecordIndex index() const {
    store::RecordIndex out;
    for (const auto& [id, u] : records) {
      store::RecordIndex::Entry e;
      e.content_hash = model::content_hash(u);
      e.version = 3;
      e.removed = removed.at(id);
      out.insert(id, e);
    }
    return out;
  }
  Planner<model::User>::Loader loader() const {
    return [this](const std::string& id) -> std::optional<model::User> {
      auto it = records.find(id);
      if (it == records.end()) return std::nullopt;
      return it->second;
    };
  }
};

struct Resolved {
  std::vector<Change<model::User>> changes;
  std::vector<model::User> rehashed;
};

Resolved resolve(Planner<model::User>& planner, const Stored& stored) {
  Resolved out;
  const auto status = planner.resolve(
      stored.loader(), [&](Change<model::User>&& c) { out.changes.push_back(std::move(c)); },
      [&](const model::User& u, std::int64_t) { out.rehashed.push_back(u); });
  EXPECT_TRUE(status);
  return out;
}

class PlannerTest : public ::testing::Test {
 protected:
  testing::TempDir m_dir;
  std::string spool() const { return m_dir.path().string(); }
};

TEST_F(PlannerTest, ClassifiesAddedUpdatedRemovedRestoredAndUnchanged) {
  Stored stored;
  stored.put(user("1", "same"));
  stored.put(user("2", "old-name"));
  stored.put(user("3", "leaving"));
  stored.put(user("4", "back"), true);

  Planner<model::User> planner(stored.index(), spool());
  ASSERT_TRUE(planner.add(user("1", "same")));
  ASSERT_TRUE(planner.add(user("2", "new-name")));
  ASSERT_TRUE(planner.add(user("4", "back")));
  ASSERT_TRUE(planner.add(user("5", "newcomer")));
  const auto summary = planner.summary();
  EXPECT_EQ(summary.fetched, 4);
  EXPECT_EQ(summary.unchanged, 1);
  EXPECT_EQ(summary.pending, 3);
  EXPECT_EQ(summary.listed_before, 3);
  EXPECT_EQ(summary.removals, 1);

  const auto r = resolve(planner, stored);
  ASSERT_EQ(r.changes.size(), 4u);
  EXPECT_EQ(r.changes[0].kind, ChangeKind::updated);
  EXPECT_EQ(r.changes[0].record.external_id, "2");
  EXPECT_EQ(r.changes[0].prior_version, 3);
  EXPECT_EQ(r.changes[0].fields, (std::vector<model::FieldChange>{{"username", "old-name", "new-name"}}));
  EXPECT_EQ(r.changes[1].kind, ChangeKind::restored);
  EXPECT_EQ(r.changes[1].record.external_id, "4");
  EXPECT_EQ(r.changes[2].kind, ChangeKind::added);
  EXPECT_EQ(r.changes[2].record.external_id, "5");
  EXPECT_EQ(r.changes[3].kind, ChangeKind::removed);
  EXPECT_EQ(r.changes[3].record.username, "leaving") << "a removal carries the last known state";
}

TEST_F(PlannerTest, DuplicateIdsFailTheListingWhetherKnownOrNew) {
  Stored stored;
  stored.put(user("1", "a"));
  Planner<model::User> planner(stored.index(), spool());
  ASSERT_TRUE(planner.add(user("1", "a")));
  const auto known = planner.add(user("1", "a"));
  ASSERT_FALSE(known);
  EXPECT_EQ(known.error().kind, core::ErrorKind::incomplete);
  ASSERT_TRUE(planner.add(user("9", "x")));
  EXPECT_FALSE(planner.add(user("9", "y")));
}

TEST_F(PlannerTest, RestartForgetsEverythingSeen) {
  Stored stored;
  stored.put(user("1", "a"));
  Planner<model::User> planner(stored.index(), spool());
  ASSERT_TRUE(planner.add(user("1", "a")));
  ASSERT_TRUE(planner.add(user("2", "b")));
  planner.restart();
  ASSERT_TRUE(planner.add(user("1", "a"))) << "not a duplicate after a restart";
  EXPECT_EQ(planner.summary().fetched, 1);
  EXPECT_TRUE(resolve(planner, stored).changes.empty());
}

TEST_F(PlannerTest, RemovalsAreOrderedByKey) {
  Stored stored;
  for (const char* id : {"30", "4", "200", "1"}) stored.put(user(id, id));
  Planner<model::User> planner(stored.index(), spool());
  std::vector<std::string> ids;
  for (const auto& c : resolve(planner, stored).changes) ids.push_back(c.record.external_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "200", "30", "4"}));
}

TEST_F(PlannerTest, AStaleHashWithSameContentIsRehashedNotUpdated) {
  Stored stored;
  stored.put(user("1", "a"));
  auto index = stored.index();
  index.find("1")->content_hash = 42;  // as if the hash definition had changed
  Planner<model::User> planner(std::move(index), spool());
  ASSERT_TRUE(planner.add(user("1", "a")));
  const auto r = resolve(planner, stored);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_EQ(r.rehashed.size(), 1u);
}

// A source that digests what the vendor sent: an unchanged record is recognised before
// it is normalized (unchanged() true, the source skips it), a changed or new one is
// added with its digest, which travels to the writer and is what the next run compares.
TEST_F(PlannerTest, DigestsOfTheVendorsBytesAreComparedAndStored) {
  Stored stored;
  stored.put(user("1", "a"));
  stored.put(user("2", "b"));
  stored.put(user("3", "c"), true);
  auto index = stored.index();
  index.find("1")->content_hash = 101;
  index.find("2")->content_hash = 102;
  index.find("3")->content_hash = 103;
  Planner<model::User> planner(std::move(index), spool());

  EXPECT_EQ(planner.unchanged("1", 101).value(), true);
  EXPECT_EQ(planner.unchanged("2", 999).value(), false) << "new bytes: normalized and compared";
  EXPECT_EQ(planner.unchanged("3", 103).value(), false) << "a removed user is always compared";
  EXPECT_EQ(planner.unchanged("4", 104).value(), false) << "unknown";
  const auto again = planner.unchanged("1", 101);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, core::ErrorKind::incomplete) << "listed twice";

  ASSERT_TRUE(planner.add(user("2", "b"), 999));  // same content, new bytes
  ASSERT_TRUE(planner.add(user("3", "c"), 103));  // back
  ASSERT_TRUE(planner.add(user("4", "d"), 104));  // new
  const auto summary = planner.summary();
  EXPECT_EQ(summary.fetched, 4);
  EXPECT_EQ(summary.unchanged, 1);
  EXPECT_EQ(summary.pending, 3);
  EXPECT_EQ(summary.removals, 0);
  EXPECT_FALSE(planner.add(user("1", "a"), 101)) << "a skipped record is seen: listing it again is a duplicate";

  Resolved out;
  std::vector<std::int64_t> rehashed;
  ASSERT_TRUE(planner.resolve(
      stored.loader(), [&](Change<model::User>&& c) { out.changes.push_back(std::move(c)); },
      [&](const model::User&, std::int64_t hash) { rehashed.push_back(hash); }));
  EXPECT_EQ(rehashed, std::vector<std::int64_t>{999}) << "same content: only its digest is stored again";
  ASSERT_EQ(out.changes.size(), 2u);
  EXPECT_EQ(out.changes[0].kind, ChangeKind::restored);
  EXPECT_EQ(out.changes[0].hash, 103);
  EXPECT_EQ(out.changes[1].kind, ChangeKind::added);
  EXPECT_EQ(out.changes[1].hash, 104);

  planner.restart();
  EXPECT_EQ(planner.unchanged("1", 101).value(), true) << "a restart forgets what was seen";
}

TEST_F(PlannerTest, ListingsLargerThanMemorySpoolToDiskAndComeBackIntact) {
  Stored stored;
  Planner<model::User> planner(stored.index(), spool());
  constexpr int k_count = 3 * static_cast<int>(RecordSpool<model::User>::k_memory_records) + 17;
  for (int i = 0; i < k_count; ++i) {
    auto u = user(std::to_string(i), "user" + std::to_string(i));
    u.attributes = {{"n", std::to_string(i)}, {"text", "\"a\\u0000b\""}};
    u.portfolios = std::vector<std::string>{"AMI", std::to_string(i)};
    if (i % 3 == 0) u.active.reset();
    ASSERT_TRUE(planner.add(std::move(u), -1000 - i));
  }
  const auto r = resolve(planner, stored);
  ASSERT_EQ(r.changes.size(), static_cast<std::size_t>(k_count));
  for (int i = 0; i < k_count; ++i) {
    ASSERT_EQ(r.changes[static_cast<std::size_t>(i)].hash, -1000 - i) << "the hash is spooled with its record";
  }
  for (int i = 0; i < k_count; ++i) {
    const auto& got = r.changes[static_cast<std::size_t>(i)].record;
    auto want = user(std::to_string(i), "user" + std::to_string(i));
    want.attributes = {{"n", std::to_string(i)}, {"text", "\"a\\u0000b\""}};
    want.portfolios = std::vector<std::string>{"AMI", std::to_string(i)};
    if (i % 3 == 0) want.active.reset();
    ASSERT_EQ(got, want) << "record " << i << " in listing order";
  }
}

TEST_F(PlannerTest, CarryOverKeepsWhatTheListingDoesNotOwn) {
  Stored stored;
  auto enriched = user("1", "a");
  enriched.email = "a@x.com";  // written by another dataset
  stored.put(enriched);
  auto index = stored.index();
  index.find("1")->content_hash = model::content_hash(user("1", "a"));  // the listing's part
  Planner<model::User> planner(std::move(index), spool(), {},
                               [](const model::User& before, model::User& incoming) { incoming.email = before.email; });
  ASSERT_TRUE(planner.add(user("1", "renamed")));
  const auto r = resolve(planner, stored);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].record.email, "a@x.com");
  EXPECT_EQ(r.changes[0].fields, (std::vector<model::FieldChange>{{"username", "a", "renamed"}}));
}

}  // namespace
}  // namespace rosterd::sync
