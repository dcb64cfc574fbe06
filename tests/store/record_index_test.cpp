#include "store/record_index.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rosterd::store {
namespace {

RecordIndex::Entry stored(std::int64_t hash, bool removed = false) {
  RecordIndex::Entry e;
  e.content_hash = hash;
  e.version = 3;
  e.removed = removed;
  return e;
}

TEST(RecordIndex, FindsWhatWasInsertedAndRefusesDuplicates) {
  RecordIndex index;
  ASSERT_NE(index.insert("1", stored(10)), nullptr);
  ASSERT_NE(index.insert("22", stored(20, true)), nullptr);
  EXPECT_EQ(index.insert("1", stored(99)), nullptr);
  EXPECT_EQ(index.find("1")->content_hash, 10);
  EXPECT_TRUE(index.find("22")->removed);
  EXPECT_EQ(index.find("3"), nullptr);
  EXPECT_EQ(index.find(""), nullptr);
}

TEST(RecordIndex, GrowsAcrossManyKeysWithoutLosingAny) {
  RecordIndex index;
  for (int i = 0; i < 100'000; ++i) ASSERT_NE(index.insert(std::to_string(i * 7), stored(i)), nullptr);
  EXPECT_EQ(index.size(), 100'000u);
  for (int i = 0; i < 100'000; ++i) {
    const auto* e = index.find(std::to_string(i * 7));
    ASSERT_NE(e, nullptr) << i;
    EXPECT_EQ(e->content_hash, i);
  }
  EXPECT_EQ(index.find("1"), nullptr);
}

TEST(RecordIndex, AddedKeysAreSeenAndDuplicatesAmongThemAreCaught) {
  RecordIndex index;
  index.insert("1", stored(1));
  auto* added = index.insert_added("2");
  ASSERT_NE(added, nullptr);
  EXPECT_TRUE(added->added);
  EXPECT_TRUE(added->seen);
  EXPECT_EQ(index.insert_added("2"), nullptr);
  EXPECT_EQ(index.insert_added("1"), nullptr) << "a stored key is not new";
}

TEST(RecordIndex, RestartDropsAddedKeysAndClearsSeen) {
  RecordIndex index;
  index.insert("1", stored(1));
  index.find("1")->seen = true;
  index.insert_added("new");
  index.restart();
  EXPECT_EQ(index.size(), 1u);
  EXPECT_FALSE(index.find("1")->seen);
  EXPECT_EQ(index.find("new"), nullptr);
  EXPECT_NE(index.insert_added("new"), nullptr) << "can be listed again after the restart";
}

TEST(RecordIndex, KeysWithAnyBytesAndEveryEntryVisited) {
  RecordIndex index;
  const std::string odd("a\0b", 3);
  index.insert(odd, stored(1));
  index.insert("a", stored(2));
  index.insert("é名", stored(3));
  EXPECT_EQ(index.find(odd)->content_hash, 1);
  EXPECT_EQ(index.find("a")->content_hash, 2);
  std::set<std::string> keys;
  index.for_each([&](std::string_view key, const RecordIndex::Entry&) { keys.emplace(key); });
  EXPECT_EQ(keys, (std::set<std::string>{odd, "a", "é名"}));
}

}  // namespace
}  // namespace rosterd::store
