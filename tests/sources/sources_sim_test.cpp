// The four sources over the real libcurl client against the vendor simulator on
// 127.0.0.1: what the scripted-client tests assume of the wire, checked end to end,
// including the simulator's faults (stuck cursor, shifting pages, expired tokens).

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stop_token>

#include "http/curl_client.hpp"
#include "http/retrying_client.hpp"
#include "model/canonical.hpp"
#include "sim/simulator.hpp"
#include "source_test_support.hpp"
#include "sources/class4/class4_source.hpp"
#include "sources/crocodial/crocodial_source.hpp"
#include "sources/registry.hpp"
#include "sources/smartflo/smartflo_source.hpp"
#include "sources/worksection/worksection_source.hpp"

namespace rosterd::sources {
namespace {

using testing::EntityRecorder;
using testing::expect_no_secret;
using testing::keys_of;
using testing::LogCapture;
using testing::source_config;
using testing::UserRecorder;

// Retries without waiting: the simulator's faults are deterministic.
class NoWait final : public http::Sleeper {
 public:
  bool sleep_for(std::chrono::milliseconds, std::stop_token stop) override { return !stop.stop_requested(); }
};

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> listed_ids(const sim::Tenant& tenant) {
  std::vector<std::string> ids;
  for (const auto& user : tenant.users()) ids.push_back(std::to_string(user.id));
  return sorted(std::move(ids));
}

class SourcesAgainstSimulator : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_simulator = new sim::Simulator();
    s_simulator->start();
  }
  static void TearDownTestSuite() {
    delete s_simulator;
    s_simulator = nullptr;
  }

  sim::Tenant& add_tenant(const std::string& vendor, int user_count, sim::TenantOptions options = {}) {
    static std::atomic<int> counter{0};
    options.name = fmt::format("t{}", ++counter);
    options.vendor = vendor;
    options.users = user_count;
    return s_simulator->add_tenant(std::move(options));
  }

  // The source configured with the tenant's login credentials (extra settings appended).
  static std::unique_ptr<Source> source_for(const sim::Tenant& tenant,
                                            std::vector<std::pair<std::string, std::string>> extra = {}) {
    const auto& o = tenant.options();
    std::vector<std::pair<std::string, std::string>> settings;
    if (o.vendor == "worksection") {
      settings = {{"api_key", o.api_key}};
    } else if (o.vendor == "smartflo") {
      settings = {{"email", o.user}, {"password", o.password}};
    } else {  // crocodial, class4
      settings = {{"user", o.user}, {"password", o.password}};
    }
    settings.insert(settings.end(), extra.begin(), extra.end());
    return create_source(source_config(o.vendor, tenant.config_url(), settings));
  }

  core::Status fetch(Source& source) {
    users = UserRecorder{};
    auto status = source.fetch_users(context, users);
    if (!status) messages.push_back(status.error().message);
    return status;
  }

  static sim::Simulator* s_simulator;
  http::CurlClient curl;
  NoWait no_wait;
  http::RetryingClient retrying{curl, http::RetryPolicy{2, {}, {}, std::chrono::seconds(5), {}}, no_wait};
  std::stop_source stop;
  RunContext context{retrying, stop.get_token()};
  UserRecorder users;
  std::vector<std::string> messages;
};

sim::Simulator* SourcesAgainstSimulator::s_simulator = nullptr;

TEST_F(SourcesAgainstSimulator, CrocodialListsActiveAndInactiveUsersAndTheEntities) {
  sim::TenantOptions options;
  options.inactive_percent = 30;
  auto& tenant = add_tenant("crocodial", 40, options);
  tenant.set_fault({.kind = sim::FaultKind::php_warning, .times = 1});
  auto source = source_for(tenant);
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));
  int inactive = 0;
  for (const auto& user : users.records) {
    const auto expected = tenant.user(std::stoll(user.external_id));
    ASSERT_TRUE(expected);
    EXPECT_EQ(user.active, expected->active) << user.external_id;
    inactive += user.active == false ? 1 : 0;
  }
  EXPECT_GT(inactive, 0);

  for (auto [dataset, items] : {std::pair{model::Dataset::portfolios, tenant.portfolios()},
                                std::pair{model::Dataset::profiles, tenant.profiles()}}) {
    EntityRecorder entities;
    auto status = source->fetch_entities(context, dataset, entities);
    ASSERT_TRUE(status.ok()) << status.error().message;
    std::vector<std::string> expected;
    for (const auto& item : items) expected.push_back(item.id);
    EXPECT_EQ(sorted(keys_of(entities.records)), sorted(expected)) << model::to_string(dataset);
  }

  // Whether all_campaigns holds ids or names is undocumented (the simulator serves
  // names, the parser reads ids); the preview campaigns carry both and must arrive.
  EntityRecorder campaigns;
  auto status = source->fetch_entities(context, model::Dataset::campaigns, campaigns);
  ASSERT_TRUE(status.ok()) << status.error().message;
  const auto served = tenant.campaigns();
  for (std::size_t i = 0; i < served.size(); i += 2) {
    const auto found = std::find_if(campaigns.records.begin(), campaigns.records.end(),
                                    [&](const model::NamedEntity& e) { return e.key == served[i].id; });
    ASSERT_NE(found, campaigns.records.end()) << served[i].id;
    EXPECT_EQ(found->name, served[i].name);
  }
}

TEST_F(SourcesAgainstSimulator, CrocodialBadPasswordIsAnAuthError) {
  auto& tenant = add_tenant("crocodial", 5);
  const auto& o = tenant.options();
  auto source = crocodial::make_source(
      source_config("crocodial", tenant.config_url(), {{"user", o.user}, {"password", "wrong-password"}}));
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth) << status.error().message;
}

TEST_F(SourcesAgainstSimulator, WorksectionSignedListing) {
  auto& tenant = add_tenant("worksection", 25);
  auto source = source_for(tenant);
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));

  auto wrong =
      worksection::make_source(source_config("worksection", tenant.config_url() + "/", {{"api_key", "not-the-key"}}));
  auto status = fetch(*wrong);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth) << status.error().message;
}

TEST_F(SourcesAgainstSimulator, SmartfloPagesWithOneLoginForManyRuns) {
  sim::TenantOptions options;
  options.login_lockout_after = 2;  // a third login within the window would lock the account
  auto& tenant = add_tenant("smartflo", 45, options);
  auto source = source_for(tenant, {{"page_size", "10"}});
  for (int run = 0; run < 4; ++run) {
    ASSERT_TRUE(fetch(*source).ok()) << messages.back();
    EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));
  }
  EXPECT_EQ(tenant.stats().logins, 1u);
  EXPECT_EQ(tenant.stats().listing_pages, 4u * 5u);

  tenant.expire_tokens();
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(tenant.stats().logins, 2u);
}

TEST_F(SourcesAgainstSimulator, SmartfloExpiredTokenMidListingIsReplacedOnce) {
  auto& tenant = add_tenant("smartflo", 30);
  auto source = source_for(tenant, {{"page_size", "10"}});
  tenant.set_fault({.kind = sim::FaultKind::expire_token, .page = 2, .times = 1});
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));
  EXPECT_EQ(tenant.stats().logins, 2u);
}

TEST_F(SourcesAgainstSimulator, SmartfloStuckCursorFailsTheRun) {
  auto& tenant = add_tenant("smartflo", 30);
  auto source = source_for(tenant, {{"page_size", "10"}});
  tenant.set_fault({.kind = sim::FaultKind::stuck_cursor, .page = 2});
  auto status = fetch(*source);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete) << status.error().message;
}

TEST_F(SourcesAgainstSimulator, Class4PagesAndFollowsTheServersPageCap) {
  sim::TenantOptions options;
  options.max_page_size = 7;
  auto& tenant = add_tenant("class4", 30, options);
  auto source = source_for(tenant, {{"page_size", "10"}});
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));
  EXPECT_EQ(tenant.stats().listing_pages, 5u);  // 30 users, 7 per page
  EXPECT_EQ(tenant.stats().logins, 1u);
}

TEST_F(SourcesAgainstSimulator, Class4ListsOnceMoreWhenThePagesShiftOnce) {
  auto& tenant = add_tenant("class4", 30);
  auto source = source_for(tenant, {{"page_size", "10"}});
  tenant.set_fault({.kind = sim::FaultKind::shift_insert, .page = 2, .times = 1});
  ASSERT_TRUE(fetch(*source).ok()) << messages.back();
  EXPECT_EQ(users.restarts, 1);
  EXPECT_EQ(users.records.size(), 31u);
  EXPECT_EQ(sorted(keys_of(users.records)), listed_ids(tenant));
}

TEST_F(SourcesAgainstSimulator, Class4FailsWhenThePagesKeepShiftingOrRepeat) {
  for (auto kind : {sim::FaultKind::shift_remove, sim::FaultKind::shift_insert, sim::FaultKind::duplicate_ids}) {
    auto& tenant = add_tenant("class4", 30);
    auto source = source_for(tenant, {{"page_size", "10"}});
    tenant.set_fault({.kind = kind, .page = 2});
    auto status = fetch(*source);
    ASSERT_FALSE(status.ok()) << sim::fault_kind_name(kind);
    EXPECT_EQ(status.error().kind, core::ErrorKind::incomplete) << status.error().message;
    EXPECT_EQ(users.restarts, 1) << sim::fault_kind_name(kind);
  }
}

TEST_F(SourcesAgainstSimulator, CutShortOrMalformedPagesFailTheRun) {
  const std::pair<std::string, sim::FaultKind> cases[] = {
      {"class4", sim::FaultKind::truncate_close},    {"smartflo", sim::FaultKind::truncate_chunked},
      {"crocodial", sim::FaultKind::malformed_json}, {"worksection", sim::FaultKind::html_page},
      {"smartflo", sim::FaultKind::empty_body},
  };
  for (const auto& [vendor, kind] : cases) {
    auto& tenant = add_tenant(vendor, 30);
    auto source = source_for(tenant, vendor == "smartflo" || vendor == "class4"
                                         ? std::vector<std::pair<std::string, std::string>>{{"page_size", "10"}}
                                         : std::vector<std::pair<std::string, std::string>>{});
    tenant.set_fault({.kind = kind, .page = vendor == "class4" || vendor == "smartflo" ? 2 : 0});
    auto status = fetch(*source);
    EXPECT_FALSE(status.ok()) << vendor << " " << sim::fault_kind_name(kind);
  }
}

TEST_F(SourcesAgainstSimulator, NoServedSecretInMessagesOrLogs) {
  LogCapture log;
  std::vector<std::string> secrets;
  for (const std::string vendor : {"crocodial", "worksection", "smartflo", "class4"}) {
    auto& tenant = add_tenant(vendor, 12);
    auto source = source_for(tenant);
    ASSERT_TRUE(fetch(*source).ok()) << messages.back();
    tenant.set_fault({.kind = sim::FaultKind::auth_failure});
    if (vendor == "smartflo" || vendor == "class4") tenant.expire_tokens();
    EXPECT_FALSE(fetch(*source).ok()) << vendor;
    auto served = tenant.served_secrets();
    secrets.insert(secrets.end(), served.begin(), served.end());
  }
  EXPECT_EQ(messages.size(), 4u);
  auto texts = messages;
  for (const auto& line : log.lines()) texts.push_back(line);
  for (const auto& user_records : {users.records}) {
    for (const auto& user : user_records) texts.push_back(model::snapshot_json(user));
  }
  expect_no_secret(texts, secrets);
}

}  // namespace
}  // namespace rosterd::sources
