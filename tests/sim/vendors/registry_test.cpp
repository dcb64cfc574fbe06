// A vendor defined only here, in the test: one row handed to the Simulator is all it
// takes for the real server to route, generate, authenticate, fault and count it.

#include <httplib.h>

#include <array>
#include <mutex>
#include <string>

#include "sim/faults.hpp"
#include "sim/generator.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"
#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

// GET /<tenant>/fake/users with X-Fake-Key: a JSON array of {id, login, badge}.
detail::Reply list_users(detail::TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::listing);
  if (request.get_header_value("X-Fake-Key") != state.options.api_key) {
    ++state.stats.auth_rejections;
    return detail::json_reply(401, R"({"error":"bad key"})");
  }
  if (const auto fault = state.take_fault(Endpoint::listing, 1)) {
    if (auto replaced = detail::replacing_reply(*fault)) return *replaced;
  }
  std::string body = "[";
  for (const auto position : state.users.listed()) {
    const SimUser user = state.users.materialize(state.users.entry(position));
    if (body.size() > 1) body += ',';
    body +=
        R"({"id":)" + std::to_string(user.id) + R"(,"login":")" + user.username + R"(","badge":")" + user.role + "\"}";
  }
  ++state.stats.listing_pages;
  return detail::json_reply(200, body + "]");
}

constexpr std::array<VendorRoute, 1> k_routes = {{{"GET", "/fake/users", list_users}}};

void fill_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  user.role = "badge-" + std::to_string(detail::draw(options, index, detail::k_salt_role, 10));
}

void fill_credentials(TenantOptions& options) {
  if (options.api_key.empty()) options.api_key = detail::default_secret(options, 1, 20);
}

std::string credentials_yaml(const TenantOptions& options) {
  return "    api_key: \"" + options.api_key + "\"\n";
}

void user_secrets(const TenantOptions&, const SimUser& user, std::vector<std::string>& out) {
  out.push_back("pin-" + std::to_string(user.id));
}

const VendorModule k_fake{
    .name = "fakevendor",
    .routes = k_routes,
    .first_user_id = 500,
    .fill_user = fill_user,
    .fill_credentials = fill_credentials,
    .credentials_yaml = credentials_yaml,
    .user_secrets = user_secrets,
};

class RegistryTest : public SimTest {
 protected:
  RegistryTest() : SimTest(std::span(&k_fake, 1)) {}

  httplib::Result list(const Tenant& tenant, const std::string& key) {
    auto c = client();
    return c.Get("/" + tenant.options().name + "/fake/users", {{"X-Fake-Key", key}});
  }
};

TEST_F(RegistryTest, ServesAVendorRegisteredByTheTestOverHttp) {
  auto& tenant = add("fake", "fakevendor", 3);
  const auto response = list(tenant, tenant.options().api_key);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  const Json json(response->body);
  ASSERT_TRUE(json.ok()) << response->body;
  const auto users = tenant.users();
  ASSERT_EQ(users.size(), 3U);
  std::size_t i = 0;
  for (const auto item : json.root().get_array()) {
    EXPECT_EQ(num(item["id"]), users[i].id);
    EXPECT_EQ(str(item["login"]), users[i].username);
    EXPECT_EQ(str(item["badge"]).rfind("badge-", 0), 0U);
    ++i;
  }
  EXPECT_GE(users.front().id, 500);
  EXPECT_LT(users.front().id, 600);
  EXPECT_EQ(tenant.stats().listing_pages, 1U);
}

TEST_F(RegistryTest, ItsCredentialsSecretsAndSourceEntryComeFromItsRow) {
  auto& tenant = add("fake", "fakevendor", 2);
  EXPECT_EQ(tenant.options().api_key.size(), 20U);
  EXPECT_EQ(tenant.config_url(), tenant.base_url());
  EXPECT_NE(tenant.source_yaml().find("    type: fakevendor\n"), std::string::npos);
  EXPECT_NE(tenant.source_yaml().find("    api_key: \"" + tenant.options().api_key + "\"\n"), std::string::npos);
  const auto secrets = tenant.served_secrets();
  for (const auto& user : tenant.users()) {
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), "pin-" + std::to_string(user.id)), secrets.end());
  }
  EXPECT_THROW(tenant.prerender(10), std::invalid_argument);  // one page: no prerender in its row
}

TEST_F(RegistryTest, AuthenticationFaultsAndRoutingWorkAsForTheBuiltInVendors) {
  auto& tenant = add("fake", "fakevendor", 2);
  const auto refused = list(tenant, "wrong");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(tenant.stats().auth_rejections, 1U);

  tenant.set_fault({.kind = FaultKind::http_status, .times = 1});
  const auto failed = list(tenant, tenant.options().api_key);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 503);
  EXPECT_NE(failed->body.find("<center>nginx</center>"), std::string::npos);

  // Its tenants answer its routes only, and built-in tenants not its own.
  auto c = client();
  const auto other_route = c.Get("/fake/v1/users");
  ASSERT_TRUE(other_route);
  EXPECT_EQ(other_route->status, 404);
  auto& croco = add("croco", "crocodial");
  const auto wrong_vendor = list(croco, croco.options().api_key);
  ASSERT_TRUE(wrong_vendor);
  EXPECT_EQ(wrong_vendor->status, 404);
}

TEST(VendorTable, RejectsADuplicateNameAndAnUnknownVendor) {
  VendorModule shadow = k_fake;
  shadow.name = "smartflo";
  EXPECT_THROW(Simulator(SimulatorOptions{}, std::span(&shadow, 1)), std::invalid_argument);
  Simulator simulator;
  EXPECT_EQ(simulator.find_vendor("fakevendor"), nullptr);
  EXPECT_THROW(simulator.add_tenant({.name = "fake", .vendor = "fakevendor"}), std::invalid_argument);
}

}  // namespace
}  // namespace rosterd::sim::testing
