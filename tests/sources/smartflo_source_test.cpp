#include "sources/smartflo/smartflo_source.hpp"

#include <gtest/gtest.h>

#include <stop_token>

#include "core/secrets.hpp"
#include "fixture_support.hpp"
#include "source_test_support.hpp"

namespace rosterd::sources::smartflo {
namespace {

using sources::testing::config_error;
using sources::testing::expect_no_secret;
using sources::testing::header;
using sources::testing::keys_of;
using sources::testing::labels_of;
using sources::testing::LogCapture;
using sources::testing::ManualClock;
using sources::testing::read_fixture;
using sources::testing::ScriptedClient;
using sources::testing::source_config;
using sources::testing::UserRecorder;

constexpr const char* k_base = "https://api-smartflo.tatateleservices.com";
constexpr const char* k_users = "https://api-smartflo.tatateleservices.com/v1/users";
constexpr const char* k_login = "https://api-smartflo.tatateleservices.com/v1/auth/login";
constexpr const char* k_static_token = "sf-static-token-7e1d";
constexpr const char* k_password = "sf-Pass-1234";
// access_token of tests/fixtures/smartflo/login_success.json
constexpr const char* k_login_token = "eyJhbGciOiJIUzI1NiJ9.smartflo-test-token.sig";
constexpr const char* k_second_token = "eyJhbGciOiJIUzI1NiJ9.second-token.sig";

std::string page(bool has_more, std::string_view cursor, std::initializer_list<int> ids) {
  std::string data;
  for (int id : ids) data += fmt::format("{}{{\"id\":{},\"name\":\"user {}\"}}", data.empty() ? "" : ",", id, id);
  return fmt::format(R"({{"has_more":{},"count":{},"last_seen_id":{},"data":[{}]}})", has_more, ids.size(), cursor,
                     data);
}

std::string login_body(std::string_view token) {
  return fmt::format(R"({{"success":true,"access_token":"{}","token_type":"bearer","expires_in":3600}})", token);
}

std::string users_url(int limit, std::string_view cursor = {}) {
  return cursor.empty() ? fmt::format("{}?limit={}", k_users, limit)
                        : fmt::format("{}?limit={}&last_seen_id={}", k_users, limit, cursor);
}

config::SourceConfig static_config(std::string page_size = "2") {
  return source_config("smartflo", k_base, {{"token", k_static_token}, {"page_size", std::move(page_size)}});
}
config::SourceConfig login_config() {
  return source_config("smartflo", k_base, {{"email", "ops@acme.in"}, {"password", k_password}, {"page_size", "2"}});
}

class SmartfloSourceTest : public ::testing::Test {
 protected:
  ManualClock clock;
  ScriptedClient client;
  std::stop_source stop;
  RunContext context{client, stop.get_token()};
  UserRecorder users;

  core::Status fetch(Source& source) {
    users = UserRecorder{};
    return source.fetch_users(context, users);
  }
  void expect_login(std::string_view token = k_login_token) {
    client.expect(http::Method::post, k_login).reply(200, login_body(token));
  }
};

TEST_F(SmartfloSourceTest, StaticTokenPagesByCursorToTheEnd) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  client.expect(http::Method::get, users_url(2, "11")).reply(200, page(true, "\"13\"", {12, 13}));
  client.expect(http::Method::get, users_url(2, "13")).reply(200, page(false, "14", {14}));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"10", "11", "12", "13", "14"}));
  for (const auto& request : client.requests()) {
    EXPECT_EQ(request.method, http::Method::get);
    EXPECT_EQ(header(request, "Authorization"), std::string("Bearer ") + k_static_token);
  }
  EXPECT_EQ(client.requests()[0].label, std::string("GET ") + k_users + " limit=2");
  EXPECT_EQ(client.requests()[1].label, std::string("GET ") + k_users + " limit=2 last_seen_id=11");
  EXPECT_TRUE(client.every_request_had_stop_token());
}

TEST_F(SmartfloSourceTest, DefaultPageSizeIsOneHundred) {
  auto source = make_source(source_config("smartflo", k_base, {{"token", k_static_token}}), clock);
  client.expect(http::Method::get, users_url(100)).reply(200, read_fixture("smartflo/users_empty_last_page.json"));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_TRUE(users.records.empty());
}

TEST_F(SmartfloSourceTest, StopsWhenHasMoreIsFalseEvenWithACursor) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  client.expect(http::Method::get, users_url(2, "11"))
      .reply(200, read_fixture("smartflo/users_last_page_string_cursor.json"));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"10", "11", "400001"}));
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(SmartfloSourceTest, EmptyLastPageEndsTheListing) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  client.expect(http::Method::get, users_url(2, "11"))
      .reply(200, read_fixture("smartflo/users_empty_last_page_no_cursor.json"));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(users.records.size(), 2u);
}

TEST_F(SmartfloSourceTest, CursorThatDoesNotAdvanceFailsTheRun) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> pages;  // the cursor asked for, the answer
    const char* message;
  };
  const Case cases[] = {
      {"same cursor",
       {{"", page(true, "11", {10, 11})}, {"11", page(true, "11", {12})}},
       "cursor did not advance: last_seen_id 11 again"},
      {"earlier cursor",
       {{"", page(true, "11", {10, 11})}, {"11", page(true, "13", {12, 13})}, {"13", page(true, "11", {14})}},
       "cursor did not advance: last_seen_id 11 was already used for an earlier page"},
      {"empty page",
       {{"", page(true, "11", {10, 11})}, {"11", page(true, "12", {})}},
       "cursor did not advance: has_more is true on an empty page"},
  };
  for (const auto& c : cases) {
    auto source = make_source(static_config(), clock);
    ScriptedClient scripted;
    RunContext run{scripted, {}};
    for (const auto& [cursor, body] : c.pages)
      scripted.expect(http::Method::get, users_url(2, cursor)).reply(200, body);
    UserRecorder sink;
    auto status = source->fetch_users(run, sink);
    ASSERT_FALSE(status.ok()) << c.name;
    EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete) << c.name;
    EXPECT_NE(status.error().message.find(c.message), std::string::npos) << c.name << ": " << status.error().message;
    EXPECT_EQ(status.error().message.rfind(std::string("GET ") + k_users + " limit=2 last_seen_id=", 0), 0u);
    EXPECT_EQ(scripted.unused_steps(), 0u) << c.name;
  }
}

// The parser rejects has_more without a cursor before the source sees the page
// (smartflo_json.hpp): the run fails either way.
TEST_F(SmartfloSourceTest, HasMoreWithoutACursorFailsTheRun) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2))
      .reply(200, read_fixture("smartflo/users_null_cursor_with_records.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("last_seen_id: missing or null while has_more is true"), std::string::npos);
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(SmartfloSourceTest, SameUserOnTwoPagesFailsTheRun) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  client.expect(http::Method::get, users_url(2, "11")).reply(200, page(false, "12", {11, 12}));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete);
  EXPECT_NE(status.error().message.find("id 11 appears twice in the listing"), std::string::npos);
}

TEST_F(SmartfloSourceTest, CursorOtherThanTheLastIdIsFollowedAndNoted) {
  LogCapture log;
  auto source = make_source(static_config(), clock);
  // The vendor's sample: last_seen_id 370822 after a page ending with id 314678.
  client.expect(http::Method::get, users_url(2))
      .reply(200, read_fixture("smartflo/users_doc_example_count_fixed.json"));
  client.expect(http::Method::get, users_url(2, "370822")).reply(200, page(false, "370823", {370823}));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"314678", "370823"}));
  EXPECT_NE(log.text().find("last_seen_id 370822 is not the id of the page's last user (314678)"), std::string::npos)
      << log.text();
}

TEST_F(SmartfloSourceTest, LogsInWithJsonAndReusesTheTokenAcrossRuns) {
  auto source = make_source(login_config(), clock);
  client.expect(http::Method::post, k_login).reply(200, read_fixture("smartflo/login_success.json"));
  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  ASSERT_TRUE(fetch(*source).ok());
  ASSERT_TRUE(fetch(*source).ok());

  ASSERT_EQ(client.requests().size(), 3u);  // one login for two runs
  const auto& login = client.requests()[0];
  EXPECT_EQ(login.content_type, "application/json");
  EXPECT_EQ(login.body, R"({"email":"ops@acme.in","password":"sf-Pass-1234"})");
  EXPECT_EQ(login.label, std::string("POST ") + k_login);
  EXPECT_EQ(header(login, "Authorization"), std::nullopt);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(header(client.requests()[i], "Authorization"), std::string("Bearer ") + k_login_token);
  }
  EXPECT_EQ(core::secrets().redact(k_login_token), core::k_redacted);
}

TEST_F(SmartfloSourceTest, LogsInAgainOnlyWhenTheCachedTokenIsAboutToExpire) {
  auto source = make_source(login_config(), clock);
  expect_login();
  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  ASSERT_TRUE(fetch(*source).ok());

  clock.advance(std::chrono::seconds(3600 - 300 - 1));  // expires_in minus the safety margin, not yet reached
  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  ASSERT_TRUE(fetch(*source).ok());

  clock.advance(std::chrono::seconds(1));
  expect_login(k_second_token);
  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(header(client.requests().back(), "Authorization"), std::string("Bearer ") + k_second_token);
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(SmartfloSourceTest, A401DropsTheLoginTokenAndLogsInOnceMore) {
  auto source = make_source(login_config(), clock);
  expect_login();
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "1", {0, 1}));
  client.expect(http::Method::get, users_url(2, "1")).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, users_url(2, "1")).reply(200, page(false, "2", {2}));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(header(client.requests()[4], "Authorization"), std::string("Bearer ") + k_second_token);
  EXPECT_EQ(users.restarts, 0);

  client.expect(http::Method::get, users_url(2)).reply(200, page(false, "1", {1}));
  ASSERT_TRUE(fetch(*source).ok());  // the new token is cached
  EXPECT_EQ(header(client.requests().back(), "Authorization"), std::string("Bearer ") + k_second_token);
}

TEST_F(SmartfloSourceTest, ASecond401IsAnAuthError) {
  auto source = make_source(login_config(), clock);
  expect_login();
  client.expect(http::Method::get, users_url(2)).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, users_url(2)).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message, std::string("GET ") + k_users + " limit=2: Smartflo HTTP 401: Token has expired");
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(SmartfloSourceTest, StaticToken401IsAnAuthErrorWithoutLogin) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(SmartfloSourceTest, RejectedLoginIsAnAuthErrorWithTheVendorsText) {
  auto source = make_source(login_config(), clock);
  client.expect(http::Method::post, k_login).reply(200, read_fixture("smartflo/login_failed.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message,
            std::string("POST ") + k_login +
                ": Smartflo HTTP 200: The username or password is incorrect. (failed logins: 1)");

  client.expect(http::Method::post, k_login).reply(400, read_fixture("smartflo/login_invalid_credentials.json"));
  status = fetch(*source);  // a failed login is not cached: the next run tries again
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message, std::string("POST ") + k_login + ": Smartflo HTTP 400: Invalid credentials");
}

TEST_F(SmartfloSourceTest, HttpErrorsAndTransportErrorsNameTheLabel) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(500, read_fixture("smartflo/html_page.html"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::http);
  EXPECT_EQ(status.error().message,
            std::string("GET ") + k_users + " limit=2: Smartflo HTTP 500: HTML page (184 bytes)");

  client.expect(http::Method::get, users_url(2)).reply(429, read_fixture("smartflo/error_429.json"));
  status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::http);

  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  client.expect(http::Method::get, users_url(2, "11")).fail(core::ErrorKind::tls, "certificate expired");
  status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::tls);
  EXPECT_EQ(status.error().message, std::string("GET ") + k_users + " limit=2 last_seen_id=11: certificate expired");
}

TEST_F(SmartfloSourceTest, StopRequestedBetweenPagesCancels) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11})).then([&] {
    stop.request_stop();
  });
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::cancelled);
  EXPECT_EQ(status.error().message, "interrupted");
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(SmartfloSourceTest, ReturnsTheSinksError) {
  auto source = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(200, page(true, "11", {10, 11}));
  users.fail_after = 1;
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "sink is full");
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(SmartfloSourceTest, CheckConnectionReadsOnePageOfOne) {
  auto source = make_source(login_config(), clock);
  expect_login();
  client.expect(http::Method::get, users_url(1)).reply(200, page(true, "1", {1}));
  ASSERT_TRUE(source->check_connection(context).ok());
  EXPECT_EQ(client.requests().size(), 2u);
}

TEST_F(SmartfloSourceTest, NoCredentialInLabelsErrorsOrLogs) {
  LogCapture log;
  std::vector<std::string> texts;
  auto with_login = make_source(login_config(), clock);
  expect_login();
  client.expect(http::Method::get, users_url(2)).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, users_url(2)).reply(401, read_fixture("smartflo/error_401_token_expired.json"));
  texts.push_back(fetch(*with_login).error().message);
  auto with_token = make_source(static_config(), clock);
  client.expect(http::Method::get, users_url(2)).reply(403, "{}");
  texts.push_back(fetch(*with_token).error().message);
  for (const auto& label : labels_of(client)) texts.push_back(label);
  for (const auto& line : log.lines()) texts.push_back(line);
  EXPECT_GE(log.lines().size(), 2u);  // the logins and the re-login were logged
  expect_no_secret(texts, {k_password, k_static_token, k_login_token, k_second_token});
}

TEST(SmartfloMakeSource, NeedsExactlyOneKindOfCredential) {
  const auto make = [](const config::SourceConfig& config) { return make_source(config); };
  const auto neither = config_error(make, source_config("smartflo", k_base, {{"page_size", "10"}}));
  ASSERT_TRUE(neither);
  EXPECT_EQ(neither->key(), "sources[0]");
  EXPECT_EQ(neither->location().line, 9);

  const auto both = config_error(
      make, source_config("smartflo", k_base, {{"token", "t0ken"}, {"email", "a@b.c"}, {"password", "secret-pw"}}));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->key(), "sources[0].email");
  EXPECT_NE(std::string(both->what()).find("not both"), std::string::npos);

  const auto no_password = config_error(make, source_config("smartflo", k_base, {{"email", "a@b.c"}}));
  ASSERT_TRUE(no_password);
  EXPECT_EQ(no_password->key(), "sources[0].password");

  const auto no_email = config_error(make, source_config("smartflo", k_base, {{"password", "secret-pw"}}));
  ASSERT_TRUE(no_email);
  EXPECT_EQ(no_email->key(), "sources[0].email");
}

}  // namespace
}  // namespace rosterd::sources::smartflo
