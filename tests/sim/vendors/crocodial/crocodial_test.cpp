// CrocoDial goAPIv2 as served: the documented success shapes, every error shape with
// HTTP 200, the output-format quirks and the per-user actions.

#include <set>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

class CrocodialTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("acme", "crocodial", 40);
    path = "/acme/goAPIv2/goUsers/goAPI.php";
  }

  std::string post(httplib::Params params) {
    auto c = client();
    const auto result = c.Post(path, params);
    EXPECT_TRUE(result);
    if (!result) return {};
    EXPECT_EQ(result->status, 200);  // CrocoDial answers errors with 200 too
    return result->body;
  }

  std::string post_action(const std::string& action,
                          std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
    auto params = croco_params(*tenant, action);
    for (const auto& [k, v] : extra) params.emplace(k, v);
    return post(params);
  }

  Tenant* tenant = nullptr;
  std::string path;
};

TEST_F(CrocodialTest, ListsActiveAndInactiveUsersSeparatelyInTheDocumentedShape) {
  const auto expected = tenant->users();
  std::set<std::int64_t> active_ids, inactive_ids;
  for (const auto& u : expected) (u.active ? active_ids : inactive_ids).insert(u.id);
  ASSERT_FALSE(inactive_ids.empty()) << "seed 7 with 40 users has inactive users";

  for (const auto& [flag, wanted] : {std::pair{"0", active_ids}, std::pair{"1", inactive_ids}}) {
    Json json(post_action("goGetAllUsers", {{"only_inactives", flag}}));
    ASSERT_TRUE(json.ok());
    EXPECT_EQ(str(json["result"]), "success");
    const auto data = json["data"];
    std::set<std::int64_t> seen;
    bool some_string_id = false, some_number_id = false;
    for (const auto item : data["user_list"].get_array()) {
      std::int64_t id = 0;
      if (item["user_id"].is_string()) {
        some_string_id = true;
        id = std::stoll(str(item["user_id"]));
      } else {
        some_number_id = true;
        id = num(item["user_id"]);
      }
      EXPECT_TRUE(seen.insert(id).second);
      const auto user = tenant->user(id);
      ASSERT_TRUE(user);
      EXPECT_EQ(str(item["user"]), user->username);
      EXPECT_EQ(str(item["name"]), user->full_name());
      EXPECT_EQ(num(item["exten"]), std::stoll(user->extension));
      EXPECT_EQ(num(item["level"]), std::stoll(user->role));
      EXPECT_EQ(str(item["active"]), user->active ? "Y" : "N");
      EXPECT_TRUE(item["campaign_id"].is_string());
      EXPECT_TRUE(item["rank"].is_int64());
      EXPECT_TRUE(item["profile_id"].is_int64());
      std::vector<std::string> portfolios;
      for (const auto code : item["allowed_companys"].get_array()) portfolios.push_back(str(code));
      EXPECT_EQ(portfolios, user->portfolios);
      for (const auto* flag_key : {"inbound", "dialer", "xfer", "manual_dial_only"})
        EXPECT_TRUE(item[flag_key].is_int64());
      EXPECT_TRUE(item["closer_campaigns"].is_string());
      EXPECT_EQ(str(item["agentcall_manual"]), "1");
    }
    EXPECT_EQ(seen, wanted);
    if (std::string(flag) == "0") {
      EXPECT_TRUE(some_string_id && some_number_id) << "both id types occur (docs/vendor-facts.md 1.3)";
    }
    EXPECT_EQ(num(data["total_users"]), static_cast<std::int64_t>(expected.size()));
    EXPECT_EQ(num(data["total_active_users"]), static_cast<std::int64_t>(active_ids.size()));
    EXPECT_EQ(num(data["total_inactive_users"]), static_cast<std::int64_t>(inactive_ids.size()));
    EXPECT_GT(data["all_campaigns"].get_array().size(), 0u);
    for (const auto preview : data["all_preview_campaigns"].get_array()) {
      EXPECT_TRUE(preview["campaign_id"].is_string());
      EXPECT_TRUE(preview["campaign_name"].is_string());
    }
  }
}

TEST_F(CrocodialTest, GetQueryWorksLikePostAndQueryParametersWin) {
  auto c = client();
  const auto& o = tenant->options();
  const auto get =
      c.Get(path + "?goAction=goGetAllUsers&goUser=" + o.user + "&goPass=" + o.password + "&responsetype=json");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, post_action("goGetAllUsers"));
  // $_GET before $_POST: a bad password in the query beats a good one in the form.
  const auto mixed = c.Post(path + "?goPass=wrong", croco_params(*tenant, "goGetAllUsers"));
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->body, R"({"result":"error","message":"Invalid Username\/Password"})");
}

TEST_F(CrocodialTest, ErrorShapesAllComeWithStatus200) {
  auto bad = croco_params(*tenant, "goGetAllUsers");
  bad.erase("goPass");
  bad.emplace("goPass", "nope");
  EXPECT_EQ(post(bad), R"({"result":"error","message":"Invalid Username\/Password"})");
  EXPECT_EQ(post_action("goNoSuchAction"), R"({"result":"error","message":"Command Not Found"})");
  EXPECT_EQ(post_action("getUserInfo"), R"({"code":"40001","message":"Error: Missing required parameters"})");
  EXPECT_EQ(post_action("getUserInfo", {{"user", "nobody.here"}}),
            R"({"code":"41004","result":"Error: Invalid value in user. Doesn't exist"})");
  for (const auto& [name, body] : std::vector<std::pair<std::string, std::string>>{
           {"permission", R"({"code":"10001","result":"Error: You do not have permission to view this page "})"},
           {"no_rows", R"({"code":"10010","result":"Error: No data found."})"},
           {"user_not_defined", R"({"result":"Error: goAPI User Not Defined."})"}}) {
    tenant->set_fault({.kind = FaultKind::vendor_error, .times = 1, .error = name});
    EXPECT_EQ(post_action("goGetAllUsers"), body);
  }
}

TEST_F(CrocodialTest, NoRowsWhenNoUserMatchesTheActiveFilter) {
  for (const auto& u : tenant->users()) {
    if (!u.active) tenant->update_user(u.id, [](SimUser& user) { user.active = true; });
  }
  EXPECT_EQ(post_action("goGetAllUsers", {{"only_inactives", "1"}}),
            R"({"code":"10010","result":"Error: No data found."})");
}

TEST_F(CrocodialTest, ResponseTypeQuirks) {
  auto params = croco_params(*tenant, "getAllPortfolios");
  params.erase("responsetype");
  const std::string xml = post(params);
  // The header is printed from a single-quoted PHP string: literal \n and a stray "(".
  EXPECT_EQ(xml.rfind(R"(<?xml version="1.0" encoding="UTF-8"?>\n<goautodialapi version="4.0">(\n<action>")", 0), 0u);
  EXPECT_NE(xml.find("<portfolio>AMI</portfolio>"), std::string::npos);
  EXPECT_FALSE(Json(xml).ok());
  params.emplace("responsetype", "csv");
  EXPECT_EQ(post(params), "result=error;message=This API function only accepts XML or JSON value on responsetype;");
}

TEST_F(CrocodialTest, PasswordQuirksOfTheDispatcher) {
  auto params = croco_params(*tenant, "getAllPortfolios");
  params.erase("goPass");
  params.emplace("goPass", tenant->options().password + "; '\"");  // stripped before comparing
  EXPECT_NE(post(params).find("\"success\""), std::string::npos);
  params.erase("goPass");
  params.emplace("goPass", "wrong");
  params.emplace("log_pass", tenant->options().password);  // log_pass overrides goPass
  EXPECT_NE(post(params).find("\"success\""), std::string::npos);
  // The API user's pass_hash works as goPass upstream; other users' hashes do not.
  int accepted = 0;
  params.erase("log_pass");
  for (const auto& secret : tenant->served_secrets()) {
    if (secret.size() != 31) continue;
    params.erase("goPass");
    params.emplace("goPass", secret);
    accepted += post(params).find("\"success\"") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(accepted, 1);

  // A stored password holding a stripped character can never authenticate.
  TenantOptions options;
  options.name = "semicolon";
  options.vendor = "crocodial";
  options.password = "semi;colon-pass";
  Tenant& semicolon = sim.add_tenant(options);
  auto c = client();
  EXPECT_EQ(c.Post("/semicolon/goAPIv2/goUsers/goAPI.php", croco_params(semicolon, "getAllPortfolios"))->body,
            R"({"result":"error","message":"Invalid Username\/Password"})");
}

TEST_F(CrocodialTest, UserInfoCarriesSecretsAndStatistics) {
  const auto user = tenant->users().front();
  Json json(post_action("getUserInfo", {{"user", user.username}}));
  ASSERT_TRUE(json.ok());
  const auto info = json["data"]["user_info"];
  EXPECT_EQ(num(info["user_id"]), user.id);
  EXPECT_EQ(str(info["email"]), user.email);
  EXPECT_EQ(str(info["phone_login"]), user.phone);
  EXPECT_EQ(str(info["user_group"]), user.group);
  const auto secrets = tenant->served_secrets();
  for (const auto* key : {"pass", "pass_hash", "phone_pass", "voicemail_pass"}) {
    const std::string value = str(info[key]);
    EXPECT_GE(value.size(), 8u);
    EXPECT_TRUE(std::binary_search(secrets.begin(), secrets.end(), value)) << key << " missing from served_secrets()";
  }
  const auto stats = json["data"]["user_stats"];
  const std::string login = str(stats["login_time"]);
  EXPECT_EQ(login.size(), 8u);
  EXPECT_EQ(login[2], ':');
  EXPECT_TRUE(stats["total_calls"].is_int64());
  EXPECT_EQ(str(stats["sla_productivity"]).back(), '%');
  EXPECT_TRUE(stats["avalible"].is_string());  // sic
}

TEST_F(CrocodialTest, AgentStatusFollowsTheClockAndCanBePinned) {
  SimUser user;
  for (const auto& u : tenant->users()) {
    if (u.active) user = u;
  }
  const auto status_now = [&] {
    Json json(post_action("getLiveAgentInfo", {{"user", user.username}}));
    EXPECT_TRUE(json.ok());
    EXPECT_TRUE(json["data"]["lead_id"].is_int64());
    return str(json["data"]["status"]);
  };
  const std::string first = status_now();
  EXPECT_EQ(status_now(), first) << "the clock only moves when told to";
  std::set<std::string> seen;
  for (int i = 0; i < 60; ++i) {
    tenant->advance_clock(std::chrono::seconds(97));
    seen.insert(status_now());
  }
  EXPECT_TRUE(seen.count("READY") && seen.count("IN CALL") && seen.count("DISPOSITION"));
  tenant->set_agent_status(user.id, "PAUSE - LUNCH BREAK");
  EXPECT_EQ(status_now(), "PAUSE - LUNCH BREAK");
  tenant->advance_clock(std::chrono::seconds(3600));
  EXPECT_EQ(status_now(), "PAUSE - LUNCH BREAK");
  tenant->set_agent_status(user.id, "IN CALL");
  Json in_call(post_action("getLiveAgentInfo", {{"user", user.username}}));
  EXPECT_GT(num(in_call["data"]["lead_id"]), 0);
  EXPECT_EQ(str(in_call["data"]["color"]), "green");
}

TEST_F(CrocodialTest, PortfoliosAndProfilesAsDocumented) {
  tenant->set_portfolios({{"ABC", "Alpha Business Corp"}, {"XYZ", "Xylon/Technologies"}});
  const std::string body = post_action("getAllPortfolios");
  EXPECT_NE(body.find(R"("portfolio_name":"Xylon\/Technologies")"), std::string::npos) << "PHP escapes slashes";
  Json portfolios(body);
  ASSERT_EQ(portfolios["data"].get_array().size(), 2u);
  EXPECT_EQ(str(portfolios["data"].at(0)["portfolio"]), "ABC");

  Json profiles(post_action("getAllProfiles"));
  ASSERT_TRUE(profiles.ok());
  EXPECT_EQ(num(profiles["use_profile"]), 1);
  const auto rows = profiles["profiles"]["rows"].get_array();
  ASSERT_EQ(rows.size(), profiles["data"].get_array().size());
  EXPECT_EQ(num(rows.at(0)["id"]), 1);
  EXPECT_NE(str(rows.at(0)["action"]).find("<button class=\"btn btn-success"), std::string::npos);
  EXPECT_TRUE(rows.at(0)["disposition_set"].is_string());

  tenant->set_portfolios({});
  EXPECT_EQ(post_action("getAllPortfolios"), R"({"code":"10010","result":"Error: No data found."})");
}

TEST_F(CrocodialTest, PhpWarningPrefixesTheBody) {
  tenant->set_fault({.kind = FaultKind::php_warning, .times = 1});
  const std::string body = post_action("goGetAllUsers");
  EXPECT_EQ(
      body.rfind(
          "<br />\n<b>Warning</b>:  Undefined index: log_ip in /var/www/html/goAPIv2/goAPI.php on line 58<br />\n", 0),
      0u);
  EXPECT_TRUE(Json(body.substr(body.find('{'))).ok());
  EXPECT_EQ(post_action("goGetAllUsers").front(), '{');  // once only
}

TEST_F(CrocodialTest, UnusualTextIsEscapedAsPhpDoes) {
  TenantOptions options;
  options.name = "odd";
  options.vendor = "crocodial";
  options.users = 60;
  options.unusual_text = true;
  Tenant& odd = sim.add_tenant(options);
  auto c = client();
  const auto result = c.Post("/odd/goAPIv2/goUsers/goAPI.php", croco_params(odd, "goGetAllUsers"));
  ASSERT_TRUE(result);
  const std::string& body = result->body;
  EXPECT_TRUE(std::all_of(body.begin(), body.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }))
      << "json_encode escapes every non-ASCII character";
  EXPECT_NE(body.find("\\ud83d\\ude00"), std::string::npos) << "emoji as a surrogate pair";
  Json json(body);
  ASSERT_TRUE(json.ok());
  std::set<std::string> names;
  for (const auto item : json["data"]["user_list"].get_array()) names.insert(str(item["name"]));
  for (const auto& u : odd.users()) {
    if (u.active) {
      EXPECT_TRUE(names.count(u.full_name())) << u.full_name();
    }
  }
}

}  // namespace
}  // namespace rosterd::sim::testing
