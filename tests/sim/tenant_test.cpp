// Tenants: deterministic generation, mutations that show in the next listing, the
// page cache, and served_secrets() covering what is served.

#include <set>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

TEST(TenantGeneration, SameSeedSameUsersOtherSeedOtherUsers) {
  const std::atomic<int> port{0};
  for (const std::string vendor : {"crocodial", "worksection", "smartflo", "class4"}) {
    TenantOptions options;
    options.name = "t";
    options.vendor = vendor;
    options.users = 50;
    options.seed = 42;
    Tenant a(options, &port), b(options, &port);
    EXPECT_EQ(a.users(), b.users());
    EXPECT_EQ(a.options().password, b.options().password);
    EXPECT_EQ(a.users().size(), 50u);
    std::set<std::int64_t> ids;
    std::set<std::string> usernames;
    for (const auto& u : a.users()) {
      ids.insert(u.id);
      usernames.insert(u.username);
    }
    EXPECT_EQ(ids.size(), 50u);
    EXPECT_EQ(usernames.size(), 50u);
    options.seed = 43;
    Tenant c(options, &port);
    EXPECT_NE(a.users(), c.users());
  }
}

TEST(TenantGeneration, CredentialsAreFilledButGivenOnesKept) {
  const std::atomic<int> port{0};
  TenantOptions options;
  options.name = "x";
  options.vendor = "smartflo";
  options.password = "given-password";
  Tenant tenant(options, &port);
  EXPECT_EQ(tenant.options().password, "given-password");
  EXPECT_FALSE(tenant.options().user.empty());
  EXPECT_FALSE(tenant.options().token.empty());
}

class TenantTest : public SimTest {};

TEST_F(TenantTest, MutationsShowInTheNextListing) {
  Tenant& t = add("sw", "class4", 10);
  auto c = client();
  const auto listed = [&] {
    std::map<std::int64_t, std::string> out;  // id -> email
    Json json(c.Get("/sw/v1/user/list?per_page=100", httplib::Headers{{"X-Auth-Token", t.options().token}})->body);
    for (const auto item : json["payload"]["items"].get_array()) out[num(item["user_id"])] = str(item["email"]);
    return out;
  };
  const auto before = listed();
  const auto victim = t.users()[3];
  t.update_user(victim.id, [](SimUser& u) { u.email = "changed@example.com"; });
  EXPECT_EQ(listed().at(victim.id), "changed@example.com");
  t.remove_user(victim.id);
  EXPECT_EQ(listed().count(victim.id), 0u);
  EXPECT_TRUE(t.user(victim.id)) << "kept for restore";
  t.restore_user(victim.id);
  EXPECT_EQ(listed().at(victim.id), "changed@example.com");
  const SimUser added = t.add_user();
  EXPECT_GT(added.id, before.rbegin()->first);
  EXPECT_EQ(listed().count(added.id), 1u);
  SimUser explicit_user;
  explicit_user.id = 5;
  explicit_user.username = "five";
  explicit_user.email = "five@example.com";
  explicit_user.group = "viewer";
  explicit_user.role = "Viewer";
  explicit_user.extra_json["report_count"] = R"("24 Hours")";
  explicit_user.extra_json["carrier_name"] = R"("Acme Carrier")";
  t.add_user(explicit_user);
  EXPECT_EQ(listed().at(5), "five@example.com");
  Json json(c.Get("/sw/v1/user/list?per_page=100&order_dir=asc", httplib::Headers{{"X-Auth-Token", t.options().token}})
                ->body);
  const auto first = json["payload"]["items"].at(0);
  EXPECT_EQ(str(first["report_count"]), "24 Hours");
  EXPECT_EQ(str(first["carrier_name"]), "Acme Carrier");
  EXPECT_EQ(first.get_object().value().size(), 39u) << "overridden in place, not repeated";

  EXPECT_THROW(t.add_user(explicit_user), std::invalid_argument);
  EXPECT_THROW(t.remove_user(999999), std::out_of_range);
  EXPECT_THROW(t.update_user(victim.id, [](SimUser& u) { u.id = 1; }), std::invalid_argument);
}

TEST_F(TenantTest, PagesAreCachedUntilTheTenantChanges) {
  Tenant& t = add("sf", "smartflo", 30);
  auto c = client();
  const httplib::Headers auth{{"Authorization", "Bearer " + t.options().token}};
  const auto body = c.Get("/sf/v1/users?limit=10", auth)->body;
  EXPECT_EQ(c.Get("/sf/v1/users?limit=10", auth)->body, body);
  EXPECT_EQ(t.stats().renders, 1u);
  EXPECT_EQ(t.stats().cache_hits, 1u);
  t.update_user(t.users().front().id, [](SimUser& u) { u.first_name = "Renamed"; });
  const auto changed = c.Get("/sf/v1/users?limit=10", auth)->body;
  EXPECT_NE(changed, body);
  EXPECT_NE(changed.find("Renamed"), std::string::npos);
  EXPECT_EQ(t.stats().renders, 2u);
}

// Every secret-looking value in what a tenant serves is in served_secrets().
TEST_F(TenantTest, ServedSecretsCoverWhatIsServed) {
  Tenant& croco = add("croco", "crocodial", 15);
  Tenant& c4 = add("c4", "class4", 40);
  auto c = client();
  const auto croco_secrets = croco.served_secrets();
  for (const auto& user : croco.users()) {
    auto params = croco_params(croco, "getUserInfo");
    params.emplace("user", user.username);
    Json json(c.Post("/croco/goAPIv2/goUsers/goAPI.php", params)->body);
    for (const auto field : json["data"]["user_info"].get_object()) {
      if (std::string_view(field.key).find("pass") == std::string_view::npos) continue;
      EXPECT_TRUE(std::binary_search(croco_secrets.begin(), croco_secrets.end(), str(field.value))) << field.key;
    }
  }
  EXPECT_TRUE(std::binary_search(croco_secrets.begin(), croco_secrets.end(), croco.options().password));

  const std::string token = class4_login(c, c4);
  const auto c4_secrets = c4.served_secrets();
  EXPECT_TRUE(std::binary_search(c4_secrets.begin(), c4_secrets.end(), token));
  Json json(c.Get("/c4/v1/user/list?per_page=100", httplib::Headers{{"X-Auth-Token", token}})->body);
  for (const auto item : json["payload"]["items"].get_array()) {
    EXPECT_TRUE(std::binary_search(c4_secrets.begin(), c4_secrets.end(), str(item["passwd"])));
    if (item["cdr_api_token"].is_string()) {
      EXPECT_TRUE(std::binary_search(c4_secrets.begin(), c4_secrets.end(), str(item["cdr_api_token"])));
    }
  }
  Tenant& ws = add("ws", "worksection", 3);
  const auto ws_secrets = ws.served_secrets();
  const std::string signature = worksection_path(ws).substr(worksection_path(ws).find("hash=") + 5);
  EXPECT_TRUE(std::binary_search(ws_secrets.begin(), ws_secrets.end(), signature));
  EXPECT_TRUE(std::binary_search(ws_secrets.begin(), ws_secrets.end(), ws.options().api_key));
}

TEST_F(TenantTest, UnusualTextSurvivesJsonRoundTrip) {
  TenantOptions options;
  options.name = "odd";
  options.vendor = "smartflo";
  options.users = 60;
  options.unusual_text = true;
  Tenant& t = sim.add_tenant(options);
  auto c = client();
  Json json(c.Get("/odd/v1/users?limit=100", httplib::Headers{{"Authorization", "Bearer " + t.options().token}})->body);
  ASSERT_TRUE(json.ok());
  std::map<std::int64_t, std::string> names;
  for (const auto item : json["data"].get_array()) names[num(item["id"])] = str(item["name"]);
  bool quote = false, backslash = false, emoji = false, combining = false, rtl = false, long_value = false;
  for (const auto& u : t.users()) {
    const std::string name = u.full_name();
    EXPECT_EQ(names.at(u.id), name);
    quote |= name.find('"') != std::string::npos;
    backslash |= name.find('\\') != std::string::npos;
    emoji |= name.find("\xf0\x9f") != std::string::npos;
    combining |= name.find("\xcc\x88") != std::string::npos;
    rtl |= name.find("\xd7\xa9") != std::string::npos || name.find("\xd9\x85") != std::string::npos;
    long_value |= name.size() > 2000;
  }
  EXPECT_TRUE(quote && backslash && emoji && combining && rtl && long_value);
}

TEST_F(TenantTest, ConfigUrlsAndSourceYaml) {
  Tenant& croco = add("acme", "crocodial", 1);
  Tenant& ws = add("projects", "worksection", 1);
  const std::string base = "http://127.0.0.1:" + std::to_string(sim.port());
  EXPECT_EQ(croco.config_url(), base + "/acme/goAPIv2/goUsers/goAPI.php");
  EXPECT_EQ(ws.config_url(), base + "/projects");
  EXPECT_NE(croco.source_yaml().find("type: crocodial"), std::string::npos);
  EXPECT_NE(ws.source_yaml().find(ws.options().api_key), std::string::npos);
  EXPECT_THROW(add("acme", "class4"), std::invalid_argument);
  EXPECT_THROW(add("Bad Name", "class4"), std::invalid_argument);
  EXPECT_THROW(sim.tenant("nope"), std::out_of_range);
  EXPECT_EQ(client().Get("/nope/v1/user/list")->status, 404);
  EXPECT_EQ(client().Get("/acme/v1/user/list")->status, 404) << "the route must match the tenant's vendor";
}

}  // namespace
}  // namespace rosterd::sim::testing
