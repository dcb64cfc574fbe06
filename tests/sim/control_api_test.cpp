// The /_sim/ control API drives the same state as the C++ API.

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

class ControlApiTest : public SimTest {
 protected:
  httplib::Result post(const std::string& path, const std::string& body) {
    auto c = client();
    return c.Post(path, body, "application/json");
  }
};

TEST_F(ControlApiTest, CreatesTenantsAndReportsTheirCredentials) {
  const auto created =
      post("/_sim/tenants", R"({"name":"acme","vendor":"crocodial","users":12,"seed":3,"password":"pw-12345"})");
  ASSERT_EQ(created->status, 200);
  Json json(created->body);
  EXPECT_EQ(str(json["password"]), "pw-12345");
  EXPECT_EQ(str(json["config_url"]), sim.tenant("acme").config_url());
  EXPECT_EQ(sim.tenant("acme").users().size(), 12u);
  EXPECT_EQ(post("/_sim/tenants", R"({"name":"acme","vendor":"class4"})")->status, 400);
  EXPECT_EQ(post("/_sim/tenants", R"({"name":"x","vendor":"nokia"})")->status, 400);
  EXPECT_EQ(post("/_sim/tenants", "not json")->status, 400);
  EXPECT_EQ(Json(client().Get("/_sim/tenants")->body).root().get_array().size(), 1u);
}

TEST_F(ControlApiTest, EditsUsers) {
  Tenant& t = add("c4", "class4", 5);
  const auto id = t.users()[1].id;
  const std::string user_path = "/_sim/tenants/c4/users/" + std::to_string(id);
  const auto updated = post(user_path, R"({"email":"new@example.com","active":false,"extra_json":{"is_online":1}})");
  ASSERT_EQ(updated->status, 200);
  EXPECT_EQ(t.user(id)->email, "new@example.com");
  EXPECT_FALSE(t.user(id)->active);
  EXPECT_EQ(t.user(id)->extra_json.at("is_online"), "1");
  EXPECT_EQ(client().Delete(user_path)->status, 200);
  EXPECT_EQ(t.users().size(), 4u);
  EXPECT_EQ(post(user_path + "/restore", "")->status, 200);
  EXPECT_EQ(t.users().size(), 5u);
  const auto generated = post("/_sim/tenants/c4/users", "");
  EXPECT_EQ(t.users().size(), 6u);
  EXPECT_EQ(num(Json(generated->body)["id"]), t.users().back().id);
  const auto explicit_user =
      post("/_sim/tenants/c4/users", R"({"username":"ops","email":"ops@example.com","group":"admin","role":"Admin"})");
  EXPECT_EQ(str(Json(explicit_user->body)["username"]), "ops");
  EXPECT_EQ(Json(client().Get("/_sim/tenants/c4/users")->body).root().get_array().size(), 7u);
  EXPECT_EQ(client().Delete("/_sim/tenants/c4/users/1")->status, 404);
  EXPECT_EQ(post("/_sim/tenants/nope/users", "")->status, 404);
  EXPECT_EQ(post(user_path, R"({"active":"yes"})")->status, 400);
}

TEST_F(ControlApiTest, SetsAndClearsFaults) {
  Tenant& t = add("c4", "class4", 5);
  ASSERT_EQ(
      post("/_sim/tenants/c4/faults", R"({"kind":"http_status","status":503,"page":1,"times":-1,"retry_after":4})")
          ->status,
      200);
  ASSERT_EQ(t.faults().size(), 1u);
  EXPECT_EQ(t.faults()[0].status, 503);
  EXPECT_EQ(t.faults()[0].retry_after, 4);
  auto c = client();
  EXPECT_EQ(c.Get("/c4/v1/user/list", httplib::Headers{{"X-Auth-Token", t.options().token}})->status, 503);
  EXPECT_EQ(c.Delete("/_sim/tenants/c4/faults")->status, 200);
  EXPECT_EQ(c.Get("/c4/v1/user/list", httplib::Headers{{"X-Auth-Token", t.options().token}})->status, 200);
  EXPECT_EQ(post("/_sim/tenants/c4/faults", R"({"kind":"nonsense"})")->status, 400);
  Json stats(c.Get("/_sim/tenants/c4/stats")->body);
  EXPECT_EQ(num(stats["listing_pages"]), 1);
  EXPECT_EQ(num(stats["faults_injected"]), 1);
}

TEST_F(ControlApiTest, ClockAgentsListsAndSecrets) {
  Tenant& t = add("croco", "crocodial", 5);
  const auto before = t.now();
  Json clock(post("/_sim/tenants/croco/clock", R"({"advance_seconds":120})")->body);
  EXPECT_EQ(num(clock["now"]), before + 120);
  const auto id = t.users().front().id;
  EXPECT_EQ(post("/_sim/tenants/croco/agents/" + std::to_string(id), R"({"status":"PAUSE - BREAK"})")->status, 200);
  auto params = croco_params(t, "getLiveAgentInfo");
  params.emplace("user", t.users().front().username);
  auto c = client();
  EXPECT_EQ(str(Json(c.Post("/croco/goAPIv2/goUsers/goAPI.php", params)->body)["data"]["status"]), "PAUSE - BREAK");
  auto put = c.Put("/_sim/tenants/croco/portfolios", R"([{"id":"NEW","name":"New Portfolio"}])", "application/json");
  EXPECT_EQ(put->status, 200);
  EXPECT_EQ(t.portfolios(), (std::vector<NamedItem>{{"NEW", "New Portfolio"}}));
  Json secrets(c.Get("/_sim/tenants/croco/secrets")->body);
  EXPECT_EQ(secrets.root().get_array().size(), t.served_secrets().size());
  EXPECT_EQ(Json(c.Get("/_sim/secrets")->body).root().get_array().size(), t.served_secrets().size());
}

}  // namespace
}  // namespace rosterd::sim::testing
