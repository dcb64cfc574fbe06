// Smartflo as served: login, bearer tokens, the last_seen_id cursor and its faults.

#include <set>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

class SmartfloTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("tata", "smartflo", 47);
  }

  httplib::Result page(httplib::Client& c, const std::string& token, std::int64_t last_seen_id, int limit = 10) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return c.Get("/tata/v1/users?limit=" + std::to_string(limit) + "&last_seen_id=" + std::to_string(last_seen_id),
                 headers);
  }

  // Walks the cursor; returns every id seen, in order.
  std::vector<std::int64_t> walk(const std::string& token, int limit) {
    auto c = client();
    std::vector<std::int64_t> ids;
    std::int64_t cursor = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      const auto result = page(c, token, cursor, limit);
      EXPECT_TRUE(result && result->status == 200);
      if (!result || result->status != 200) break;
      Json json(result->body);
      const auto data = json["data"].get_array();
      EXPECT_EQ(num(json["count"]), static_cast<std::int64_t>(data.size()));
      for (const auto item : data) ids.push_back(num(item["id"]));
      if (!json["has_more"].get_bool().value()) break;
      EXPECT_EQ(num(json["last_seen_id"]), ids.back());
      cursor = num(json["last_seen_id"]);
    }
    return ids;
  }

  std::vector<std::int64_t> expected_ids() const {
    std::vector<std::int64_t> ids;
    for (const auto& u : tenant->users()) ids.push_back(u.id);
    return ids;
  }

  Tenant* tenant = nullptr;
};

TEST_F(SmartfloTest, LoginShapes) {
  auto c = client();
  const auto ok =
      c.Post("/tata/v1/auth/login",
             R"({"email":")" + tenant->options().user + R"(","password":")" + tenant->options().password + R"("})",
             "application/json");
  ASSERT_TRUE(ok);
  Json json(ok->body);
  EXPECT_TRUE(json["success"].get_bool().value());
  EXPECT_EQ(str(json["token_type"]), "bearer");
  EXPECT_EQ(num(json["expires_in"]), 3600);
  EXPECT_EQ(num(json["number_of_days_left"]), 30);
  const std::string token = str(json["access_token"]);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << "JWT-shaped";

  for (int attempt = 1; attempt <= 2; ++attempt) {
    const auto bad = c.Post("/tata/v1/auth/login", R"({"email":"x@y.z","password":"nope"})", "application/json");
    ASSERT_TRUE(bad);
    Json failure(bad->body);
    EXPECT_FALSE(failure["success"].get_bool().value());
    EXPECT_EQ(str(failure["message"]), "The username or password is incorrect.");
    EXPECT_EQ(num(failure["login_failed_count"]), attempt);
  }
  const auto unreadable = c.Post("/tata/v1/auth/login", "email=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(unreadable->status, 400);
  EXPECT_EQ(unreadable->body, R"({"success":false,"message":"Invalid credentials"})");
  EXPECT_EQ(tenant->stats().logins, 1u);
  EXPECT_EQ(tenant->stats().login_failures, 3u);
}

TEST_F(SmartfloTest, CursorWalkReturnsEveryUserOnceInIdOrder) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  for (const int limit : {1, 7, 10, 47, 100}) EXPECT_EQ(walk(token, limit), expected_ids()) << "limit " << limit;
}

TEST_F(SmartfloTest, ItemsAsDocumented) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  Json json(page(c, token, 0, 47)->body);
  bool some_null_extension = false;
  for (const auto item : json["data"].get_array()) {
    const auto user = tenant->user(num(item["id"]));
    ASSERT_TRUE(user);
    const std::string agent_id = str(item["agent"]["id"]);
    EXPECT_EQ(agent_id.size(), 13u);
    EXPECT_EQ(agent_id[0], '0') << "leading zero";
    EXPECT_EQ(str(item["login_id"]), user->username);
    EXPECT_EQ(str(item["user_role"]["name"]), user->role);
    EXPECT_TRUE(item["user_role"]["id"].is_int64());
    EXPECT_TRUE(item["is_login_based_calling_enabled"].is_bool());
    EXPECT_EQ(num(item["user_status"]), user->active ? 1 : 0);
    if (item["extension"].is_null())
      some_null_extension = true;
    else
      EXPECT_EQ(str(item["extension"]), user->extension);
  }
  EXPECT_TRUE(some_null_extension);
}

TEST_F(SmartfloTest, TokensAreRequiredAndExpire) {
  auto c = client();
  EXPECT_EQ(page(c, "", 0)->status, 401);
  EXPECT_EQ(page(c, "made.up.token", 0)->status, 401);
  EXPECT_EQ(page(c, tenant->options().token, 0)->status, 200) << "the static token";
  const std::string token = smartflo_login(c, *tenant);
  EXPECT_EQ(page(c, token, 0)->status, 200);
  tenant->advance_clock(std::chrono::seconds(3599));
  EXPECT_EQ(page(c, token, 0)->status, 200);
  tenant->advance_clock(std::chrono::seconds(1));
  EXPECT_EQ(page(c, token, 0)->status, 401);
  EXPECT_EQ(page(c, tenant->options().token, 0)->status, 200) << "static tokens do not expire";
}

TEST_F(SmartfloTest, TokenExpiresMidListingAndReloginWorks) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::expire_token, .page = 2, .times = 1});
  Json first(page(c, token, 0)->body);
  const auto cursor = num(first["last_seen_id"]);
  EXPECT_EQ(page(c, token, cursor)->status, 401);
  EXPECT_EQ(page(c, token, cursor)->status, 401) << "the token stays expired";
  const std::string fresh = smartflo_login(c, *tenant);
  EXPECT_NE(fresh, token);
  EXPECT_EQ(page(c, fresh, cursor)->status, 200);
}

TEST_F(SmartfloTest, TooManyRequestsBodyHasSuccessAsAString) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::http_status, .page = 3, .times = 2, .status = 429, .retry_after = 2});
  const auto ids = [&] {
    std::vector<int> statuses;
    std::int64_t cursor = 0;
    for (int i = 0; i < 3; ++i) {
      const auto r = page(c, token, cursor);
      statuses.push_back(r->status);
      if (r->status == 200) cursor = num(Json(r->body)["last_seen_id"]);
      if (r->status == 429) {
        EXPECT_EQ(r->body, R"({ "success": "false", "message": "Too many requests." })");
        EXPECT_EQ(r->get_header_value("Retry-After"), "2");
      }
    }
    return statuses;
  };
  EXPECT_EQ(ids(), (std::vector<int>{200, 200, 429}));
  EXPECT_EQ(ids(), (std::vector<int>{200, 200, 429}));
  EXPECT_EQ(ids(), (std::vector<int>{200, 200, 200})) << "two times, then gone";
}

TEST_F(SmartfloTest, StuckCursorDoesNotAdvance) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::stuck_cursor, .page = 2});
  Json first(page(c, token, 0)->body);
  const auto cursor = num(first["last_seen_id"]);
  for (int i = 0; i < 3; ++i) {
    Json stuck(page(c, token, cursor)->body);
    EXPECT_EQ(num(stuck["last_seen_id"]), cursor);
    EXPECT_TRUE(stuck["has_more"].get_bool().value());
  }
}

TEST_F(SmartfloTest, DuplicateIdsAcrossPages) {
  auto c = client();
  const std::string token = smartflo_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::duplicate_ids, .page = 2, .times = 1});
  const auto ids = walk(token, 10);
  const std::set<std::int64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), distinct.size() + 1);
  EXPECT_EQ(distinct.size(), expected_ids().size());
}

TEST_F(SmartfloTest, RepeatedLoginsLockTheAccount) {
  TenantOptions options;
  options.name = "locked";
  options.vendor = "smartflo";
  options.login_lockout_after = 3;
  options.login_lockout_window = std::chrono::seconds(600);
  Tenant& locked = sim.add_tenant(options);
  auto c = client();
  const std::string body =
      R"({"email":")" + locked.options().user + R"(","password":")" + locked.options().password + R"("})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Post("/locked/v1/auth/login", body, "application/json")->status, 200);
  const auto refused = c.Post("/locked/v1/auth/login", body, "application/json");
  EXPECT_EQ(refused->status, 429);
  Json json(refused->body);
  EXPECT_FALSE(json["success"].get_bool().value());
  EXPECT_EQ(str(json["retry_after"]).size(), 19u) << "YYYY-MM-DD HH:MM:SS";
  locked.advance_clock(std::chrono::seconds(600));
  EXPECT_EQ(c.Post("/locked/v1/auth/login", body, "application/json")->status, 200);
}

}  // namespace
}  // namespace rosterd::sim::testing
