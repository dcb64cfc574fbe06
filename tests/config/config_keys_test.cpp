// The table of configuration keys (config_keys.hpp) is what the parser knows: it accepts
// every key of the table where the table puts it and nothing else, the defaults it
// documents are the ones it applies, and every key is documented.

#include "config/config_keys.hpp"

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

const std::string k_source = "sources:\n  - name: a\n    type: worksection\n    url: https://a.example\n    api_key: k\n";

bool unknown_key(const std::string& error) { return error.find("unknown key") != std::string::npos; }

TEST(ConfigKeys, EveryKeyHasItsValueAndHelpAndNoMapListsAKeyTwiceForOneType) {
  for (const auto& key : config_keys()) {
    EXPECT_FALSE(key.value.empty()) << key.map << "." << key.key;
    EXPECT_FALSE(key.help.empty()) << key.map << "." << key.key;
    EXPECT_EQ(key.role != KeyRole::plain, key.map == k_source_map) << key.map << "." << key.key;
    for (const auto& other : config_keys()) {
      if (&other == &key || other.map != key.map || other.key != key.key) continue;
      EXPECT_FALSE(key.only_for.empty() || other.only_for.empty()) << key.map << "." << key.key << " twice";
    }
  }
}

TEST_F(ConfigTest, TheParserTakesTheTopLevelKeysOfTheTableAndNoOther) {
  for (const auto& key : keys_of(k_top_level)) {
    if (key == "database" || key == "sources") continue;
    EXPECT_FALSE(unknown_key(error_of("database: db\n" + key + ": [1, 2]\n"))) << key;
  }
  EXPECT_TRUE(unknown_key(error_of("database: db\nmetrix: 1\n")));
}

TEST_F(ConfigTest, TheParserTakesTheSourceKeysOfTheTableEachWhereTheTableSays) {
  for (const auto role : {KeyRole::identity, KeyRole::shared, KeyRole::source_only}) {
    for (const auto& key : keys_of(k_source_map, role)) {
      EXPECT_FALSE(unknown_key(error_of("database: db\n" + k_source + "    " + key + ": [1]\n"))) << key;
      const auto as_default = error_of("database: db\ndefaults:\n  " + key + ": [1]\n");
      if (role == KeyRole::shared) {
        EXPECT_EQ(as_default.find("cannot be a default"), std::string::npos) << key << ": " << as_default;
      } else {
        EXPECT_NE(as_default.find("cannot be a default"), std::string::npos) << key << ": " << as_default;
      }
    }
  }
  // A declarative type's keys belong to declarative types only.
  for (const auto& key : keys_of(k_source_map, KeyRole::declarative)) {
    EXPECT_TRUE(unknown_key(error_of("database: db\n" + k_source + "    " + key + ": x\n"))) << key;
  }
}

// A source key's documented default, written out, changes nothing; so does a top-level
// key's. Defaults that are not a value ("the type's default datasets") are skipped.
TEST_F(ConfigTest, TheDocumentedDefaultsAreTheOnesTheParserApplies) {
  const Config plain = parse("database: db\n" + k_source);
  const auto& source = plain.sources.front();
  int compared = 0;
  for (const auto& key : config_keys()) {
    const std::string value(key.default_value);
    if (value.empty() || value.find(' ') != std::string::npos) continue;
    if (key.map == k_source_map) {
      const Config given = parse("database: db\n" + k_source + "    " + std::string(key.key) + ": " + value + "\n");
      const auto& with = given.sources.front();
      EXPECT_EQ(with.interval, source.interval) << key.key;
      EXPECT_EQ(with.timeout, source.timeout) << key.key;
      EXPECT_EQ(with.connect_timeout, source.connect_timeout) << key.key;
      EXPECT_EQ(with.retries, source.retries) << key.key;
      EXPECT_EQ(with.max_remove_ratio, source.max_remove_ratio) << key.key;
      EXPECT_EQ(with.max_response_bytes, source.max_response_bytes) << key.key;
      EXPECT_EQ(with.drop_fields, source.drop_fields) << key.key;
      ++compared;
    } else if (key.map == k_top_level) {
      const Config given = parse("database: db\n" + std::string(key.key) + ": " + value + "\n" + k_source);
      EXPECT_EQ(given.log_level, plain.log_level) << key.key;
      EXPECT_EQ(given.concurrency, plain.concurrency) << key.key;
      EXPECT_EQ(given.claim_timeout, plain.claim_timeout) << key.key;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 10) << "interval, timeout, connect_timeout, retries, max_remove_ratio, drop_fields, "
                             "max_response_bytes, log_level, concurrency, claim_timeout";
}

}  // namespace
}  // namespace rosterd::config::testing
