#include "sync/planner.hpp"

#include <gtest/gtest.h>

#include <map>

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
    for (const auto& [id, u] : records) out[id] = {model::content_hash(u), 3, removed.at(id)};
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

TEST(Planner, ClassifiesAddedUpdatedRemovedRestoredAndUnchanged) {
  Stored stored;
  stored.put(user("1", "same"));
  stored.put(user("2", "old-name"));
  stored.put(user("3", "leaving"));
  stored.put(user("4", "back"), true);

  Planner<model::User> planner(stored.index());
  ASSERT_TRUE(planner.add(user("1", "same")));
  ASSERT_TRUE(planner.add(user("2", "new-name")));
  ASSERT_TRUE(planner.add(user("4", "back")));
  ASSERT_TRUE(planner.add(user("5", "newcomer")));
  auto plan = planner.finish(stored.loader());
  ASSERT_TRUE(plan);

  EXPECT_EQ(plan->fetched, 4);
  EXPECT_EQ(plan->unchanged, 1);
  EXPECT_EQ(plan->listed_before, 3);
  ASSERT_EQ(plan->changes.size(), 4u);
  EXPECT_EQ(plan->changes[0].kind, ChangeKind::updated);
  EXPECT_EQ(plan->changes[0].record.external_id, "2");
  EXPECT_EQ(plan->changes[0].prior_version, 3);
  EXPECT_EQ(plan->changes[0].fields, (std::vector<model::FieldChange>{{"username", "old-name", "new-name"}}));
  EXPECT_EQ(plan->changes[1].kind, ChangeKind::restored);
  EXPECT_EQ(plan->changes[1].record.external_id, "4");
  EXPECT_EQ(plan->changes[2].kind, ChangeKind::added);
  EXPECT_EQ(plan->changes[2].record.external_id, "5");
  EXPECT_EQ(plan->changes[3].kind, ChangeKind::removed);
  EXPECT_EQ(plan->changes[3].record.username, "leaving") << "a removal carries the last known state";
}

TEST(Planner, DuplicateIdsFailTheListingWhetherKnownOrNew) {
  Stored stored;
  stored.put(user("1", "a"));
  Planner<model::User> planner(stored.index());
  ASSERT_TRUE(planner.add(user("1", "a")));
  const auto known = planner.add(user("1", "a"));
  ASSERT_FALSE(known);
  EXPECT_EQ(known.error().kind, core::ErrorKind::incomplete);
  ASSERT_TRUE(planner.add(user("9", "x")));
  EXPECT_FALSE(planner.add(user("9", "y")));
}

TEST(Planner, RestartForgetsEverythingSeen) {
  Stored stored;
  stored.put(user("1", "a"));
  Planner<model::User> planner(stored.index());
  ASSERT_TRUE(planner.add(user("1", "a")));
  ASSERT_TRUE(planner.add(user("2", "b")));
  planner.restart();
  ASSERT_TRUE(planner.add(user("1", "a"))) << "not a duplicate after a restart";
  auto plan = planner.finish(stored.loader());
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->fetched, 1);
  EXPECT_TRUE(plan->changes.empty());
}

TEST(Planner, RemovalsAreOrderedByKey) {
  Stored stored;
  for (const char* id : {"30", "4", "200", "1"}) stored.put(user(id, id));
  Planner<model::User> planner(stored.index());
  auto plan = planner.finish(stored.loader());
  ASSERT_TRUE(plan);
  std::vector<std::string> ids;
  for (const auto& c : plan->changes) ids.push_back(c.record.external_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "200", "30", "4"}));
}

TEST(Planner, AStaleHashWithSameContentIsRehashedNotUpdated) {
  Stored stored;
  stored.put(user("1", "a"));
  auto index = stored.index();
  index["1"].content_hash = 42;  // as if the hash definition had changed
  Planner<model::User> planner(index);
  ASSERT_TRUE(planner.add(user("1", "a")));
  auto plan = planner.finish(stored.loader());
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->changes.empty());
  EXPECT_EQ(plan->unchanged, 1);
  EXPECT_EQ(plan->rehash.size(), 1u);
}

}  // namespace
}  // namespace rosterd::sync
