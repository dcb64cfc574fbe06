#include "sources/worksection/worksection_json.hpp"

#include <gtest/gtest.h>

#include "fixture_support.hpp"

namespace rosterd::sources::worksection {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;

core::Result<std::vector<model::User>> parse(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_users(body, parser, filter);
}

TEST(WorksectionUsers, MapsEveryColumnOfTheVendorExample) {
  auto users = parse(read_fixture("worksection/users_postman_example.json"));
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 3u);
  const auto& owner = (*users)[0];
  EXPECT_EQ(owner.external_id, "3993");
  EXPECT_EQ(owner.username, "john.smith@example.com");
  EXPECT_EQ(owner.full_name, "John Smith");
  EXPECT_EQ(owner.email, "john.smith@example.com");
  EXPECT_EQ(owner.phone, "+380441234567");
  EXPECT_EQ(owner.extension, std::nullopt);
  EXPECT_EQ(owner.role, "owner");
  EXPECT_EQ(owner.user_group, "Management");
  EXPECT_EQ(owner.active, std::nullopt);
  EXPECT_EQ(owner.portfolios, std::nullopt);
  EXPECT_EQ(owner.attributes, (model::Attributes{{"avatar", "\"https://acme.worksection.com/images/avatar/3993.png\""},
                                                 {"department", "\"Board\""},
                                                 {"first_name", "\"John\""},
                                                 {"last_name", "\"Smith\""},
                                                 {"rate", "25"},
                                                 {"title", "\"CEO\""}}));

  // No phone: mobile (phone3) before office (phone2); both stay attributes.
  const auto& admin = (*users)[1];
  EXPECT_EQ(admin.role, "account admin");
  EXPECT_EQ(admin.email, "5674@5674.worksection.com");
  EXPECT_EQ(admin.phone, "+380501112233");
  EXPECT_EQ(admin.attributes.at("phone2"), "\"+380447654321\"");
  EXPECT_EQ(admin.attributes.at("phone3"), "\"+380501112233\"");

  const auto& user = (*users)[2];
  EXPECT_EQ(user.role, "user");
  EXPECT_EQ(user.full_name, "Bob");  // no name: first_name + (empty) last_name
  EXPECT_EQ(user.phone, "+380509998877");
  EXPECT_EQ(user.attributes.at("rate"), "12.5");
}

TEST(WorksectionUsers, NormalizesRoleCaseAndFallsBackForNamesAndPhones) {
  auto users = parse(read_fixture("worksection/users_variants.json"), FieldFilter({"department"}));
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 4u);
  const auto& guest = (*users)[0];
  EXPECT_EQ(guest.external_id, "7001");  // a number here, a string elsewhere
  EXPECT_EQ(guest.email, "guest@example.com");
  EXPECT_EQ(guest.role, "guest");
  EXPECT_EQ(guest.full_name, "Guest");
  EXPECT_EQ(guest.user_group, std::nullopt);  // "" means NULL
  EXPECT_EQ(guest.phone, "+1 555 0102");      // phone "" -> phone2 (no phone3)

  const auto& solo = (*users)[1];
  EXPECT_EQ(solo.full_name, "Solo");
  EXPECT_EQ(solo.role, "team admin");
  EXPECT_EQ(solo.attributes.count("department"), 0u);  // drop_fields
  EXPECT_EQ(solo.attributes.at("services"), R"({"chats":{"Telegram":"@solo"},"socials":{}})");

  const auto& head = (*users)[2];
  EXPECT_EQ(head.role, "department admin");
  EXPECT_EQ(head.attributes.at("address"), "\"  1 Main St  \"");
  EXPECT_EQ(head.attributes.count("api_token"), 0u);
  EXPECT_EQ(testing::stored_text(*users).find("ws-token-abc123"), std::string::npos);

  EXPECT_EQ((*users)[3].phone, "+1 555 0103");  // phone3 before phone4
}

TEST(WorksectionUsers, ParsesTheDocumentedSample) {
  // The doc sample with its placeholders made valid JSON: "rate": USER_RATE -> 25,
  // the "... ... ..." elisions removed, and the second user's id made distinct.
  auto users = parse(read_fixture("worksection/users_doc_example.json"));
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].full_name, "USER_NAME");
  EXPECT_EQ((*users)[0].phone, "USER_PHONE");
  EXPECT_EQ((*users)[0].role, "user_role");
  EXPECT_EQ((*users)[1].full_name, "USER_FIRST_NAME_2 USER_LAST_NAME_2");
  EXPECT_EQ((*users)[1].email, std::nullopt);
}

TEST(WorksectionUsers, ClassifiesErrorsAndBadBodies) {
  const std::tuple<const char*, core::ErrorKind, const char*> cases[] = {
      {"error_bad_hash.json", core::ErrorKind::auth, "Worksection error 2: Action hash is missed or invalid"},
      {"error_field_required.json", core::ErrorKind::vendor, "Worksection error 10: Field is required"},
      {"error_project_invalid.json", core::ErrorKind::vendor, "Worksection error 4: Project is invalid"},
      {"html_page.html", core::ErrorKind::parse, "HTML page (184 bytes)"},
      {"empty.txt", core::ErrorKind::parse, "empty body"},
      {"users_duplicate_id.json", core::ErrorKind::incomplete, "data[1].id: duplicate user id 1"},
      {"users_duplicate_key.json", core::ErrorKind::parse, "data[0]: duplicate key \"email\""},
      {"users_data_object.json", core::ErrorKind::parse, "data: expected array, got object"},
  };
  for (const auto& [fixture, kind, message] : cases) {
    auto users = parse(read_fixture(std::string("worksection/") + fixture));
    ASSERT_FALSE(users.ok()) << fixture;
    EXPECT_EQ(users.error().kind, kind) << fixture << ": " << users.error().message;
    EXPECT_NE(users.error().message.find(message), std::string::npos) << fixture << ": " << users.error().message;
  }
  for (const char* body :
       {R"({"data":[]})", R"({"status":"OK","data":[]})", R"({"status":1,"data":[]})", R"({"status":"ok"})",
        R"({"status":"ok","data":[{"email":"a@x.com"}]})", R"({"status":"ok","data":[{"id":"","email":"a@x.com"}]})"}) {
    auto users = parse(body);
    ASSERT_FALSE(users.ok()) << body;
    EXPECT_EQ(users.error().kind, core::ErrorKind::parse) << body;
  }
}

TEST(WorksectionUsers, RejectsEveryProperPrefixAndTrailingContent) {
  const auto body = read_fixture("worksection/users_postman_example.json");
  JsonDocumentParser parser;
  const FieldFilter filter;
  auto accepted = accepted_prefixes(body, [&](std::string_view prefix) { return parse_users(prefix, parser, filter); });
  EXPECT_TRUE(accepted.empty()) << accepted.size() << " prefixes accepted";
  for (const auto& junk : testing::trailing_junk()) EXPECT_FALSE(parse(body + junk).ok()) << junk;
}

}  // namespace
}  // namespace rosterd::sources::worksection
