#include "sources/class4/class4_json.hpp"

#include <gtest/gtest.h>

#include "fixture_support.hpp"

namespace rosterd::sources::class4 {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;

core::Result<UserPage> parse(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_user_page(body, parser, filter);
}

constexpr const char* k_bcrypt_1728 = "$2b$12$.7zF2wbpMawWVJtQQ7jou.g9NWYoeWy7kSmUGMx7psC9dm13/fBIe";
constexpr const char* k_bcrypt_1721 = "$2b$12$UrGciEsS38GC7zVtoxLEme5F5YIgtFgB3otCqcdA0C8srn9OSjZ2O";

TEST(Class4Users, MapsEveryColumnOfTheVerbatimDocExample) {
  auto page = parse(read_fixture("class4/users_doc_example.json"));
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 160);
  EXPECT_EQ(page->page, 0);
  EXPECT_EQ(page->per_page, 30);
  ASSERT_EQ(page->users.size(), 2u);
  const auto& user = page->users[0];
  EXPECT_EQ(user.external_id, "1728");
  EXPECT_EQ(user.username, "rt");
  EXPECT_EQ(user.full_name, std::nullopt);          // fullname, first_name, last_name all null
  EXPECT_EQ(user.email, "[email\u00a0protected]");  // the doc's obfuscated address, with its no-break space
  EXPECT_EQ(user.phone, std::nullopt);
  EXPECT_EQ(user.extension, std::nullopt);
  EXPECT_EQ(user.role, "client");
  EXPECT_EQ(user.user_group, "client");
  EXPECT_EQ(user.active, true);
  EXPECT_EQ(user.portfolios, std::nullopt);
  EXPECT_EQ(user.attributes.at("carrier_name"), "null");
  EXPECT_EQ(user.attributes.at("client_limits"), "[]");
  EXPECT_EQ(user.attributes.at("client_id"), "2897");
  EXPECT_EQ(user.attributes.at("default_mod"), "\"\"");
  EXPECT_EQ(user.attributes.at("report_count"), "\"1 Hour\"");
  EXPECT_EQ(user.attributes.at("show_carrier_trunk_drop_only"), "false");
  EXPECT_EQ(user.attributes.at("create_time"), "\"2018-02-15T03:02:04.870467+00:00\"");
  for (const char* consumed :
       {"user_id", "name", "fullname", "email", "role_name", "user_type", "active", "passwd", "cdr_api_token"}) {
    EXPECT_EQ(user.attributes.count(consumed), 0u) << consumed;
  }
  const auto stored = testing::stored_text(page->users);
  EXPECT_EQ(stored.find(k_bcrypt_1728), std::string::npos);
  EXPECT_EQ(stored.find(k_bcrypt_1721), std::string::npos);
  EXPECT_EQ(stored.find("$2b$"), std::string::npos);
}

TEST(Class4Users, AcceptsEveryTypeVariationAndDropsTokensAtDepth) {
  auto page = parse(read_fixture("class4/users_page_mixed.json"), FieldFilter({"report_fields"}));
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->users.size(), 3u);
  const auto& road = page->users[0];
  EXPECT_EQ(road.full_name, "Road Team");
  EXPECT_EQ(road.email, "rt@example.com");
  EXPECT_EQ(road.attributes.at("auth_ip"), R"(["10.0.0.1"])");
  EXPECT_EQ(road.attributes.at("first_name"), "\"Road\"");

  const auto& quinn = page->users[1];
  EXPECT_EQ(quinn.external_id, "1721");
  EXPECT_EQ(quinn.full_name, "Quinn Bell");  // fullname null -> first_name + last_name
  EXPECT_EQ(quinn.email, std::nullopt);
  EXPECT_EQ(quinn.role, "admin");
  EXPECT_EQ(quinn.user_group, "admin");
  EXPECT_EQ(quinn.active, false);
  EXPECT_EQ(quinn.attributes.at("client"), R"({"id":2892,"name":"Acme"})");
  EXPECT_EQ(quinn.attributes.count("cdr_api_token_expiration"), 0u);

  const auto& agent = page->users[2];
  EXPECT_EQ(agent.username, "agent7");
  EXPECT_EQ(agent.full_name, "Solo");
  EXPECT_EQ(agent.attributes.count("report_fields"), 0u);  // drop_fields

  const auto stored = testing::stored_text(page->users);
  for (const char* secret : {"cdr-tok-4f1b2c9e", "client-tok-77aa", "$2b$"}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret;
  }
}

TEST(Class4Users, RejectsPagesThatContradictTheirOwnPaging) {
  const std::tuple<const char*, core::ErrorKind, const char*> cases[] = {
      {"users_more_than_per_page.json", core::ErrorKind::incomplete, "payload.items: 3 items but per_page is 2"},
      {"users_beyond_total.json", core::ErrorKind::incomplete,
       "payload.items: page 1 of 10 per page holds 2 items, beyond total 11"},
      {"users_duplicate_id.json", core::ErrorKind::incomplete, "payload.items[1].user_id: duplicate user id 1"},
      {"users_bad_active.json", core::ErrorKind::parse,
       "payload.items[0].active: expected Y/N, true/false or 1/0, got \"maybe\""},
      {"users_success_string.json", core::ErrorKind::parse, "success: expected boolean, got string"},
      {"users_items_missing.json", core::ErrorKind::parse, "payload.items: missing"},
      {"error_no_token.json", core::ErrorKind::auth,
       "Class4 HTTP 200: unauthenticated_error auth_token_not_provided (110): No header X-Auth-Token present"},
      {"error_incorrect_token.json", core::ErrorKind::auth,
       "Class4 HTTP 200: unauthenticated_error incorrect_token_provided (120): Incorrect token provided"},
      {"html_page.html", core::ErrorKind::parse, "expected a JSON document, got HTML page (184 bytes)"},
      {"empty.txt", core::ErrorKind::parse, "expected a JSON document, got empty body"},
  };
  for (const auto& [fixture, kind, message] : cases) {
    auto page = parse(read_fixture(std::string("class4/") + fixture));
    ASSERT_FALSE(page.ok()) << fixture;
    EXPECT_EQ(page.error().kind, kind) << fixture << ": " << page.error().message;
    EXPECT_EQ(page.error().message, message) << fixture;
  }
  auto negative = parse(R"({"success":true,"payload":{"total":-1,"page":0,"per_page":10,"items":[]}})");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().message, "payload.total: negative");
  auto overflow = parse(
      R"({"success":true,"payload":{"total":5,"page":9223372036854775807,"per_page":2,"items":[{"user_id":1}]}})");
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().kind, core::ErrorKind::incomplete);
}

// The streaming form hands users over one by one, checks the page's bounds and
// lets the caller check its paging before the first, and stops at the first error.
TEST(Class4Users, StreamsUsersAndStopsAtTheConsumersError) {
  const auto body = read_fixture("class4/users_page_mixed.json");
  JsonDocumentParser parser;
  std::vector<std::string> ids;
  auto info = parse_user_page(
      body, parser, FieldFilter{}, [](const PageInfo&) -> core::Status { return {}; },
      [&](model::User&& user) -> core::Status {
        ids.push_back(user.external_id);
        return {};
      });
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->items, 3);
  ASSERT_EQ(ids.size(), 3u);
  auto collected = parse(body);
  ASSERT_TRUE(collected.ok());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], collected->users[i].external_id);

  std::size_t handed = 0;
  auto stopped = parse_user_page(
      body, parser, FieldFilter{}, [](const PageInfo&) -> core::Status { return {}; },
      [&](model::User&&) -> core::Status {
        if (++handed == 2) return core::Error{core::ErrorKind::internal, "full"};
        return {};
      });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().message, "full");
  EXPECT_EQ(handed, 2u);

  std::size_t beyond = 0;
  auto refused = parse_user_page(
      read_fixture("class4/users_more_than_per_page.json"), parser, FieldFilter{},
      [](const PageInfo&) -> core::Status { return {}; },
      [&](model::User&&) -> core::Status {
        ++beyond;
        return {};
      });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(beyond, 0u) << "a page over its bounds hands over no user";

  // The check sees the page before any user and can refuse it.
  std::optional<PageInfo> seen;
  beyond = 0;
  auto unwanted = parse_user_page(
      body, parser, FieldFilter{},
      [&](const PageInfo& page) -> core::Status {
        seen = page;
        return core::Error{core::ErrorKind::incomplete, "not this page"};
      },
      [&](model::User&&) -> core::Status {
        ++beyond;
        return {};
      });
  ASSERT_FALSE(unwanted.ok());
  EXPECT_EQ(unwanted.error().message, "not this page");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->items, 3);
  EXPECT_EQ(beyond, 0u);
}

TEST(Class4Users, RejectsEveryProperPrefixAndTrailingContent) {
  for (const char* fixture : {"class4/users_page_mixed.json", "class4/users_doc_example.json"}) {
    const auto body = read_fixture(fixture);
    JsonDocumentParser parser;
    const FieldFilter filter;
    auto accepted =
        accepted_prefixes(body, [&](std::string_view prefix) { return parse_user_page(prefix, parser, filter); });
    EXPECT_TRUE(accepted.empty()) << fixture << ": " << accepted.size() << " prefixes accepted";
    for (const auto& junk : testing::trailing_junk()) EXPECT_FALSE(parse(body + junk).ok()) << junk;
  }
}

TEST(Class4Login, ReturnsOnlyThePayloadToken) {
  JsonDocumentParser parser;
  auto token = parse_login(read_fixture("class4/login_success.json"), parser);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(*token, "eyJhbGciOi.class4-session-token.sig");
  auto rejected = parse_login(read_fixture("class4/error_incorrect_token.json"), parser);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().kind, core::ErrorKind::auth);
  for (const char* body : {R"({"success":true,"payload":{}})", R"({"success":true,"payload":{"token":""}})",
                           R"({"success":true,"payload":{"token":{}}})", R"({"success":true})"}) {
    auto bad = parse_login(body, parser);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.error().kind, core::ErrorKind::parse) << body;
  }
}

TEST(Class4Errors, ClassifiesEveryErrorType) {
  const std::tuple<long, const char*, core::ErrorKind, const char*> cases[] = {
      {401, "error_no_token.json", core::ErrorKind::auth,
       "Class4 HTTP 401: unauthenticated_error auth_token_not_provided (110): No header X-Auth-Token present"},
      {400, "error_validation.json", core::ErrorKind::vendor,
       "Class4 HTTP 400: validation_error email_or_name: [\"This field is required.\"]; password: (withheld)"},
      {404, "error_not_found.json", core::ErrorKind::vendor, "Class4 HTTP 404: not_found_error"},
      {500, "error_operation.json", core::ErrorKind::vendor,
       "Class4 HTTP 500: operation_error db_error (300): Operation failed"},
      {400, "error_attribute_not_exists.json", core::ErrorKind::vendor,
       "Class4 HTTP 400: attribute_not_exists carrier_name"},
      {502, "html_page.html", core::ErrorKind::http, "Class4 HTTP 502: HTML page (184 bytes)"},
      {503, "empty.txt", core::ErrorKind::http, "Class4 HTTP 503: empty body"},
      {403, "empty.txt", core::ErrorKind::auth, "Class4 HTTP 403: empty body"},
  };
  JsonDocumentParser parser;
  for (const auto& [status, fixture, kind, message] : cases) {
    const auto error = error_from_response(status, read_fixture(std::string("class4/") + fixture), parser);
    EXPECT_EQ(error.kind, kind) << fixture;
    EXPECT_EQ(error.message, message) << fixture;
  }
  const auto bare = error_from_response(500, R"({"message":"boom"})", parser);
  EXPECT_EQ(bare.kind, core::ErrorKind::http);
  EXPECT_EQ(bare.message, "Class4 HTTP 500: error without error_type");
}

}  // namespace
}  // namespace rosterd::sources::class4
