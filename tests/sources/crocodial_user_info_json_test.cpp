#include "sources/crocodial/crocodial_user_info_json.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixture_support.hpp"

namespace rosterd::sources::crocodial {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;

core::Result<model::UserInfoResult> user_info(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_user_info(body, parser, filter);
}

core::Result<model::AgentState> agent(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_live_agent_info(body, parser, filter);
}

// The documented example with one user_stats field replaced (or removed, when
// `value` is empty).
std::string stats_with(std::string_view field, std::string_view value) {
  auto body = read_fixture("crocodial/user_info_doc_example.json");
  const auto key = fmt::format("\"{}\": ", field);
  const auto start = body.find(key, body.find("\"user_stats\""));
  EXPECT_NE(start, std::string::npos) << field;
  auto end = body.find('\n', start);
  if (body[end - 1] != ',') {  // the last field: keep the JSON valid
    if (value.empty()) return body.erase(body.rfind(',', start), end - body.rfind(',', start));
    return body.replace(start, end - start, fmt::format("{}{}", key, value));
  }
  if (value.empty()) return body.erase(start, end + 1 - start);
  return body.replace(start, end - start, fmt::format("{}{},", key, value));
}

// A getLiveAgentInfo body with the given data fields.
std::string user_info_agent_body(std::string_view fields) {
  return fmt::format(R"({{"result":"success","data":{{{}}}}})", fields);
}

// Everything a user_stats/user-enrichment write could store.
std::string stored_text(const model::UserInfoResult& result) {
  std::string out = fmt::format("{} {} {}", result.info.email.value_or("-"), result.info.user_group.value_or("-"),
                                result.info.phone.value_or("-"));
  for (const auto& [key, value] : result.info.attributes) out += " " + key + "=" + value;
  return out + " " + result.stats.first_activity.value_or("-") + " " + result.stats.last_activity.value_or("-");
}

TEST(CrocodialUserInfo, MapsTheDocumentedExampleExactly) {
  auto result = user_info(read_fixture("crocodial/user_info_doc_example.json"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& info = result->info;
  EXPECT_EQ(info.email, "example.user@example.com");
  EXPECT_EQ(info.user_group, "EXAMPLE_GROUP");
  EXPECT_EQ(info.phone, "1234567890");
  const model::Attributes expected{
      {"user_info.agent_call_log_view_override", R"("DISABLED")"},
      {"user_info.agent_choose_blended", R"("1")"},
      {"user_info.agent_choose_ingroups", R"("0")"},
      {"user_info.agent_choose_territories", R"("0")"},
      {"user_info.agent_lead_search_override", R"("NOT_ACTIVE")"},
      {"user_info.agent_shift_enforcement_override", R"("DISABLED")"},
      {"user_info.agentcall_manual", R"("1")"},
      {"user_info.agentonly_callbacks", R"("1")"},
      {"user_info.alert_enabled", R"("0")"},
      {"user_info.allow_alerts", R"("0")"},
      {"user_info.alter_custphone_override", R"("NOT_ACTIVE")"},
      {"user_info.closer_campaigns", R"(" CAMPAIGN1 CAMPAIGN2 CAMPAIGN3 -")"},
      {"user_info.closer_default_blended", R"("0")"},
      {"user_info.custom_five", R"("")"},
      {"user_info.custom_four", R"("")"},
      {"user_info.custom_one", R"("")"},
      {"user_info.custom_three", R"("")"},
      {"user_info.custom_two", R"("")"},
      {"user_info.dialer_recording", R"("1")"},
      {"user_info.dialer_recording_override", R"("DISABLED")"},
      {"user_info.dialer_transfers", R"("1")"},
      {"user_info.hotkeys_active", R"("1")"},
      {"user_info.preset_contact_search", R"("NOT_ACTIVE")"},
      {"user_info.scheduled_callbacks", R"("1")"},
      {"user_info.shift_override_flag", R"("0")"},
      {"user_info.tenant", R"("EXAMPLE_TENANT")"},
      {"user_info.territory", R"("")"},
      {"user_info.user_code", R"("1234")"},
      {"user_info.voicemail_id", R"("")"},
  };
  EXPECT_EQ(info.attributes, expected);

  const auto& stats = result->stats;
  EXPECT_EQ(stats.first_activity, "09:00:00");
  EXPECT_EQ(stats.last_activity, "17:00:00");
  EXPECT_EQ(stats.login_seconds, 8 * 3600);
  EXPECT_EQ(stats.after_call_seconds, 600);
  EXPECT_EQ(stats.break_seconds, 1800);
  EXPECT_EQ(stats.pause_seconds, 300);
  EXPECT_EQ(stats.available_seconds, 3600);
  EXPECT_EQ(stats.avg_wait_seconds, 20);
  EXPECT_EQ(stats.talk_seconds, 6 * 3600);
  EXPECT_EQ(stats.talk_available_seconds, 7 * 3600);
  EXPECT_EQ(stats.total_calls, 100);
  EXPECT_EQ(stats.denied, 2);
  EXPECT_EQ(stats.lip, 1);
  EXPECT_EQ(stats.vrf, 3);
  EXPECT_EQ(stats.sales, 5);
  EXPECT_EQ(stats.sla_productivity, 87.0);

  const auto stored = stored_text(*result);
  for (const char* secret : {"examplePass", "ABC123xyzHashValue", "phonePass123", "voicePass123"}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret;
  }
  for (const char* field : {"pass", "pass_hash", "phone_pass", "voicemail_pass", "user_id", "full_name", "user_level",
                            "email", "phone_login", "user_group"}) {
    EXPECT_EQ(info.attributes.count(fmt::format("user_info.{}", field)), 0u) << field;
  }
}

TEST(CrocodialUserInfo, NormalizesTheEnrichingFieldsAndHonoursDropFields) {
  auto body = read_fixture("crocodial/user_info_doc_example.json");
  body.replace(body.find("example.user@example.com"), 24, "  Example.User@Example.COM ");
  body.replace(body.find("\"EXAMPLE_GROUP\""), 15, "\"\"");
  auto result = user_info(body, FieldFilter({"phone_login", "tenant"}));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->info.email, "example.user@example.com");
  EXPECT_EQ(result->info.user_group, std::nullopt);
  EXPECT_EQ(result->info.phone, std::nullopt);
  EXPECT_EQ(result->info.attributes.count("user_info.tenant"), 0u);
  EXPECT_EQ(result->info.attributes.count("user_info.phone_login"), 0u);
}

TEST(CrocodialUserInfo, ConvertsDurationsWithAnyNumberOfHourDigits) {
  const std::pair<const char*, std::int64_t> cases[] = {
      {R"("00:00:00")", 0},       {R"("7:05:09")", 7 * 3600 + 5 * 60 + 9}, {R"("27:00:00")", 27 * 3600},
      {R"("123:00:01")", 442801}, {R"(" 08:00:00 ")", 8 * 3600},
  };
  for (const auto& [value, seconds] : cases) {
    auto result = user_info(stats_with("login_time", value));
    ASSERT_TRUE(result.ok()) << value << ": " << result.error().message;
    EXPECT_EQ(result->stats.login_seconds, seconds) << value;
  }
}

TEST(CrocodialUserInfo, RejectsMalformedDurationsNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"("8:00")", R"(expected "HH:MM:SS", got "8:00")"},
      {R"("08:0:00")", R"(expected "HH:MM:SS", got "08:0:00")"},
      {R"("08:60:00")", R"(expected "HH:MM:SS", got "08:60:00")"},
      {R"("08:00:60")", R"(expected "HH:MM:SS", got "08:00:60")"},
      {R"("-1:00:00")", R"(expected "HH:MM:SS", got "-1:00:00")"},
      {R"("08:00:00.5")", R"(expected "HH:MM:SS", got "08:00:00.5")"},
      {R"(":00:00")", R"(expected "HH:MM:SS", got ":00:00")"},
      {R"("1234567890:00:00")", R"(expected "HH:MM:SS", got "1234567890:00:00")"},
      {R"("")", R"(expected "HH:MM:SS", got "")"},
      {"28800", R"(expected "HH:MM:SS", got integer)"},
      {"null", R"(expected "HH:MM:SS", got null)"},
      {"", "missing"},
  };
  for (const auto& [value, problem] : cases) {
    auto result = user_info(stats_with("talk", value));
    ASSERT_FALSE(result.ok()) << value;
    EXPECT_EQ(result.error().kind, core::ErrorKind::parse) << value;
    EXPECT_EQ(result.error().message, fmt::format("data.user_stats.talk: {}", problem)) << value;
  }
  auto dropped = user_info(read_fixture("crocodial/user_info_doc_example.json"), FieldFilter({"avg_wait"}));
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.error().message, "data.user_stats.avg_wait: missing (dropped by the filter)");
}

TEST(CrocodialUserInfo, ReadsCountsAsNumbersOrNumericStrings) {
  auto text = user_info(stats_with("total_calls", R"(" 42 ")"));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->stats.total_calls, 42);
  const std::pair<const char*, const char*> bad[] = {
      {"1.5", "expected integer, got floating-point number"},
      {"-1", "expected a non-negative integer, got -1"},
      {R"("many")", R"(expected a non-negative integer, got "many")"},
      {R"("")", R"(expected a non-negative integer, got "")"},
      {"true", "expected integer, got boolean"},
      {"", "missing"},
  };
  for (const auto& [value, problem] : bad) {
    auto result = user_info(stats_with("sales", value));
    ASSERT_FALSE(result.ok()) << value;
    EXPECT_EQ(result.error().message, fmt::format("data.user_stats.sales: {}", problem)) << value;
  }
}

TEST(CrocodialUserInfo, ReadsThePercentageInEveryServedForm) {
  const std::pair<const char*, std::optional<double>> cases[] = {
      {R"("87.5%")", 87.5},   {R"("87")", 87.0},       {"87", 87.0},
      {"87.25", 87.25},       {R"("0%")", 0.0},        {R"(" 91 % ")", 91.0},
      {"null", std::nullopt}, {R"("")", std::nullopt}, {"", std::nullopt},
  };
  for (const auto& [value, percent] : cases) {
    auto result = user_info(stats_with("sla_productivity", value));
    ASSERT_TRUE(result.ok()) << value << ": " << result.error().message;
    EXPECT_EQ(result->stats.sla_productivity, percent) << value;
  }
  for (const char* value : {R"("87%%")", R"("high")", R"("-5%")", R"("1e2")", R"("87.")", "-3", "[87]"}) {
    auto result = user_info(stats_with("sla_productivity", value));
    ASSERT_FALSE(result.ok()) << value;
    EXPECT_EQ(result.error().message.rfind("data.user_stats.sla_productivity: expected ", 0), 0u)
        << value << ": " << result.error().message;
  }
}

TEST(CrocodialUserInfo, KeepsActivityTimesAsTimeOfDayText) {
  auto padded = user_info(stats_with("first_activity", R"("9:05:00")"));
  ASSERT_TRUE(padded.ok()) << padded.error().message;
  EXPECT_EQ(padded->stats.first_activity, "09:05:00");
  for (const char* value : {R"("")", "null", ""}) {
    auto none = user_info(stats_with("last_activity", value));
    ASSERT_TRUE(none.ok()) << value << ": " << none.error().message;
    EXPECT_EQ(none->stats.last_activity, std::nullopt) << value;
  }
  for (const char* value : {R"("24:00:00")", R"("2026-03-01 09:00:00")", R"("9am")", "32400"}) {
    auto result = user_info(stats_with("first_activity", value));
    ASSERT_FALSE(result.ok()) << value;
    EXPECT_EQ(result.error().message.rfind("data.user_stats.first_activity: expected ", 0), 0u)
        << result.error().message;
  }
}

TEST(CrocodialUserInfo, IgnoresStatisticsItHasNoColumnFor) {
  auto result = user_info(stats_with("sales", R"(5, "callbacks": 7)"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->stats.sales, 5);
}

TEST(CrocodialUserInfo, RejectsWrongShapesNamingThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"result":"success"})", "data: missing"},
      {R"({"result":"success","data":[]})", "data: expected object, got array"},
      {R"({"result":"success","data":{"user_stats":{}}})", "data.user_info: missing"},
      {R"({"result":"success","data":{"user_info":{}}})", "data.user_stats: missing"},
      {R"({"result":"success","data":{"user_info":[],"user_stats":{}}})", "data.user_info: expected object, got array"},
      {R"({"result":"success","data":{"user_info":{"email":{}},"user_stats":{}}})",
       "data.user_info.email: expected a scalar, got object"},
      {R"({"result":"success","data":{"user_info":{},"user_stats":{}}})", "data.user_stats.login_time: missing"},
      {R"({"result":"success","data":{"user_info":{"tenant":1,"tenant":2},"user_stats":{}}})",
       "data.user_info: duplicate key \"tenant\""},
  };
  for (const auto& [body, message] : cases) {
    auto result = user_info(body);
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error().kind, core::ErrorKind::parse) << body;
    EXPECT_EQ(result.error().message, message) << body;
  }
}

struct UserInfoErrorCase {
  const char* fixture;
  core::ErrorKind kind;
  const char* message_part;
};

TEST(CrocodialUserInfo, ClassifiesErrorsOfBothActions) {
  const UserInfoErrorCase cases[] = {
      {"error_invalid_value.json", core::ErrorKind::not_found,
       "unknown user (CrocoDial error 41004: Error: Invalid value in user. Doesn't exist)"},
      {"error_permission.json", core::ErrorKind::auth, "CrocoDial error 10001: Error: You do not have permission"},
      {"error_invalid_credentials.json", core::ErrorKind::auth, "Invalid Username/Password"},
      {"error_missing_parameters.json", core::ErrorKind::vendor, "CrocoDial error 40001"},
      {"error_command_not_found.json", core::ErrorKind::vendor, "Command Not Found"},
      {"html_page.html", core::ErrorKind::parse, "HTML page"},
      {"empty.txt", core::ErrorKind::parse, "empty body"},
  };
  for (const auto& test : cases) {
    const auto body = read_fixture(std::string("crocodial/") + test.fixture);
    auto info = user_info(body);
    auto state = agent(body);
    ASSERT_FALSE(info.ok()) << test.fixture;
    ASSERT_FALSE(state.ok()) << test.fixture;
    for (const auto* error : {&info.error(), &state.error()}) {
      EXPECT_EQ(error->kind, test.kind) << test.fixture << ": " << error->message;
      EXPECT_NE(error->message.find(test.message_part), std::string::npos) << test.fixture << ": " << error->message;
    }
  }
  auto no_rows = user_info(read_fixture("crocodial/users_no_rows.json"));
  ASSERT_FALSE(no_rows.ok());
  EXPECT_EQ(no_rows.error().kind, core::ErrorKind::not_found);
}

TEST(CrocodialUserInfo, ToleratesPhpWarningsAndReportsThem) {
  JsonDocumentParser parser;
  const auto body = "<br />\n<b>Warning</b>:  Undefined array key \"log_ip\"<br />\n" +
                    read_fixture("crocodial/user_info_doc_example.json");
  auto envelope = parse_per_user_envelope(body, parser);
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_EQ(envelope->warnings.size(), 1u);
  auto result = user_info_from(*envelope, FieldFilter{});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->stats.total_calls, 100);
}

TEST(CrocodialLiveAgent, MapsTheDocumentedReadyExample) {
  auto state = agent(read_fixture("crocodial/live_agent_ready_doc.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->status, "READY");
  EXPECT_EQ(state->pause_reason, std::nullopt);
  EXPECT_EQ(state->campaign_id, std::nullopt);
  EXPECT_EQ(state->campaign_name, std::nullopt);
  EXPECT_EQ(state->call_type, std::nullopt);
  const model::Attributes expected{
      {"caller_id", R"("")"},       {"color", R"("primary")"}, {"conf_exten", R"("8600118")"},
      {"in_call_with", R"("")"},    {"lead_id", "0"},          {"server_ip", R"("127.0.0.1")"},
      {"vendor_lead_code", R"("")"}};
  EXPECT_EQ(state->attributes, expected);
}

TEST(CrocodialLiveAgent, MapsTheDocumentedInCallExample) {
  auto state = agent(read_fixture("crocodial/live_agent_in_call_doc.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->status, "IN CALL");
  EXPECT_EQ(state->pause_reason, std::nullopt);
  EXPECT_EQ(state->campaign_id, "CAMP001");
  EXPECT_EQ(state->campaign_name, "EXAMPLE_CAMPAIGN");
  EXPECT_EQ(state->call_type, "DIALER");
  const model::Attributes expected{
      {"caller_id", R"("9876543210")"},          {"color", R"("green")"}, {"conf_exten", R"("8600118")"},
      {"in_call_with", R"("1234567890")"},       {"lead_id", "7890123"},  {"server_ip", R"("127.0.0.1")"},
      {"vendor_lead_code", R"("abc123-xyz456")"}};
  EXPECT_EQ(state->attributes, expected);
}

TEST(CrocodialLiveAgent, SplitsThePauseReasonOffTheStatus) {
  auto lunch = agent(read_fixture("crocodial/live_agent_pause_lunch.json"));
  ASSERT_TRUE(lunch.ok()) << lunch.error().message;
  EXPECT_EQ(lunch->status, "PAUSE");
  EXPECT_EQ(lunch->pause_reason, "LUNCH BREAK");
  EXPECT_EQ(lunch->campaign_id, std::nullopt);

  const std::tuple<const char*, const char*, std::optional<std::string>> cases[] = {
      {"PAUSE", "PAUSE", std::nullopt},
      {"PAUSE - BREAK", "PAUSE", "BREAK"},
      {"PAUSE-BREAK", "PAUSE", "BREAK"},
      {"PAUSE - ", "PAUSE", std::nullopt},
      {" READY ", "READY", std::nullopt},
      {"PAUSED - X", "PAUSED - X", std::nullopt},  // only PAUSE carries a reason
      {"DEAD - CALL", "DEAD - CALL", std::nullopt},
  };
  for (const auto& [served, status, reason] : cases) {
    auto state = agent(user_info_agent_body(fmt::format(R"("status":"{}")", served)));
    ASSERT_TRUE(state.ok()) << served << ": " << state.error().message;
    EXPECT_EQ(state->status, status) << served;
    EXPECT_EQ(state->pause_reason, reason) << served;
  }
  // An interval of agent_status_log ends when the reason changes.
  auto breaks = agent(user_info_agent_body(R"("status":"PAUSE - BREAK")"));
  ASSERT_TRUE(breaks.ok());
  EXPECT_FALSE(lunch->same_state(*breaks));
}

TEST(CrocodialLiveAgent, KeepsLeadIdANumberAndConfExtenAString) {
  auto disposition = agent(read_fixture("crocodial/live_agent_disposition.json"));
  ASSERT_TRUE(disposition.ok()) << disposition.error().message;
  EXPECT_EQ(disposition->status, "DISPOSITION");
  EXPECT_EQ(disposition->call_type, "MANUAL");
  EXPECT_EQ(disposition->attributes.at("lead_id"), "7890123");          // served "7890123"
  EXPECT_EQ(disposition->attributes.at("conf_exten"), R"("8600118")");  // served 8600118

  auto null_lead = agent(user_info_agent_body(R"("status":"READY","lead_id":null)"));
  ASSERT_TRUE(null_lead.ok()) << null_lead.error().message;
  EXPECT_EQ(null_lead->attributes.at("lead_id"), "null");
  for (const char* lead : {"1.5", R"("x")", "-1", "[1]"}) {
    auto state = agent(user_info_agent_body(fmt::format(R"("status":"READY","lead_id":{})", lead)));
    ASSERT_FALSE(state.ok()) << lead;
    EXPECT_EQ(state.error().message.rfind("data.lead_id: expected ", 0), 0u) << state.error().message;
  }
}

TEST(CrocodialLiveAgent, RequiresAStatusAndDropsSecretFields) {
  for (const char* fields : {R"("color":"green")", R"("status":"")", R"("status":null)"}) {
    auto state = agent(user_info_agent_body(fields));
    ASSERT_FALSE(state.ok()) << fields;
    EXPECT_EQ(state.error().message, "data.status: missing or empty") << fields;
  }
  auto state = agent(user_info_agent_body(R"("status":"READY","sip_password":"s3cr3t-Sip","session_token":"tok-9","note":"n")"),
                     FieldFilter({"note"}));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_TRUE(state->attributes.empty());
}

TEST(CrocodialLiveAgent, ReadsNoRowsAsLoggedOut) {
  auto state = agent(read_fixture("crocodial/live_agent_not_logged_in.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->status, k_logged_out_status);
  EXPECT_EQ(state->pause_reason, std::nullopt);
  EXPECT_TRUE(state->attributes.empty());
}

TEST(CrocodialPerUser, RejectsEveryProperPrefixAndTrailingContent) {
  JsonDocumentParser parser;
  const FieldFilter filter;
  for (const char* fixture : {"crocodial/user_info_doc_example.json"}) {
    const auto body = read_fixture(fixture);
    auto accepted =
        accepted_prefixes(body, [&](std::string_view prefix) { return parse_user_info(prefix, parser, filter); });
    EXPECT_TRUE(accepted.empty()) << fixture << ": first accepted prefix " << (accepted.empty() ? 0 : accepted[0]);
    for (const auto& junk : testing::trailing_junk()) EXPECT_FALSE(user_info(body + junk).ok()) << junk;
  }
  for (const char* fixture : {"crocodial/live_agent_ready_doc.json", "crocodial/live_agent_in_call_doc.json",
                              "crocodial/live_agent_pause_lunch.json", "crocodial/live_agent_disposition.json",
                              "crocodial/live_agent_not_logged_in.json"}) {
    const auto body = read_fixture(fixture);
    ASSERT_TRUE(agent(body).ok()) << fixture;
    auto accepted =
        accepted_prefixes(body, [&](std::string_view prefix) { return parse_live_agent_info(prefix, parser, filter); });
    EXPECT_TRUE(accepted.empty()) << fixture << ": first accepted prefix " << (accepted.empty() ? 0 : accepted[0]);
    for (const auto& junk : testing::trailing_junk()) EXPECT_FALSE(agent(body + junk).ok()) << junk;
  }
}

}  // namespace
}  // namespace rosterd::sources::crocodial
