#include "sources/worksection/worksection_source.hpp"

#include <gtest/gtest.h>

#include <stop_token>

#include "core/secrets.hpp"
#include "fixture_support.hpp"
#include "source_test_support.hpp"

namespace rosterd::sources::worksection {
namespace {

using sources::testing::config_error;
using sources::testing::expect_no_secret;
using sources::testing::keys_of;
using sources::testing::labels_of;
using sources::testing::LogCapture;
using sources::testing::read_fixture;
using sources::testing::ScriptedClient;
using sources::testing::source_config;
using sources::testing::UserRecorder;

constexpr const char* k_api_key = "ws-key-5c3a0f9e";
// md5("action=get_users" + k_api_key), computed with md5sum.
constexpr const char* k_hash = "561cb6e997ec95fc42225ca20531b535";
constexpr const char* k_users_url =
    "https://acme.worksection.com/api/admin/v2/?action=get_users&hash=561cb6e997ec95fc42225ca20531b535";
constexpr const char* k_label = "GET https://acme.worksection.com/api/admin/v2/ action=get_users";

class WorksectionSourceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Source> source =
      make_source(source_config("worksection", "https://acme.worksection.com", {{"api_key", k_api_key}}));
  ScriptedClient client;
  std::stop_source stop;
  RunContext context{client, stop.get_token()};
  UserRecorder users;
};

TEST_F(WorksectionSourceTest, SignsTheQueryAndListsEveryUser) {
  client.expect(http::Method::get, k_users_url).reply(200, read_fixture("worksection/users_postman_example.json"));
  ASSERT_TRUE(source->fetch_users(context, users).ok());
  const auto& request = client.requests().at(0);
  EXPECT_EQ(request.label, k_label);
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(request.headers.empty());
  EXPECT_TRUE(client.every_request_had_stop_token());
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"3993", "5674", "5675"}));
  EXPECT_EQ(users.records[0].role, "owner");
}

TEST_F(WorksectionSourceTest, ToleratesATrailingSlashInTheUrl) {
  auto slashed = make_source(source_config("worksection", "https://acme.worksection.com/", {{"api_key", k_api_key}}));
  client.expect(http::Method::get, k_users_url).reply(200, R"({"status":"ok","data":[]})");
  ASSERT_TRUE(slashed->fetch_users(context, users).ok());
  EXPECT_TRUE(users.records.empty());
}

TEST_F(WorksectionSourceTest, RejectedHashIsAnAuthErrorWithTheVendorsText) {
  client.expect(http::Method::get, k_users_url).reply(200, read_fixture("worksection/error_bad_hash.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message, std::string(k_label) + ": Worksection error 2: Action hash is missed or invalid");
}

TEST_F(WorksectionSourceTest, ErrorDocumentUnderAnErrorStatusKeepsItsMeaning) {
  client.expect(http::Method::get, k_users_url).reply(400, read_fixture("worksection/error_bad_hash.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message,
            std::string(k_label) + ": HTTP 400: Worksection error 2: Action hash is missed or invalid");

  client.expect(http::Method::get, k_users_url).reply(403, "Forbidden");
  status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message, std::string(k_label) + ": HTTP 403");
}

TEST_F(WorksectionSourceTest, Http500IsAnHttpErrorNamingTheLabel) {
  client.expect(http::Method::get, k_users_url).reply(500, read_fixture("worksection/html_page.html"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::http);
  EXPECT_EQ(status.error().message, std::string(k_label) + ": HTTP 500");
}

TEST_F(WorksectionSourceTest, TransportAndParseErrorsCarryTheLabel) {
  client.expect(http::Method::get, k_users_url).fail(core::ErrorKind::connection, "could not connect to acme");
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::connection);
  EXPECT_EQ(status.error().message, std::string(k_label) + ": could not connect to acme");

  client.expect(http::Method::get, k_users_url).reply(200, R"({"status":"ok","data":[{"id":"1"},{"id":"1"}]})");
  status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.rfind(std::string(k_label) + ": ", 0), 0u) << status.error().message;
  EXPECT_TRUE(users.records.empty());  // nothing from a listing that failed validation
}

TEST_F(WorksectionSourceTest, ReturnsTheSinksError) {
  client.expect(http::Method::get, k_users_url).reply(200, read_fixture("worksection/users_postman_example.json"));
  users.fail_after = 2;
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "sink is full");
}

TEST_F(WorksectionSourceTest, CheckConnectionMakesTheSignedCall) {
  client.expect(http::Method::get, k_users_url).reply(200, read_fixture("worksection/error_bad_hash.json"));
  auto status = source->check_connection(context);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  client.expect(http::Method::get, k_users_url).reply(200, R"({"status":"ok","data":[]})");
  EXPECT_TRUE(source->check_connection(context).ok());
}

TEST_F(WorksectionSourceTest, NeitherKeyNorHashLeaveTheUrl) {
  LogCapture log;
  client.expect(http::Method::get, k_users_url).reply(200, read_fixture("worksection/error_bad_hash.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  auto texts = labels_of(client);
  texts.push_back(status.error().message);
  for (const auto& line : log.lines()) texts.push_back(line);
  expect_no_secret(texts, {k_api_key, k_hash});
  // The hash is registered, so a log line that did quote the URL would be masked.
  EXPECT_EQ(core::secrets().redact(k_users_url).find(k_hash), std::string::npos);
}

TEST(WorksectionMakeSource, RequiresTheApiKey) {
  const auto missing = config_error(make_source, source_config("worksection", "https://a.worksection.com", {}));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->key(), "sources[0].api_key");
  const auto empty =
      config_error(make_source, source_config("worksection", "https://a.worksection.com", {{"api_key", ""}}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->location().line, 10);
}

}  // namespace
}  // namespace rosterd::sources::worksection
