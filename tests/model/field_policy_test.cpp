#include "model/field_policy.hpp"

#include <gtest/gtest.h>

namespace rosterd::model {
namespace {

User policy_sample() {
  User user;
  user.external_id = "1";
  user.username = "ann";
  user.attributes = {{"last_seen", R"("2026-03-01")"}, {"login_ip", R"("10.0.0.1")"}, {"tenant", R"("T")"}};
  return user;
}

TEST(FieldPolicy, VolatileFieldsAreDroppedFromADiff) {
  auto before = policy_sample();
  auto after = before;
  after.attributes["last_seen"] = R"("2026-03-02")";
  after.attributes["tenant"] = R"("U")";
  const auto split = split_fields(diff(before, after), make_field_policy({"login_ip", "last_seen", "last_seen"}));
  ASSERT_EQ(split.changes.size(), 1u);
  EXPECT_EQ(split.changes[0].field, "attributes.tenant");
  EXPECT_TRUE(split.filled.empty());
}

TEST(FieldPolicy, AbsentFieldsAreFillsOnlyWhenAsked) {
  auto before = policy_sample();
  auto after = before;
  after.email = "ann@x.com";           // absent -> value: a fill
  after.username = "anna";             // value -> value: a change
  after.attributes["new"] = "1";       // absent -> value: a fill
  after.attributes.erase("tenant");    // value -> absent: a change
  const auto filling = split_fields(diff(before, after), make_field_policy({}, true));
  ASSERT_EQ(filling.filled.size(), 2u);
  EXPECT_EQ(filling.filled[0].field, "email");
  EXPECT_EQ(filling.filled[1].field, "attributes.new");
  ASSERT_EQ(filling.changes.size(), 2u);
  EXPECT_EQ(filling.changes[0].field, "username");
  EXPECT_EQ(filling.changes[1].field, "attributes.tenant");

  const auto plain = split_fields(diff(before, after), make_field_policy({}, false));
  EXPECT_EQ(plain.changes.size(), 4u);
  EXPECT_TRUE(plain.filled.empty());
}

TEST(FieldPolicy, HistoryHoldsNoVolatileAttribute) {
  const auto policy = make_field_policy({"login_ip", "last_seen"});
  const auto user = policy_sample();
  EXPECT_TRUE(has_volatile_attributes(user, policy));
  const auto history = without_volatile(user, policy);
  EXPECT_EQ(history.attributes.size(), 1u);
  EXPECT_EQ(history.attributes.count("tenant"), 1u);
  EXPECT_FALSE(has_volatile_attributes(history, policy));
  EXPECT_FALSE(has_volatile_attributes(user, make_field_policy({})));
}

TEST(FieldPolicy, AFillIsOneJsonObjectInTheChangesEncodings) {
  const std::vector<FieldChange> filled = {{"email", std::nullopt, "ann@x.com"},
                                           {"active", std::nullopt, "1"},
                                           {"attributes.user_info.tenant", std::nullopt, R"("T")"},
                                           {"portfolios", std::nullopt, R"(["AMI"])"}};
  EXPECT_EQ(filled_json(filled),
            R"({"email":"ann@x.com","active":1,"attributes.user_info.tenant":"T","portfolios":["AMI"]})");
}

}  // namespace
}  // namespace rosterd::model
