#include "sources/class4/class4_source.hpp"

#include <gtest/gtest.h>

#include <stop_token>

#include "core/secrets.hpp"
#include "fixture_support.hpp"
#include "source_test_support.hpp"

namespace rosterd::sources::class4 {
namespace {

using sources::testing::config_error;
using sources::testing::expect_no_secret;
using sources::testing::header;
using sources::testing::keys_of;
using sources::testing::labels_of;
using sources::testing::LogCapture;
using sources::testing::read_fixture;
using sources::testing::ScriptedClient;
using sources::testing::source_config;
using sources::testing::UserRecorder;

constexpr const char* k_base = "http://switch.acme.example:8000";
constexpr const char* k_list = "http://switch.acme.example:8000/v1/user/list";
constexpr const char* k_auth = "http://switch.acme.example:8000/v1/auth";
constexpr const char* k_static_token = "c4-static-token-31ab";
constexpr const char* k_password = "c4-Pass-5150";
// payload.token of tests/fixtures/class4/login_success.json
constexpr const char* k_login_token = "eyJhbGciOi.class4-session-token.sig";
constexpr const char* k_second_token = "eyJhbGciOi.second-session.sig";

// One page of users first..last (inclusive; none when first > last).
std::string page(std::int64_t total, std::int64_t number, std::int64_t per_page, int first, int last) {
  std::string items;
  for (int id = first; id <= last; ++id) {
    items += fmt::format(R"({}{{"user_id":{},"name":"u{}","active":true}})", items.empty() ? "" : ",", id, id);
  }
  return fmt::format(R"({{"success":true,"payload":{{"total":{},"page":{},"per_page":{},"items":[{}]}}}})", total,
                     number, per_page, items);
}

std::string list_url(int number, int per_page) {
  return fmt::format("{}?page={}&per_page={}", k_list, number, per_page);
}
std::string list_label(int number, int per_page) {
  return fmt::format("GET {} page={} per_page={}", k_list, number, per_page);
}

std::string login_body(std::string_view token) {
  return fmt::format(R"({{"success":true,"payload":{{"token":"{}"}}}})", token);
}

config::SourceConfig static_config(std::string page_size = "3") {
  return source_config("class4", k_base, {{"token", k_static_token}, {"page_size", std::move(page_size)}});
}
config::SourceConfig login_config() {
  return source_config("class4", k_base, {{"user", "admin"}, {"password", k_password}, {"page_size", "3"}});
}

std::vector<std::string> ids(int first, int last) {
  std::vector<std::string> out;
  for (int id = first; id <= last; ++id) out.push_back(std::to_string(id));
  return out;
}

class Class4SourceTest : public ::testing::Test {
 protected:
  ScriptedClient client;
  std::stop_source stop;
  RunContext context{client, stop.get_token()};
  UserRecorder users;

  core::Status fetch(Source& source) {
    users = UserRecorder{};
    return source.fetch_users(context, users);
  }
  // A consistent listing of users 1..7, three per page.
  void expect_seven() {
    client.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3));
    client.expect(http::Method::get, list_url(1, 3)).reply(200, page(7, 1, 3, 4, 6));
    client.expect(http::Method::get, list_url(2, 3)).reply(200, page(7, 2, 3, 7, 7));
  }
  void expect_login(std::string_view token = k_login_token) {
    client.expect(http::Method::post, k_auth).reply(200, login_body(token));
  }
};

TEST_F(Class4SourceTest, StaticTokenPagesFromZeroUntilTheTotal) {
  auto source = make_source(static_config());
  expect_seven();
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), ids(1, 7));
  for (const auto& request : client.requests()) {
    EXPECT_EQ(header(request, "X-Auth-Token"), k_static_token);
    EXPECT_EQ(header(request, "Authorization"), std::nullopt);
  }
  EXPECT_EQ(client.requests()[1].label, list_label(1, 3));
  EXPECT_EQ(users.restarts, 0);
  EXPECT_TRUE(client.every_request_had_stop_token());
}

TEST_F(Class4SourceTest, StopsAfterTheLastFullPage) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(6, 0, 3, 1, 3));
  client.expect(http::Method::get, list_url(1, 3)).reply(200, page(6, 1, 3, 4, 6));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), ids(1, 6));
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(Class4SourceTest, EmptyDirectoryIsOnePage) {
  auto source = make_source(source_config("class4", k_base, {{"token", k_static_token}}));
  client.expect(http::Method::get, list_url(0, 100)).reply(200, page(0, 0, 100, 1, 0));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_TRUE(users.records.empty());
}

TEST_F(Class4SourceTest, UsesTheServersPerPageWhenItDiffers) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(5, 0, 2, 1, 2));
  client.expect(http::Method::get, list_url(1, 2)).reply(200, page(5, 1, 2, 3, 4));
  client.expect(http::Method::get, list_url(2, 2)).reply(200, page(5, 2, 2, 5, 5));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), ids(1, 5));
}

TEST_F(Class4SourceTest, ShiftedListingIsListedOnceMoreFromPageZero) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3));
  client.expect(http::Method::get, list_url(1, 3)).reply(200, page(8, 1, 3, 4, 6));
  expect_seven();
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(users.restarts, 1);
  EXPECT_EQ(keys_of(users.records), ids(1, 7));
}

TEST_F(Class4SourceTest, EveryKindOfShiftTwiceFailsAsIncomplete) {
  struct Case {
    std::string page1;  // the answer to page 1 (after a consistent page 0)
    std::string page2;  // the answer to page 2, if asked
    std::string message;
  };
  const Case cases[] = {
      {page(8, 1, 3, 4, 6), "", "total changed from 7 to 8 while paging (page 1)"},
      {page(7, 0, 3, 4, 6), "", "asked for page 1, got page 0"},
      {page(7, 1, 4, 4, 6), "", "per_page changed from 3 to 4 while paging (page 1)"},
      {page(7, 1, 3, 4, 5), "", "page 1 holds 2 items, expected 3 (total 7, 3 on earlier pages)"},
      {page(7, 1, 3, 3, 5), "", "id 3 appears twice in the listing (page 1)"},
      // The page's paging is checked before any of its users reaches the sink.
      {page(8, 1, 3, 3, 5), "", "total changed from 7 to 8 while paging (page 1)"},
      {page(7, 1, 3, 4, 6), page(7, 2, 3, 7, 8), "page 2 of 3 per page holds 2 items, beyond total 7"},
  };
  for (const auto& c : cases) {
    auto source = make_source(static_config());
    ScriptedClient scripted;
    RunContext run{scripted, {}};
    for (int attempt = 0; attempt < 2; ++attempt) {
      scripted.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3));
      scripted.expect(http::Method::get, list_url(1, 3)).reply(200, c.page1);
      if (!c.page2.empty()) scripted.expect(http::Method::get, list_url(2, 3)).reply(200, c.page2);
    }
    UserRecorder sink;
    auto status = source->fetch_users(run, sink);
    ASSERT_FALSE(status.ok()) << c.message;
    EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete) << status.error().message;
    EXPECT_NE(status.error().message.find(c.message), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("(the listing shifted on both attempts)"), std::string::npos);
    EXPECT_EQ(status.error().message.rfind("GET " + std::string(k_list), 0), 0u) << status.error().message;
    EXPECT_EQ(sink.restarts, 1) << c.message;
    EXPECT_EQ(scripted.unused_steps(), 0u) << c.message;
  }
}

TEST_F(Class4SourceTest, LogsInOnceAndKeepsTheTokenAcrossRuns) {
  auto source = make_source(login_config());
  client.expect(http::Method::post, k_auth).reply(200, read_fixture("class4/login_success.json"));
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(2, 0, 3, 1, 2));
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(2, 0, 3, 1, 2));
  ASSERT_TRUE(fetch(*source).ok());
  ASSERT_TRUE(fetch(*source).ok());
  ASSERT_EQ(client.requests().size(), 3u);
  const auto& login = client.requests()[0];
  EXPECT_EQ(login.content_type, "application/json");
  EXPECT_EQ(login.body, R"({"email_or_name":"admin","password":"c4-Pass-5150"})");
  EXPECT_EQ(login.label, std::string("POST ") + k_auth);
  EXPECT_EQ(header(client.requests()[2], "X-Auth-Token"), k_login_token);
  EXPECT_EQ(core::secrets().redact(k_login_token), core::k_redacted);
}

TEST_F(Class4SourceTest, RejectedSessionTokenIsReplacedByOneMoreLogin) {
  auto source = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(4, 0, 3, 1, 3));
  client.expect(http::Method::get, list_url(1, 3)).reply(401, read_fixture("class4/error_incorrect_token.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, list_url(1, 3)).reply(200, page(4, 1, 3, 4, 4));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(keys_of(users.records), ids(1, 4));
  EXPECT_EQ(header(client.requests().back(), "X-Auth-Token"), k_second_token);
}

// The HTTP status of unauthenticated_error is undocumented (docs/vendor-facts.md 4.4).
TEST_F(Class4SourceTest, UnauthenticatedErrorDocumentUnderHttp200AlsoTriggersTheLogin) {
  auto source = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 3)).reply(200, read_fixture("class4/error_incorrect_token.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(1, 0, 3, 1, 1));
  ASSERT_TRUE(fetch(*source).ok());
  EXPECT_EQ(users.records.size(), 1u);
}

TEST_F(Class4SourceTest, SecondRejectionIsAnAuthErrorWithTheVendorsText) {
  auto source = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 3)).reply(401, read_fixture("class4/error_incorrect_token.json"));
  expect_login(k_second_token);
  client.expect(http::Method::get, list_url(0, 3)).reply(401, read_fixture("class4/error_incorrect_token.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message,
            list_label(0, 3) +
                ": Class4 HTTP 401: unauthenticated_error incorrect_token_provided (120): Incorrect token provided");
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(Class4SourceTest, StaticToken401FailsWithoutLogin) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(401, read_fixture("class4/error_no_token.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_NE(status.error().message.find("No header X-Auth-Token present"), std::string::npos);
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(Class4SourceTest, ForbiddenIsNotASessionProblem) {
  auto source = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 3)).reply(403, "");
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(client.requests().size(), 2u);
}

TEST_F(Class4SourceTest, RejectedLoginIsAnAuthError) {
  auto source = make_source(login_config());
  client.expect(http::Method::post, k_auth).reply(401, read_fixture("class4/error_incorrect_token.json"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message.rfind(std::string("POST ") + k_auth + ": Class4 HTTP 401", 0), 0u)
      << status.error().message;
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(Class4SourceTest, HttpErrorsAndTransportErrorsNameTheLabel) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(500, read_fixture("class4/html_page.html"));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::http);
  EXPECT_EQ(status.error().message.rfind(list_label(0, 3) + ": Class4 HTTP 500", 0), 0u) << status.error().message;

  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3));
  client.expect(http::Method::get, list_url(1, 3)).fail(core::ErrorKind::too_large, "response over 64 MiB");
  status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::too_large);
  EXPECT_EQ(status.error().message, list_label(1, 3) + ": response over 64 MiB");
  EXPECT_EQ(users.restarts, 0);  // only a shifted listing is listed again
}

TEST_F(Class4SourceTest, StopRequestedBetweenPagesCancels) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3)).then([&] { stop.request_stop(); });
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::cancelled);
  EXPECT_EQ(status.error().message, "interrupted");
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(Class4SourceTest, ReturnsTheSinksErrorNamingTheRequest) {
  auto source = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(200, page(7, 0, 3, 1, 3));
  users.fail_after = 2;
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "GET http://switch.acme.example:8000/v1/user/list page=0 per_page=3: sink is full");
  EXPECT_EQ(users.restarts, 0);
}

TEST_F(Class4SourceTest, CheckConnectionReadsOneItemOfPageZero) {
  auto source = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 1)).reply(200, page(7, 0, 1, 1, 1));
  ASSERT_TRUE(source->check_connection(context).ok());
  EXPECT_EQ(client.requests().size(), 2u);
}

TEST_F(Class4SourceTest, NoCredentialInLabelsErrorsOrLogs) {
  LogCapture log;
  std::vector<std::string> texts;
  auto with_login = make_source(login_config());
  expect_login();
  client.expect(http::Method::get, list_url(0, 3)).reply(401, read_fixture("class4/error_incorrect_token.json"));
  client.expect(http::Method::post, k_auth).reply(422, read_fixture("class4/error_validation.json"));
  texts.push_back(fetch(*with_login).error().message);
  auto with_token = make_source(static_config());
  client.expect(http::Method::get, list_url(0, 3)).reply(401, read_fixture("class4/error_incorrect_token.json"));
  texts.push_back(fetch(*with_token).error().message);
  for (const auto& label : labels_of(client)) texts.push_back(label);
  for (const auto& line : log.lines()) texts.push_back(line);
  EXPECT_GE(log.lines().size(), 2u);
  expect_no_secret(texts, {k_password, k_static_token, k_login_token, "hunter2"});
}

TEST(Class4MakeSource, NeedsExactlyOneKindOfCredential) {
  const auto neither = config_error(make_source, source_config("class4", k_base, {}));
  ASSERT_TRUE(neither);
  EXPECT_EQ(neither->key(), "sources[0]");
  EXPECT_EQ(neither->location().line, 9);

  const auto both =
      config_error(make_source, source_config("class4", k_base, {{"password", "pw12345"}, {"token", "t0ken"}}));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->key(), "sources[0].password");
  EXPECT_EQ(both->location().line, 10);

  const auto no_user = config_error(make_source, source_config("class4", k_base, {{"password", "pw12345"}}));
  ASSERT_TRUE(no_user);
  EXPECT_EQ(no_user->key(), "sources[0].user");

  const auto empty_token = config_error(make_source, source_config("class4", k_base, {{"token", ""}}));
  ASSERT_TRUE(empty_token);
  EXPECT_EQ(empty_token->key(), "sources[0].token");
}

}  // namespace
}  // namespace rosterd::sources::class4
