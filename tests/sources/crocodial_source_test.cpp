#include "sources/crocodial/crocodial_source.hpp"

#include <gtest/gtest.h>

#include <stop_token>

#include "fixture_support.hpp"
#include "source_test_support.hpp"

namespace rosterd::sources::crocodial {
namespace {

using sources::testing::config_error;
using sources::testing::EntityRecorder;
using sources::testing::expect_no_secret;
using sources::testing::keys_of;
using sources::testing::labels_of;
using sources::testing::LogCapture;
using sources::testing::read_fixture;
using sources::testing::ScriptedClient;
using sources::testing::source_config;
using sources::testing::UserRecorder;

constexpr const char* k_url = "https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php";
constexpr const char* k_password = "croco-Pass-7731";
constexpr const char* k_active_label =
    "POST https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php goAction=goGetAllUsers only_inactives=0";
constexpr const char* k_inactive_label =
    "POST https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php goAction=goGetAllUsers only_inactives=1";

std::string form(std::string_view action, std::string_view extra = {}) {
  return fmt::format("goAction={}&goUser=api%20user&goPass={}&responsetype=json{}", action, k_password, extra);
}

std::string users_body(std::string_view users, std::string_view campaigns = R"(,"all_campaigns":[])") {
  return fmt::format(R"({{"result":"success","data":{{"user_list":[{}]{}}}}})", users, campaigns);
}

class CrocodialSourceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Source> source =
      make_source(source_config("crocodial", k_url, {{"user", "api user"}, {"password", k_password}}));
  ScriptedClient client;
  std::stop_source stop;
  RunContext context{client, stop.get_token()};
  UserRecorder users;
  EntityRecorder entities;

  ScriptedClient::Step& expect_listing() { return client.expect(http::Method::post, k_url); }
};

TEST_F(CrocodialSourceTest, PostsBothListingsAsFormsAndMergesThemWithDefaultActiveFlags) {
  expect_listing().reply(200, users_body(R"({"user_id":1,"user":"a"},{"user_id":2,"user":"b","active":"N"})"));
  expect_listing().reply(200, users_body(R"({"user_id":"3","user":"c"},{"user_id":4,"user":"d","active":"Y"})"));
  ASSERT_TRUE(source->fetch_users(context, users).ok());

  ASSERT_EQ(client.requests().size(), 2u);
  const auto& first = client.requests()[0];
  EXPECT_EQ(first.content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(first.body, form("goGetAllUsers", "&only_inactives=0"));
  EXPECT_EQ(first.label, k_active_label);
  EXPECT_TRUE(first.headers.empty());
  EXPECT_EQ(client.requests()[1].body, form("goGetAllUsers", "&only_inactives=1"));
  EXPECT_EQ(client.requests()[1].label, k_inactive_label);
  EXPECT_TRUE(client.every_request_had_stop_token());

  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(users.records[0].active, true);   // active listing, no field
  EXPECT_EQ(users.records[1].active, false);  // the field wins
  EXPECT_EQ(users.records[2].active, false);  // inactive listing, no field
  EXPECT_EQ(users.records[3].active, true);   // the field wins
  EXPECT_EQ(users.restarts, 0);
}

TEST_F(CrocodialSourceTest, NoRowsForInactiveUsersIsAnEmptyListing) {
  expect_listing().reply(200, read_fixture("crocodial/users_doc_example.json"));
  expect_listing().reply(200, read_fixture("crocodial/users_no_rows.json"));
  ASSERT_TRUE(source->fetch_users(context, users).ok());
  EXPECT_EQ(keys_of(users.records), std::vector<std::string>{"2222"});
}

TEST_F(CrocodialSourceTest, UserInBothListingsRestartsAndFetchesThePairOnceMore) {
  expect_listing().reply(200, users_body(R"({"user_id":1},{"user_id":2})"));
  expect_listing().reply(200, users_body(R"({"user_id":5},{"user_id":2})"));
  expect_listing().reply(200, users_body(R"({"user_id":1})"));
  expect_listing().reply(200, users_body(R"({"user_id":2})"));
  ASSERT_TRUE(source->fetch_users(context, users).ok());
  EXPECT_EQ(users.restarts, 1);
  EXPECT_EQ(keys_of(users.records), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(users.records[1].active, false);
  EXPECT_EQ(client.requests()[2].body, form("goGetAllUsers", "&only_inactives=0"));
  EXPECT_EQ(client.unused_steps(), 0u);
}

TEST_F(CrocodialSourceTest, UserInBothListingsTwiceFailsAsIncomplete) {
  for (int pair = 0; pair < 2; ++pair) {
    expect_listing().reply(200, users_body(R"({"user_id":2222})"));
    expect_listing().reply(200, users_body(R"({"user_id":"2222"})"));
  }
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete);
  EXPECT_EQ(status.error().message.rfind(
                "POST https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php goAction=goGetAllUsers: user 2222 was in "
                "both",
                0),
            0u)
      << status.error().message;
  EXPECT_EQ(users.restarts, 1);
  EXPECT_EQ(client.requests().size(), 4u);
}

TEST_F(CrocodialSourceTest, TextBeforeTheJsonIsLoggedAsAWarning) {
  LogCapture log;
  expect_listing().reply(200, read_fixture("crocodial/users_php_warning.txt"));
  expect_listing().reply(200, read_fixture("crocodial/users_no_rows.json"));
  ASSERT_TRUE(source->fetch_users(context, users).ok());
  EXPECT_EQ(users.records.size(), 2u);
  const auto text = log.text();
  EXPECT_NE(text.find(fmt::format("acme-crocodial: {}: ", k_active_label)), std::string::npos) << text;
  EXPECT_NE(text.find("bytes of text before the JSON"), std::string::npos) << text;
}

TEST_F(CrocodialSourceTest, VendorErrorDocumentsUnderHttp200AreErrors) {
  const std::pair<const char*, core::ErrorKind> cases[] = {
      {"crocodial/error_invalid_credentials.json", core::ErrorKind::auth},
      {"crocodial/error_permission.json", core::ErrorKind::auth},
      {"crocodial/error_command_not_found.json", core::ErrorKind::vendor},
      {"crocodial/html_page.html", core::ErrorKind::parse},
      {"crocodial/empty.txt", core::ErrorKind::parse},
  };
  for (const auto& [fixture, kind] : cases) {
    ScriptedClient fresh;
    RunContext run{fresh, {}};
    fresh.expect(http::Method::post, k_url).reply(200, read_fixture(fixture));
    UserRecorder sink;
    auto status = source->fetch_users(run, sink);
    ASSERT_FALSE(status.ok()) << fixture;
    EXPECT_EQ(status.error().kind, kind) << fixture << ": " << status.error().message;
    EXPECT_EQ(status.error().message.rfind(std::string(k_active_label) + ": ", 0), 0u) << status.error().message;
    EXPECT_EQ(status.error().message.find(k_password), std::string::npos);
  }
}

TEST_F(CrocodialSourceTest, InvalidCredentialsNameTheVendorsText) {
  expect_listing().reply(200, read_fixture("crocodial/error_invalid_credentials.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, std::string(k_active_label) + ": CrocoDial error: Invalid Username/Password");
}

TEST_F(CrocodialSourceTest, Http500IsAnHttpErrorNamingTheLabel) {
  expect_listing().reply(500, "<html>oops</html>");
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::http);
  EXPECT_EQ(status.error().message, std::string(k_active_label) + ": HTTP 500");
}

TEST_F(CrocodialSourceTest, Http401WithAnErrorDocumentIsAnAuthErrorQuotingIt) {
  expect_listing().reply(401, read_fixture("crocodial/error_invalid_credentials.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message,
            std::string(k_active_label) + ": HTTP 401: CrocoDial error: Invalid Username/Password");
}

TEST_F(CrocodialSourceTest, TransportErrorIsPassedThroughWithTheLabel) {
  expect_listing().reply(200, users_body(R"({"user_id":1})"));
  client.expect(http::Method::post, k_url).fail(core::ErrorKind::timeout, "timed out after 30s");
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::timeout);
  EXPECT_EQ(status.error().message, std::string(k_inactive_label) + ": timed out after 30s");
}

TEST_F(CrocodialSourceTest, StopBetweenTheTwoListingsCancels) {
  expect_listing().reply(200, users_body(R"({"user_id":1})")).then([&] { stop.request_stop(); });
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::cancelled);
  EXPECT_EQ(status.error().message, "interrupted");
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(CrocodialSourceTest, ReturnsTheSinksError) {
  expect_listing().reply(200, users_body(R"({"user_id":1},{"user_id":2})"));
  users.fail_after = 1;
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::storage);
  EXPECT_EQ(status.error().message, "sink is full");
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(CrocodialSourceTest, CampaignsMergeBothResponsesById) {
  expect_listing().reply(200, read_fixture("crocodial/users_doc_example.json"));
  expect_listing().reply(
      200,
      users_body(
          R"({"user_id":7})",
          R"(,"all_campaigns":["NEWLOANS","ZETA"],"all_preview_campaigns":[{"campaign_id":"SERVERS","campaign_name":"Servers"}])"));
  ASSERT_TRUE(source->fetch_entities(context, model::Dataset::campaigns, entities).ok());
  EXPECT_EQ(keys_of(entities.records), (std::vector<std::string>{"12345678", "234567891", "COLLECTIONS", "CUSTSERVICE",
                                                                 "NEWLOANS", "SERVERS", "ZETA"}));
  const auto& servers = entities.records[5];
  EXPECT_EQ(servers.name, "Servers");
  EXPECT_EQ(servers.attributes.at("preview"), "true");
  EXPECT_EQ(entities.records[0].name, "PAYMENTS");
  EXPECT_EQ(client.requests()[1].body, form("goGetAllUsers", "&only_inactives=1"));
}

TEST_F(CrocodialSourceTest, CampaignsWithoutAnyCampaignListFail) {
  expect_listing().reply(200, users_body(R"({"user_id":1})", ""));
  expect_listing().reply(200, read_fixture("crocodial/users_no_rows.json"));
  auto status = source->fetch_entities(context, model::Dataset::campaigns, entities);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete);
  EXPECT_NE(status.error().message.find("neither response carried a campaign list"), std::string::npos);
  EXPECT_TRUE(entities.records.empty());
}

TEST_F(CrocodialSourceTest, PortfoliosAndProfilesUseTheirActions) {
  expect_listing().reply(200, read_fixture("crocodial/portfolios_doc_example.json"));
  ASSERT_TRUE(source->fetch_entities(context, model::Dataset::portfolios, entities).ok());
  EXPECT_EQ(client.requests()[0].body, form("getAllPortfolios"));
  EXPECT_EQ(client.requests()[0].label,
            "POST https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php goAction=getAllPortfolios");
  EXPECT_EQ(keys_of(entities.records), (std::vector<std::string>{"ABC", "XYZ", "MNO", "PQR"}));

  EntityRecorder profiles;
  expect_listing().reply(200, read_fixture("crocodial/profiles_doc_example.json"));
  ASSERT_TRUE(source->fetch_entities(context, model::Dataset::profiles, profiles).ok());
  EXPECT_EQ(client.requests()[1].body, form("getAllProfiles"));
  EXPECT_EQ(keys_of(profiles.records), (std::vector<std::string>{"COLLECTIONS", "CUSTOMER_SERVICE", "SALES_SUPPORT"}));
}

TEST_F(CrocodialSourceTest, NoRowsPortfoliosAreAnEmptyList) {
  expect_listing().reply(200, read_fixture("crocodial/portfolios_no_rows.json"));
  ASSERT_TRUE(source->fetch_entities(context, model::Dataset::portfolios, entities).ok());
  EXPECT_TRUE(entities.records.empty());
}

TEST_F(CrocodialSourceTest, PerUserDatasetsAreNotListings) {
  auto status = source->fetch_entities(context, model::Dataset::user_stats, entities);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::config);
  EXPECT_TRUE(client.requests().empty());
}

TEST_F(CrocodialSourceTest, CheckConnectionListsInactiveUsersOnce) {
  expect_listing().reply(200, read_fixture("crocodial/users_no_rows.json"));
  ASSERT_TRUE(source->check_connection(context).ok());
  EXPECT_EQ(client.requests()[0].body, form("goGetAllUsers", "&only_inactives=1"));

  expect_listing().reply(200, read_fixture("crocodial/error_invalid_credentials.json"));
  auto status = source->check_connection(context);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
}

TEST_F(CrocodialSourceTest, ThePasswordAppearsOnlyInTheFormBody) {
  LogCapture log;
  expect_listing().reply(200, read_fixture("crocodial/users_php_warning.txt"));
  expect_listing().reply(200, read_fixture("crocodial/error_invalid_credentials.json"));
  auto status = source->fetch_users(context, users);
  ASSERT_FALSE(status.ok());
  for (const auto& request : client.requests()) {
    EXPECT_EQ(request.url, k_url);  // never in a query string
    EXPECT_NE(request.body.find(k_password), std::string::npos);
  }
  auto texts = labels_of(client);
  texts.push_back(status.error().message);
  for (const auto& line : log.lines()) texts.push_back(line);
  expect_no_secret(texts, {k_password});
}

TEST(CrocodialMakeSource, RequiresUserAndPassword) {
  const auto missing = config_error(make_source, source_config("crocodial", k_url, {{"user", "api"}}));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->key(), "sources[0].password");
  EXPECT_EQ(missing->location().line, 9);  // the source's block

  const auto empty = config_error(make_source, source_config("crocodial", k_url, {{"user", ""}, {"password", "x"}}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->key(), "sources[0].user");
  EXPECT_EQ(empty->location().line, 10);  // the setting itself

  EXPECT_FALSE(config_error(make_source, source_config("crocodial", k_url, {{"user", "a"}, {"password", "b"}})));
}

}  // namespace
}  // namespace rosterd::sources::crocodial
