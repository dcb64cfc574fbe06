// SCIM 2.0 as served: the bearer token, ListResponse pages capped below what `count`
// asks, walks that advance by what was received, totals that move, the enterprise User.

#include "sim/vendors/scim/scim.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

constexpr int k_users = 120;

class ScimTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("idp", "scim", k_users);
  }

  httplib::Result get(httplib::Client& c, const std::string& query, const std::string& authorization) {
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    return c.Get("/idp/scim/v2/Users" + query, headers);
  }

  httplib::Result page(httplib::Client& c, std::int64_t start_index, std::int64_t count) {
    return get(c, "?startIndex=" + std::to_string(start_index) + "&count=" + std::to_string(count), bearer());
  }

  [[nodiscard]] std::string bearer() const { return "Bearer " + tenant->options().token; }

  struct Walk {
    std::vector<std::string> ids;
    std::vector<std::int64_t> totals;  // per page
    std::vector<std::string> bodies;
  };

  // What a correct client does: startIndex advances by the Resources received, until it
  // passes the latest totalResults.
  Walk walk(std::int64_t count) {
    auto c = client();
    Walk out;
    std::int64_t start = 1;
    for (int guard = 0; guard < 1000; ++guard) {
      const auto result = page(c, start, count);
      EXPECT_TRUE(result && result->status == 200);
      if (!result || result->status != 200) break;
      out.bodies.push_back(result->body);
      Json json(result->body);
      EXPECT_TRUE(json.ok()) << result->body;
      const auto resources = json["Resources"].get_array();
      EXPECT_EQ(num(json["itemsPerPage"]), static_cast<std::int64_t>(resources.size()));
      EXPECT_EQ(num(json["startIndex"]), start);
      out.totals.push_back(num(json["totalResults"]));
      for (const auto item : resources) out.ids.push_back(str(item["id"]));
      if (resources.size() == 0) break;
      start += static_cast<std::int64_t>(resources.size());
      if (start > out.totals.back()) break;
    }
    return out;
  }

  // SCIM id -> the user it shows.
  [[nodiscard]] std::map<std::string, SimUser> users_by_scim_id() const {
    std::map<std::string, SimUser> out;
    for (const auto& user : tenant->users()) out.emplace(detail::scim_user_id(tenant->options().seed, user.id), user);
    return out;
  }

  [[nodiscard]] std::vector<std::string> expected_ids() const {
    std::vector<std::string> ids;
    for (const auto& user : tenant->users()) ids.push_back(detail::scim_user_id(tenant->options().seed, user.id));
    return ids;
  }

  Tenant* tenant = nullptr;
};

TEST_F(ScimTest, RequiresTheStaticBearerToken) {
  auto c = client();
  const auto missing = get(c, "", "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/scim+json");
  EXPECT_EQ(missing->get_header_value("WWW-Authenticate"), "Bearer");
  Json error(missing->body);
  ASSERT_TRUE(error.ok()) << missing->body;
  EXPECT_EQ(str(error["schemas"].at(0)), "urn:ietf:params:scim:api:messages:2.0:Error");
  EXPECT_EQ(str(error["status"]), "401") << "a string, as RFC 7644 3.12 has it";
  EXPECT_FALSE(str(error["detail"]).empty());

  for (const std::string& wrong :
       {std::string("Bearer not-the-token"), "Basic " + tenant->options().token, tenant->options().token}) {
    const auto refused = get(c, "", wrong);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << wrong;
    EXPECT_EQ(str(Json(refused->body)["status"]), "401");
  }
  EXPECT_EQ(tenant->stats().auth_rejections, 4U);

  const auto ok = get(c, "", bearer());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("Content-Type"), "application/scim+json");
  EXPECT_EQ(get(c, "", "bearer " + tenant->options().token)->status, 200) << "the scheme is case-insensitive";
  tenant->expire_tokens();
  EXPECT_EQ(get(c, "", bearer())->status, 200) << "a static token does not expire";
}

TEST_F(ScimTest, PagesHoldAtMostTheCapWhateverCountAsks) {
  auto c = client();
  Json first(page(c, 1, 500)->body);
  EXPECT_EQ(str(first["schemas"].at(0)), "urn:ietf:params:scim:api:messages:2.0:ListResponse");
  EXPECT_EQ(num(first["totalResults"]), k_users);
  EXPECT_EQ(num(first["startIndex"]), 1);
  EXPECT_EQ(first["Resources"].get_array().size(), static_cast<std::size_t>(detail::k_scim_max_count));
  EXPECT_EQ(num(first["itemsPerPage"]), detail::k_scim_max_count);

  Json last(page(c, 101, 500)->body);
  EXPECT_EQ(num(last["itemsPerPage"]), 20);
  EXPECT_EQ(last["Resources"].get_array().size(), 20U);

  // A client that advanced by `count` would ask for 101 next and never see 51..100.
  Json naive(page(c, 1 + 100, 100)->body);
  EXPECT_EQ(str(naive["Resources"].at(0)["id"]), expected_ids()[100]);

  // Another tenant's own cap.
  TenantOptions options;
  options.name = "small";
  options.vendor = "scim";
  options.users = 40;
  options.max_page_size = 15;
  Tenant& small = sim.add_tenant(options);
  const auto capped = c.Get("/small/scim/v2/Users?count=100", {{"Authorization", "Bearer " + small.options().token}});
  ASSERT_TRUE(capped);
  EXPECT_EQ(num(Json(capped->body)["itemsPerPage"]), 15);
}

TEST_F(ScimTest, ParametersFollowRfc7644) {
  auto c = client();
  Json defaults(get(c, "", bearer())->body);
  EXPECT_EQ(num(defaults["startIndex"]), 1);
  EXPECT_EQ(num(defaults["itemsPerPage"]), detail::k_scim_max_count) << "count defaults to the page size";
  for (const std::int64_t start : {0, -7}) {
    Json below(page(c, start, 10)->body);
    EXPECT_EQ(num(below["startIndex"]), 1) << "below 1 is 1";
    EXPECT_EQ(str(below["Resources"].at(0)["id"]), expected_ids()[0]);
  }
  for (const std::int64_t count : {0, -3}) {
    Json totals_only(page(c, 1, count)->body);
    EXPECT_EQ(num(totals_only["totalResults"]), k_users);
    EXPECT_EQ(num(totals_only["itemsPerPage"]), 0);
    EXPECT_EQ(totals_only["Resources"].get_array().size(), 0U);
  }
  Json beyond(page(c, 500, 10)->body);
  EXPECT_EQ(num(beyond["totalResults"]), k_users);
  EXPECT_EQ(num(beyond["itemsPerPage"]), 0);
  for (const std::string query : {"?startIndex=abc", "?count=1.5", "?startIndex=99999999999999999999"}) {
    const auto invalid = get(c, query, bearer());
    ASSERT_TRUE(invalid);
    EXPECT_EQ(invalid->status, 400) << query;
    Json json(invalid->body);
    EXPECT_EQ(str(json["status"]), "400");
    EXPECT_EQ(str(json["scimType"]), "invalidValue");
  }
}

TEST_F(ScimTest, WalkingByReceivedCountVisitsEveryUserOnce) {
  for (const std::int64_t count : {1, 7, 50, 51, 100, 1000}) {
    const Walk w = walk(count);
    EXPECT_EQ(w.ids, expected_ids()) << "count " << count << ": every user once, in creation order";
    EXPECT_EQ(std::set<std::int64_t>(w.totals.begin(), w.totals.end()), std::set<std::int64_t>{k_users});
  }
  const auto ids = expected_ids();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST_F(ScimTest, ShiftInsertChangesTotalResultsOnItsPage) {
  tenant->set_fault({.kind = FaultKind::shift_insert, .page = 2, .times = 1});
  const Walk w = walk(50);
  EXPECT_EQ(w.totals, (std::vector<std::int64_t>{k_users, k_users + 1, k_users + 1}));
  EXPECT_EQ(tenant->users().size(), static_cast<std::size_t>(k_users + 1));
  EXPECT_EQ(w.ids, expected_ids()) << "the new user is listed last, so the walk still sees everyone once";
}

TEST_F(ScimTest, ShiftRemoveShiftsTheItemsAndTheTotal) {
  tenant->set_fault({.kind = FaultKind::shift_remove, .page = 2, .times = 1});
  const Walk w = walk(50);
  EXPECT_EQ(w.totals, (std::vector<std::int64_t>{k_users, k_users - 1, k_users - 1}));
  const std::set<std::string> seen(w.ids.begin(), w.ids.end());
  EXPECT_EQ(seen.size(), w.ids.size());
  std::size_t never_seen = 0;
  for (const auto& id : expected_ids()) never_seen += seen.count(id) == 0 ? 1U : 0U;
  EXPECT_EQ(never_seen, 1U) << "the shift skipped a user that is still listed";
}

TEST_F(ScimTest, PrimaryEmailIsMarkedEvenWhenNotFirst) {
  const auto users = users_by_scim_id();
  std::size_t primary_not_first = 0;
  for (const auto& body : walk(50).bodies) {
    Json json(body);
    for (const auto item : json["Resources"].get_array()) {
      const auto& user = users.at(str(item["id"]));
      const auto emails = item["emails"].get_array();
      ASSERT_GE(emails.size(), 1U);
      std::size_t primaries = 0;
      for (const auto email : emails) {
        if (!email["primary"].get_bool().value()) {
          EXPECT_EQ(str(email["type"]), "home");
          continue;
        }
        ++primaries;
        EXPECT_EQ(str(email["value"]), user.email);
        EXPECT_EQ(str(email["type"]), "work");
      }
      EXPECT_EQ(primaries, 1U);
      if (!emails.at(0)["primary"].get_bool().value()) ++primary_not_first;
    }
  }
  EXPECT_GT(primary_not_first, 0U);
  EXPECT_LT(primary_not_first, static_cast<std::size_t>(k_users / 2));
}

TEST_F(ScimTest, ResourcesAreEnterpriseUsersFromTheSimUsers) {
  const auto users = users_by_scim_id();
  auto c = client();
  Json json(page(c, 1, 50)->body);
  bool some_external = false, some_without_external = false, some_without_title = false, some_inactive = false;
  for (const auto item : json["Resources"].get_array()) {
    const std::string id = str(item["id"]);
    const auto& user = users.at(id);
    ASSERT_EQ(item["schemas"].get_array().size(), 2U);
    EXPECT_EQ(str(item["schemas"].at(0)), "urn:ietf:params:scim:schemas:core:2.0:User");
    EXPECT_EQ(str(item["schemas"].at(1)), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    EXPECT_EQ(id.size(), 36U) << "UUID-shaped";
    EXPECT_EQ(str(item["userName"]), user.username);
    EXPECT_EQ(str(item["name"]["givenName"]), user.first_name);
    EXPECT_EQ(str(item["name"]["familyName"]), user.last_name);
    EXPECT_EQ(str(item["name"]["formatted"]), user.full_name());
    EXPECT_EQ(str(item["displayName"]), user.full_name());
    EXPECT_EQ(item["active"].get_bool().value(), user.active);
    some_inactive |= !user.active;
    if (user.role.empty()) {
      EXPECT_TRUE(item["title"].error() == simdjson::NO_SUCH_FIELD) << "absent, not null";
      some_without_title = true;
    } else {
      EXPECT_EQ(str(item["title"]), user.role);
    }
    if (user.phone.empty()) {
      EXPECT_TRUE(item["phoneNumbers"].error() == simdjson::NO_SUCH_FIELD);
    } else {
      EXPECT_EQ(str(item["phoneNumbers"].at(0)["value"]), user.phone);
      EXPECT_EQ(str(item["phoneNumbers"].at(0)["type"]), "work");
    }
    const auto enterprise = item["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"];
    if (user.group.empty())
      EXPECT_TRUE(enterprise["department"].error() == simdjson::NO_SUCH_FIELD);
    else
      EXPECT_EQ(str(enterprise["department"]), user.group);
    EXPECT_EQ(str(enterprise["employeeNumber"]).size(), 6U);
    (item["externalId"].error() == simdjson::SUCCESS ? some_external : some_without_external) = true;
    const auto meta = item["meta"];
    EXPECT_EQ(str(meta["resourceType"]), "User");
    EXPECT_EQ(str(meta["location"]), tenant->config_url() + "/Users/" + id);
    EXPECT_EQ(str(meta["created"]).size(), 20U) << "YYYY-MM-DDTHH:MM:SSZ";
    EXPECT_LE(str(meta["created"]), str(meta["lastModified"]));
  }
  EXPECT_TRUE(some_external && some_without_external && some_without_title && some_inactive);

  // A user with nothing but a userName: every optional attribute absent.
  const SimUser bare = tenant->add_user(SimUser{.username = "bare", .active = false});
  Json last(page(c, k_users + 1, 10)->body);
  const auto item = last["Resources"].at(0);
  EXPECT_EQ(str(item["id"]), detail::scim_user_id(tenant->options().seed, bare.id));
  EXPECT_EQ(str(item["userName"]), "bare");
  EXPECT_FALSE(item["active"].get_bool().value());
  for (const char* field : {"name", "displayName", "emails", "phoneNumbers", "title"})
    EXPECT_TRUE(item[field].error() == simdjson::NO_SUCH_FIELD) << field;
}

TEST_F(ScimTest, ListingsWithoutChangesAreByteIdentical) {
  const Walk first = walk(50);
  tenant->advance_clock(std::chrono::hours(24 * 30));
  const auto someone = tenant->users()[3].id;
  tenant->update_user(someone, [](SimUser&) {});  // no change, but the page cache is dropped
  EXPECT_EQ(walk(50).bodies, first.bodies) << "rendered again from the seed, not the clock";

  tenant->update_user(someone, [](SimUser& user) { user.last_name = "Renamed"; });
  const auto after = [&] {
    std::map<std::string, std::string> out;  // id -> the Resource's meta, minified
    for (const auto& body : walk(50).bodies) {
      Json json(body);
      for (const auto item : json["Resources"].get_array()) out[str(item["id"])] = simdjson::minify(item["meta"]);
    }
    return out;
  };
  std::map<std::string, std::string> before;
  for (const auto& body : first.bodies) {
    Json json(body);
    for (const auto item : json["Resources"].get_array()) before[str(item["id"])] = simdjson::minify(item["meta"]);
  }
  const auto changed = after();
  const std::string renamed = detail::scim_user_id(tenant->options().seed, someone);
  for (const auto& [id, meta] : before) {
    if (id == renamed)
      EXPECT_NE(changed.at(id), meta) << "lastModified and version move with the user";
    else
      EXPECT_EQ(changed.at(id), meta) << id;
  }
}

TEST_F(ScimTest, GenericFaults) {
  auto c = client();
  tenant->set_fault({.kind = FaultKind::http_status, .page = 2, .times = 1, .status = 429, .retry_after = 2});
  EXPECT_EQ(page(c, 1, 50)->status, 200);
  const auto limited = page(c, 51, 50);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "2");
  EXPECT_EQ(limited->get_header_value("Content-Type"), "application/scim+json");
  EXPECT_EQ(str(Json(limited->body)["status"]), "429");
  EXPECT_EQ(page(c, 51, 50)->status, 200) << "once";

  tenant->set_fault({.kind = FaultKind::http_status, .times = 1});
  const auto unavailable = page(c, 1, 50);
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_NE(unavailable->body.find("nginx"), std::string::npos);

  tenant->set_fault({.kind = FaultKind::vendor_error, .times = 1, .error = "too_many"});
  const auto too_many = page(c, 1, 50);
  EXPECT_EQ(too_many->status, 400);
  EXPECT_EQ(str(Json(too_many->body)["scimType"]), "tooMany");

  tenant->set_fault({.kind = FaultKind::auth_failure, .times = 1});
  EXPECT_EQ(page(c, 1, 50)->status, 401);
  tenant->set_fault({.kind = FaultKind::expire_token, .times = 1});
  EXPECT_EQ(page(c, 1, 50)->status, 200) << "no login token to expire";

  tenant->set_fault({.kind = FaultKind::duplicate_ids, .page = 2, .times = 1});
  const Walk w = walk(50);
  ASSERT_GE(w.ids.size(), 51U);
  EXPECT_EQ(w.ids[50], w.ids[49]) << "page 2 repeats page 1's last";
  EXPECT_EQ(std::set<std::string>(w.ids.begin(), w.ids.end()).size() + 1, w.ids.size());

  tenant->set_fault({.kind = FaultKind::empty_listing, .times = 1});
  Json empty(page(c, 1, 50)->body);
  EXPECT_EQ(num(empty["totalResults"]), 0);
  EXPECT_EQ(num(empty["itemsPerPage"]), 0);

  const std::string whole = page(c, 1, 50)->body;
  tenant->set_fault({.kind = FaultKind::truncate_close, .times = 1, .bytes = 100});
  const auto cut = raw_request(sim.port(), "GET /idp/scim/v2/Users?startIndex=1&count=50 HTTP/1.1",
                               "Authorization: " + bearer() + "\r\n");
  EXPECT_EQ(cut.body, whole.substr(0, 100));
  tenant->set_fault({.kind = FaultKind::malformed_json, .times = 1});
  EXPECT_FALSE(Json(page(c, 1, 50)->body).ok());
}

TEST_F(ScimTest, SourceEntryCredentialsAndSecrets) {
  EXPECT_EQ(tenant->config_url(), tenant->base_url() + "/scim/v2");
  const std::string& token = tenant->options().token;
  EXPECT_EQ(token.size(), 48U);
  const std::string yaml = tenant->source_yaml();
  EXPECT_NE(yaml.find("    type: scim\n    url: " + tenant->config_url() + "\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("    parameters:\n      token: \"" + token + "\"\n"), std::string::npos) << yaml;
  const auto secrets = tenant->served_secrets();
  EXPECT_TRUE(std::binary_search(secrets.begin(), secrets.end(), token));

  const std::atomic<int> no_port{0};
  Tenant same({.name = "idp", .vendor = "scim", .users = 5, .seed = tenant->options().seed}, &no_port);
  EXPECT_EQ(same.options().token, token) << "from the seed";
  EXPECT_THROW(same.prerender(10), std::invalid_argument) << "its pages need the server's URL";
}

TEST_F(ScimTest, PrerenderedPagesAreServedFromTheCache) {
  EXPECT_EQ(tenant->prerender(40), 3U);
  EXPECT_EQ(tenant->prerender(500), 3U) << "capped at 50: 50, 50, 20";
  const auto renders = tenant->stats().renders;
  const Walk w = walk(500);
  EXPECT_EQ(w.ids, expected_ids());
  EXPECT_EQ(tenant->stats().renders, renders);
  EXPECT_EQ(tenant->stats().cache_hits, 3U);
}

}  // namespace
}  // namespace rosterd::sim::testing
