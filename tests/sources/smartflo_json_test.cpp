#include "sources/smartflo/smartflo_json.hpp"

#include <gtest/gtest.h>

#include "fixture_support.hpp"

namespace rosterd::sources::smartflo {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;

core::Result<UserPage> parse(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_user_page(body, parser, filter);
}

TEST(SmartfloUsers, TheVerbatimDocExampleFailsItsOwnCountCheck) {
  // The documented sample says "count": 20 but shows one record.
  auto page = parse(read_fixture("smartflo/users_doc_example.json"));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().kind, core::ErrorKind::incomplete);
  EXPECT_EQ(page.error().message, "count: 20 but data has 1 records");
}

TEST(SmartfloUsers, MapsEveryColumnOfTheDocExample) {
  auto page = parse(read_fixture("smartflo/users_doc_example_count_fixed.json"));
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_TRUE(page->has_more);
  EXPECT_EQ(page->count, 1);
  EXPECT_EQ(page->last_seen_id, "370822");
  ASSERT_EQ(page->users.size(), 1u);
  const auto& user = page->users[0];
  EXPECT_EQ(user.external_id, "314678");
  EXPECT_EQ(user.username, "[email\u00a0protected]");  // verbatim, with its no-break space
  EXPECT_EQ(user.email, std::nullopt);                 // the doc's obfuscated address is not an address
  EXPECT_EQ(user.full_name, "xyz");
  EXPECT_EQ(user.phone, "+911111111111");
  EXPECT_EQ(user.extension, std::nullopt);
  EXPECT_EQ(user.role, "quality");
  EXPECT_EQ(user.user_group, std::nullopt);
  EXPECT_EQ(user.active, true);
  EXPECT_EQ(user.portfolios, std::nullopt);
  EXPECT_EQ(user.attributes, (model::Attributes{{"agent.id", "\"0502842370097\""},
                                                {"agent.name", "\"xyz\""},
                                                {"agent.status", "0"},
                                                {"is_international_outbound_enabled", "false"},
                                                {"is_login_based_calling_enabled", "false"},
                                                {"user_role.id", "54630"}}));
}

TEST(SmartfloUsers, AcceptsEveryTypeVariation) {
  auto page = parse(read_fixture("smartflo/users_page_mixed.json"), FieldFilter({"internal_note"}));
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->users.size(), 3u);
  EXPECT_EQ(page->users[0].email, "xyz@example.com");
  EXPECT_EQ(page->users[0].username, "Xyz@Example.com");
  EXPECT_EQ(page->users[0].attributes.at("is_international_outbound_enabled"), "true");

  const auto& priya = page->users[1];
  EXPECT_EQ(priya.full_name, "Priya Sharma");
  EXPECT_EQ(priya.username, "priya.agent");
  EXPECT_EQ(priya.email, std::nullopt);  // login_id is not an address
  EXPECT_EQ(priya.phone, std::nullopt);  // follow_me_number ""
  EXPECT_EQ(priya.extension, "1002");
  EXPECT_EQ(priya.role, "agent");
  EXPECT_EQ(priya.active, false);
  EXPECT_EQ(priya.attributes.count("agent.sip_password"), 0u);
  EXPECT_EQ(priya.attributes.at("agent.id"), "\"0502842370098\"");

  const auto& ravi = page->users[2];
  EXPECT_EQ(ravi.extension, "1003");  // a number here
  EXPECT_EQ(ravi.phone, std::nullopt);
  EXPECT_EQ(ravi.attributes.at("agent"), "null");
  EXPECT_EQ(ravi.attributes.at("user_role.permissions"), R"({"reports":true})");  // nested values stay whole
  EXPECT_EQ(ravi.role, "admin");
  EXPECT_EQ(ravi.active, false);  // user_status 2
  EXPECT_EQ(testing::stored_text(page->users).find("sip-SECRET-9"), std::string::npos);
}

TEST(SmartfloUsers, AcceptsStringCursorsAndEmptyLastPages) {
  auto last = parse(read_fixture("smartflo/users_last_page_string_cursor.json"));
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_FALSE(last->has_more);
  EXPECT_EQ(last->last_seen_id, "400001");
  EXPECT_EQ(last->users[0].external_id, "400001");
  EXPECT_EQ(last->users[0].attributes.at("agent.id"), "\"0400001\"");

  for (const char* fixture : {"smartflo/users_empty_last_page.json", "smartflo/users_empty_last_page_no_cursor.json"}) {
    auto empty = parse(read_fixture(fixture));
    ASSERT_TRUE(empty.ok()) << fixture << ": " << empty.error().message;
    EXPECT_TRUE(empty->users.empty());
    EXPECT_EQ(empty->last_seen_id, std::nullopt);
    EXPECT_FALSE(empty->has_more);
  }
}

TEST(SmartfloUsers, RejectsInconsistentPages) {
  const std::tuple<const char*, core::ErrorKind, const char*> cases[] = {
      {"users_count_mismatch.json", core::ErrorKind::incomplete, "count: 2 but data has 1 records"},
      {"users_has_more_string.json", core::ErrorKind::parse, "has_more: expected boolean, got string"},
      {"users_null_cursor_with_records.json", core::ErrorKind::parse,
       "last_seen_id: missing or null while has_more is true"},
      {"users_duplicate_id.json", core::ErrorKind::incomplete, "data[1].id: duplicate user id 1"},
      {"users_duplicate_nested_key.json", core::ErrorKind::parse, "data[0].agent: duplicate key \"id\""},
      {"users_agent_not_object.json", core::ErrorKind::parse, "data[0].agent: expected object, got string"},
      {"html_page.html", core::ErrorKind::parse, "expected a JSON document, got HTML page (184 bytes)"},
      {"empty.txt", core::ErrorKind::parse, "expected a JSON document, got empty body"},
  };
  for (const auto& [fixture, kind, message] : cases) {
    auto page = parse(read_fixture(std::string("smartflo/") + fixture));
    ASSERT_FALSE(page.ok()) << fixture;
    EXPECT_EQ(page.error().kind, kind) << fixture << ": " << page.error().message;
    EXPECT_EQ(page.error().message, message) << fixture;
  }
  auto float_count = parse(R"({"has_more":false,"count":1.0,"last_seen_id":1,"data":[{"id":1}]})");
  ASSERT_FALSE(float_count.ok());
  EXPECT_EQ(float_count.error().message, "count: expected integer, got floating-point number");
  auto null_status = parse(R"({"has_more":false,"count":1,"last_seen_id":1,"data":[{"id":1,"user_status":"1"}]})");
  ASSERT_FALSE(null_status.ok());
  EXPECT_EQ(null_status.error().message, "data[0].user_status: expected integer, got string");
}

TEST(SmartfloUsers, RejectsEveryProperPrefixAndTrailingContent) {
  const auto body = read_fixture("smartflo/users_page_mixed.json");
  JsonDocumentParser parser;
  const FieldFilter filter;
  auto accepted =
      accepted_prefixes(body, [&](std::string_view prefix) { return parse_user_page(prefix, parser, filter); });
  EXPECT_TRUE(accepted.empty()) << accepted.size() << " prefixes accepted";
  for (const auto& junk : testing::trailing_junk()) EXPECT_FALSE(parse(body + junk).ok()) << junk;
}

TEST(SmartfloLogin, ReadsTheTokenAndItsLifetime) {
  JsonDocumentParser parser;
  auto login = parse_login(read_fixture("smartflo/login_success.json"), parser);
  ASSERT_TRUE(login.ok()) << login.error().message;
  EXPECT_EQ(login->access_token, "eyJhbGciOiJIUzI1NiJ9.smartflo-test-token.sig");
  EXPECT_EQ(login->expires_in, std::chrono::seconds(3600));

  auto no_lifetime = parse_login(R"({"success":true,"access_token":"abc.def.ghi"})", parser);
  ASSERT_TRUE(no_lifetime.ok());
  EXPECT_EQ(no_lifetime->expires_in, std::chrono::seconds(3600));
  for (const char* body :
       {R"({"success":true})", R"({"success":true,"access_token":""})", R"({"success":true,"access_token":5})",
        R"({"success":true,"access_token":"a","expires_in":-1})"}) {
    auto bad = parse_login(body, parser);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.error().kind, core::ErrorKind::parse) << body;
  }
}

TEST(SmartfloLogin, RejectedLoginsAreAuthErrors) {
  JsonDocumentParser parser;
  auto failed = parse_login(read_fixture("smartflo/login_failed.json"), parser);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(failed.error().message, "Smartflo HTTP 200: The username or password is incorrect. (failed logins: 1)");
  auto invalid = parse_login(read_fixture("smartflo/login_invalid_credentials.json"), parser);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, core::ErrorKind::auth);
}

TEST(SmartfloErrors, ClassifiesNon2xxBodies) {
  const std::tuple<long, const char*, core::ErrorKind, const char*> cases[] = {
      {429, "error_429.json", core::ErrorKind::http, "Smartflo HTTP 429: Too many requests."},
      {429, "error_429_login_retry_after.json", core::ErrorKind::http,
       "Smartflo HTTP 429: Too many login attempts. (retry after 2026-03-01 14:30:00)"},
      {401, "error_401_token_expired.json", core::ErrorKind::auth, "Smartflo HTTP 401: Token has expired"},
      {401, "login_failed.json", core::ErrorKind::auth,
       "Smartflo HTTP 401: The username or password is incorrect. (failed logins: 1)"},
      {400, "login_invalid_credentials.json", core::ErrorKind::auth, "Smartflo HTTP 400: Invalid credentials"},
      {502, "html_page.html", core::ErrorKind::http, "Smartflo HTTP 502: HTML page (184 bytes)"},
      {500, "empty.txt", core::ErrorKind::http, "Smartflo HTTP 500: empty body"},
      {403, "empty.txt", core::ErrorKind::auth, "Smartflo HTTP 403: empty body"},
  };
  JsonDocumentParser parser;
  for (const auto& [status, fixture, kind, message] : cases) {
    const auto error = error_from_response(status, read_fixture(std::string("smartflo/") + fixture), parser);
    EXPECT_EQ(error.kind, kind) << fixture;
    EXPECT_EQ(error.message, message) << fixture;
  }
  const auto other = error_from_response(404, R"({"success":false,"message":"Not found"})", parser);
  EXPECT_EQ(other.kind, core::ErrorKind::vendor);
}

}  // namespace
}  // namespace rosterd::sources::smartflo
