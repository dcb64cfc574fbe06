// Class4 as served: login, X-Auth-Token errors, 0-based pages with a total, and
// listings that shift while they are walked.

#include <set>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

// The keys of the documented example item (the DNL API's user list page), in its order.
const std::vector<std::string> k_documented_fields = {"user_id",
                                                      "passwd",
                                                      "user_type",
                                                      "active",
                                                      "carrier_name",
                                                      "default_mod",
                                                      "reseller_id",
                                                      "outbound_report",
                                                      "client_limits",
                                                      "last_name",
                                                      "role_id",
                                                      "last_login_time",
                                                      "all_termination",
                                                      "report_fields",
                                                      "client",
                                                      "report_count",
                                                      "name",
                                                      "first_name",
                                                      "cdr_expire",
                                                      "is_preload",
                                                      "landing_page",
                                                      "login_ip",
                                                      "default_mod2",
                                                      "avatar_id",
                                                      "create_user_id",
                                                      "create_time",
                                                      "agent",
                                                      "report_group",
                                                      "auth_ip",
                                                      "default_billing_decimal",
                                                      "card_id",
                                                      "email",
                                                      "last_seen",
                                                      "is_online",
                                                      "role_name",
                                                      "client_id",
                                                      "fullname",
                                                      "cdr_api_token",
                                                      "show_carrier_trunk_drop_only"};

class Class4Test : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("switch", "class4", 65);
  }

  httplib::Result page(httplib::Client& c, const std::string& token, int page_number, int per_page = 20) {
    return c.Get("/switch/v1/user/list?page=" + std::to_string(page_number) + "&per_page=" + std::to_string(per_page),
                 httplib::Headers{{"X-Auth-Token", token}});
  }

  struct Walk {
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> totals;
  };
  Walk walk(const std::string& token, int per_page) {
    auto c = client();
    Walk out;
    for (int p = 0; p < 1000; ++p) {
      const auto result = page(c, token, p, per_page);
      EXPECT_TRUE(result && result->status == 200);
      if (!result || result->status != 200) break;
      Json json(result->body);
      const auto payload = json["payload"];
      EXPECT_EQ(num(payload["page"]), p);
      EXPECT_EQ(num(payload["per_page"]), per_page);
      out.totals.insert(num(payload["total"]));
      const auto items = payload["items"].get_array();
      if (items.size() == 0) break;
      for (const auto item : items) out.ids.push_back(num(item["user_id"]));
    }
    return out;
  }

  Tenant* tenant = nullptr;
};

TEST_F(Class4Test, AuthTokenErrorsAsDocumented) {
  auto c = client();
  const auto missing = c.Get("/switch/v1/user/list");
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(
      missing->body,
      R"({"error_type":"unauthenticated_error","success":false,"error":{"message":"No header X-Auth-Token present","code":110,"reason":"auth_token_not_provided"}})");
  const auto wrong = page(c, "not-a-token", 0);
  EXPECT_EQ(wrong->status, 401);
  Json json(wrong->body);
  EXPECT_EQ(num(json["error"]["code"]), 120);
  EXPECT_EQ(str(json["error"]["reason"]), "incorrect_token_provided");
  EXPECT_EQ(page(c, tenant->options().token, 0)->status, 200) << "the static token";
  const auto bad_login =
      c.Post("/switch/v1/auth", R"({"email_or_name":"admin","password":"wrong"})", "application/json");
  EXPECT_EQ(bad_login->status, 401);
  EXPECT_EQ(str(Json(bad_login->body)["error_type"]), "unauthenticated_error");
}

TEST_F(Class4Test, LoginPayloadCarriesTokenUserAndCdrToken) {
  auto c = client();
  const auto result = c.Post(
      "/switch/v1/auth",
      R"({"email_or_name":")" + tenant->options().user + R"(","password":")" + tenant->options().password + R"("})",
      "application/json");
  ASSERT_EQ(result->status, 200);
  Json json(result->body);
  const auto payload = json["payload"];
  const auto secrets = tenant->served_secrets();
  for (const std::string& value :
       {str(payload["token"]), str(payload["cdr_api_token"]), str(payload["user"]["passwd"])}) {
    EXPECT_TRUE(std::binary_search(secrets.begin(), secrets.end(), value)) << value;
  }
  EXPECT_TRUE(payload["cdr_api_token_expiration"].is_string());
}

TEST_F(Class4Test, PagesWalkEveryUserOnceWithEveryDocumentedField) {
  const std::string token = [&] {
    auto c = client();
    return class4_login(c, *tenant);
  }();
  std::set<std::int64_t> expected;
  for (const auto& u : tenant->users()) expected.insert(u.id);
  for (const int per_page : {1, 20, 30, 65, 500}) {
    const Walk w = walk(token, per_page);
    EXPECT_EQ(std::set<std::int64_t>(w.ids.begin(), w.ids.end()), expected);
    EXPECT_EQ(w.ids.size(), expected.size());
    EXPECT_EQ(w.totals, std::set<std::int64_t>{65});
    EXPECT_TRUE(std::is_sorted(w.ids.rbegin(), w.ids.rend())) << "newest first, as the documented example";
  }
  auto c = client();
  Json json(page(c, token, 0, 65)->body);
  bool some_cdr_token = false;
  for (const auto item : json["payload"]["items"].get_array()) {
    std::vector<std::string> keys;
    for (const auto field : item.get_object()) keys.emplace_back(field.key);
    EXPECT_EQ(keys, k_documented_fields);
    EXPECT_EQ(str(item["passwd"]).rfind("$2b$12$", 0), 0u);
    some_cdr_token |= item["cdr_api_token"].is_string();
    const auto user = tenant->user(num(item["user_id"]));
    ASSERT_TRUE(user);
    EXPECT_EQ(str(item["name"]), user->username);
    EXPECT_EQ(str(item["role_name"]), user->role);
    EXPECT_EQ(str(item["user_type"]), user->group);
    EXPECT_EQ(item["active"].get_bool().value(), user->active);
  }
  EXPECT_TRUE(some_cdr_token);
}

TEST_F(Class4Test, DefaultPageSizeAndAscendingOrder) {
  auto c = client();
  const std::string token = class4_login(c, *tenant);
  const auto result = c.Get("/switch/v1/user/list?order_dir=asc", httplib::Headers{{"X-Auth-Token", token}});
  Json json(result->body);
  EXPECT_EQ(num(json["payload"]["per_page"]), 30);
  EXPECT_EQ(num(json["payload"]["page"]), 0);
  EXPECT_EQ(num(json["payload"]["items"].at(0)["user_id"]), tenant->users().front().id);
  const auto invalid = c.Get("/switch/v1/user/list?page=-1", httplib::Headers{{"X-Auth-Token", token}});
  EXPECT_EQ(invalid->status, 400);
  EXPECT_EQ(str(Json(invalid->body)["error_type"]), "validation_error");
}

TEST_F(Class4Test, InsertWhileListingShiftsItemsAndTotal) {
  auto c = client();
  const std::string token = class4_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::shift_insert, .page = 2, .times = 1});
  const Walk w = walk(token, 20);
  EXPECT_EQ(w.totals, (std::set<std::int64_t>{65, 66}));
  const std::set<std::int64_t> distinct(w.ids.begin(), w.ids.end());
  EXPECT_LT(distinct.size(), w.ids.size()) << "the last item of page 1 shows again on page 2";
  EXPECT_EQ(tenant->users().size(), 66u);
}

TEST_F(Class4Test, RemoveWhileListingSkipsAUser) {
  auto c = client();
  const std::string token = class4_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::shift_remove, .page = 3, .times = 1});
  const Walk w = walk(token, 20);
  EXPECT_EQ(w.totals, (std::set<std::int64_t>{64, 65}));
  const std::set<std::int64_t> seen(w.ids.begin(), w.ids.end());
  EXPECT_EQ(seen.size(), w.ids.size());
  std::size_t never_seen = 0;
  for (const auto& u : tenant->users()) never_seen += seen.count(u.id) == 0 ? 1u : 0u;
  EXPECT_EQ(never_seen, 1u) << "the shift skipped a user that is still listed";
}

TEST_F(Class4Test, TokenExpiresMidListingAndReloginWorks) {
  auto c = client();
  const std::string token = class4_login(c, *tenant);
  tenant->set_fault({.kind = FaultKind::expire_token, .page = 2, .times = 1});
  EXPECT_EQ(page(c, token, 0)->status, 200);
  const auto expired = page(c, token, 1);
  EXPECT_EQ(expired->status, 401);
  EXPECT_EQ(num(Json(expired->body)["error"]["code"]), 120);
  EXPECT_EQ(page(c, token, 1)->status, 401);
  EXPECT_EQ(page(c, class4_login(c, *tenant), 1)->status, 200);
}

}  // namespace
}  // namespace rosterd::sim::testing
