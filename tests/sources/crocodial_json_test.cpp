#include "sources/crocodial/crocodial_json.hpp"

#include <gtest/gtest.h>

#include "core/secrets.hpp"
#include "fixture_support.hpp"

namespace rosterd::sources::crocodial {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;
using testing::stored_text;
using namespace std::string_literals;

core::Result<UserListing> parse(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_user_list(body, parser, filter);
}

TEST(CrocodialUsers, MapsTheDocumentedExample) {
  auto listing = parse(read_fixture("crocodial/users_doc_example.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->users.size(), 1u);
  const auto& user = listing->users[0];
  EXPECT_EQ(user.external_id, "2222");
  EXPECT_EQ(user.username, "Jhon.Exp");
  EXPECT_EQ(user.full_name, "Jhon Example");
  EXPECT_EQ(user.email, std::nullopt);  // getUserInfo supplies email, phone, user_group
  EXPECT_EQ(user.phone, std::nullopt);
  EXPECT_EQ(user.extension, "2222");
  EXPECT_EQ(user.role, "1");
  EXPECT_EQ(user.user_group, std::nullopt);
  EXPECT_EQ(user.active, true);
  EXPECT_EQ(user.portfolios, (std::vector<std::string>{"AMI", "IST", "PTR"}));
  const model::Attributes expected{{"agentcall_manual", "\"1\""},
                                   {"campaign_id", "\"4460708090\""},
                                   {"campaign_name", "\"...\""},
                                   {"closer_campaigns", "\" AGENTDIRECT \""},  // attributes are not trimmed
                                   {"dialer", "1"},
                                   {"inbound", "1"},
                                   {"manual_dial_only", "0"},
                                   {"profile_id", "22"},
                                   {"rank", "0"},
                                   {"xfer", "1"}};
  EXPECT_EQ(user.attributes, expected);

  std::vector<std::pair<std::string, std::optional<std::string>>> campaigns;
  for (const auto& campaign : listing->campaigns) campaigns.emplace_back(campaign.key, campaign.name);
  EXPECT_EQ(campaigns, (decltype(campaigns){{"12345678", "PAYMENTS"},
                                            {"234567891", "GENERAL"},
                                            {"COLLECTIONS", std::nullopt},
                                            {"CUSTSERVICE", std::nullopt},
                                            {"NEWLOANS", std::nullopt},
                                            {"SERVERS", std::nullopt}}));
  EXPECT_EQ(listing->campaigns[0].attributes, (model::Attributes{{"preview", "true"}}));
  EXPECT_TRUE(listing->campaigns[2].attributes.empty());
  EXPECT_TRUE(listing->campaigns_listed);
  EXPECT_EQ(listing->total_users, 165);
  EXPECT_EQ(listing->total_active_users, 165);
  EXPECT_EQ(listing->total_inactive_users, 0);
  EXPECT_TRUE(listing->warnings.empty());
}

TEST(CrocodialUsers, AcceptsEveryTypeVariation) {
  auto listing = parse(read_fixture("crocodial/users_mixed_types.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->users.size(), 4u);
  const auto& maria = listing->users[1];
  EXPECT_EQ(maria.external_id, "3001");
  EXPECT_EQ(maria.username, "maria.lopez");
  EXPECT_EQ(maria.full_name, "Mar\u00eda L\u00f3pez");
  EXPECT_EQ(maria.extension, "3001");
  EXPECT_EQ(maria.role, "7");
  EXPECT_EQ(maria.active, false);
  EXPECT_EQ(maria.portfolios, std::vector<std::string>{});
  EXPECT_EQ(maria.attributes,
            (model::Attributes{{"closer_campaigns", "\"\""}, {"profile_id", "null"}, {"rank", "1.5"}}));

  const auto& agent = listing->users[2];
  EXPECT_EQ(agent.external_id, "0042");
  EXPECT_EQ(agent.full_name, std::nullopt);
  EXPECT_EQ(agent.extension, std::nullopt);
  EXPECT_EQ(agent.role, "8");
  EXPECT_EQ(agent.active, std::nullopt);  // not in the record: the caller knows which listing it asked for
  EXPECT_EQ(agent.portfolios, std::vector<std::string>{});
  EXPECT_EQ(agent.attributes.at("settings"), R"({"hotkeys":true,"nested":{"a":[1,{"y":"x","z":null}],"b":2}})");
  EXPECT_EQ(agent.attributes.at("big"), "18446744073709551615");
  EXPECT_EQ(agent.attributes.at("negative"), "-9223372036854775808");
  EXPECT_EQ(agent.attributes.at("note"), R"("nul\u0000inside")");

  EXPECT_EQ(listing->users[0].portfolios, (std::vector<std::string>{"AMI", "IST", "PTR"}));
  EXPECT_EQ(listing->users[3].portfolios, (std::vector<std::string>{"IST", "MNO"}));
  EXPECT_EQ(listing->users[3].active, true);  // "y"

  // A campaign in both lists is one campaign, with the preview list's name.
  ASSERT_EQ(listing->campaigns.size(), 4u);
  EXPECT_EQ(listing->campaigns[0].key, "12345678");
  EXPECT_EQ(listing->campaigns[0].name, "PAYMENTS");
  EXPECT_EQ(listing->campaigns[0].attributes, (model::Attributes{{"preview", "true"}}));
  EXPECT_EQ(listing->campaigns[1].key, "234567891");
  EXPECT_EQ(listing->campaigns[1].name, "GENERAL");
  EXPECT_EQ(listing->total_users, 4);
}

TEST(CrocodialUsers, StoresANulCharacterInANormalizedColumnAsTheReplacementCharacter) {
  auto listing = parse(R"({"result":"success","data":{"user_list":[{"user_id":1,"name":"A\u0000B"}]}})");
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  EXPECT_EQ(listing->users[0].full_name, "A\xEF\xBF\xBD" "B");
}

TEST(CrocodialUsers, DropsSecretFieldsAndDropFieldsAtEveryDepth) {
  const auto body = read_fixture("crocodial/users_full_rows.json");
  auto listing = parse(body, FieldFilter({"internal_note"}));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  const auto stored = stored_text(listing->users);
  for (const char* secret : {"examplePass", "ABC123xyzHashValue", "phonePass123", "voicePass123", "tok-SECRET-1",
                             "cs-SECRET-2", "Hunter2-Secret", "drop me", "and me", "internal_note"}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret;
  }
  const auto& user = listing->users[0];
  EXPECT_EQ(user.attributes.at("extra"), R"({"deep":[{"ok":1}]})");
  EXPECT_EQ(user.attributes.at("email"), "\"example.user@example.com\"");
  for (const auto& [key, value] : user.attributes) EXPECT_FALSE(core::is_secret_field_name(key)) << key;

  // Without drop_fields only the secret-named fields go.
  auto unfiltered = parse(body);
  ASSERT_TRUE(unfiltered.ok());
  EXPECT_EQ(unfiltered->users[0].attributes.at("extra"),
            R"({"deep":[{"internal_note":"and me","ok":1}],"internal_note":"drop me too"})");
  EXPECT_EQ(stored_text(unfiltered->users).find("examplePass"), std::string::npos);
}

TEST(CrocodialUsers, ToleratesPhpWarningsBeforeTheJsonAndReportsThem) {
  auto listing = parse(read_fixture("crocodial/users_php_warning.txt"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  EXPECT_EQ(listing->users.size(), 2u);
  ASSERT_EQ(listing->warnings.size(), 1u);
  EXPECT_EQ(listing->warnings[0],
            "119 bytes of text before the JSON: Warning: Undefined array key \"log_ip\" in "
            "/var/www/html/goAPIv2/goAPI.php on line 98");

  auto notice = parse(read_fixture("crocodial/users_php_notice_plain.txt"));
  ASSERT_TRUE(notice.ok()) << notice.error().message;
  EXPECT_TRUE(notice->users.empty());
  ASSERT_EQ(notice->warnings.size(), 1u);
  EXPECT_NE(notice->warnings[0].find("PHP Notice: Undefined index: log_ip"), std::string::npos);
}

TEST(CrocodialUsers, NoRowsIsAnEmptyListingWithoutCampaigns) {
  auto listing = parse(read_fixture("crocodial/users_no_rows.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  EXPECT_TRUE(listing->users.empty());
  EXPECT_TRUE(listing->campaigns.empty());
  EXPECT_FALSE(listing->campaigns_listed);
}

struct ErrorCase {
  const char* fixture;
  core::ErrorKind kind;
  const char* message_part;
};

TEST(CrocodialUsers, ClassifiesEveryErrorShape) {
  const ErrorCase cases[] = {
      {"error_invalid_credentials.json", core::ErrorKind::auth, "CrocoDial error: Invalid Username/Password"},
      {"error_permission.json", core::ErrorKind::auth, "CrocoDial error 10001: Error: You do not have permission"},
      {"error_permission_issue48.json", core::ErrorKind::auth, "Insufficient permission."},
      {"error_user_not_defined.json", core::ErrorKind::auth, "goAPI User Not Defined."},
      {"error_password_not_defined.json", core::ErrorKind::auth, "goAPI Password Not Defined."},
      {"error_command_not_found.json", core::ErrorKind::vendor, "Command Not Found"},
      {"error_session_user_not_defined.json", core::ErrorKind::vendor, "Session User Not Defined."},
      {"error_missing_parameters.json", core::ErrorKind::vendor, "CrocoDial error 40001: Error: Missing required"},
      {"error_invalid_value.json", core::ErrorKind::vendor, "41004: Error: Invalid value in user."},
      {"error_responsetype.txt", core::ErrorKind::vendor, "only accepts XML or JSON value on responsetype"},
      {"error_responsetype_doc.txt", core::ErrorKind::vendor, "only accepts XML or JSON value on responsetype"},
      {"error_die_message.txt", core::ErrorKind::parse, "non-JSON text (42 bytes)"},
      {"xml_response.xml", core::ErrorKind::parse, "XML document"},
      {"html_page.html", core::ErrorKind::parse, "HTML page (184 bytes)"},
      {"empty.txt", core::ErrorKind::parse, "empty body"},
      {"upstream_parallel_arrays.json", core::ErrorKind::parse, "parallel arrays"},
      {"duplicate_key_in_user.json", core::ErrorKind::parse, "data.user_list[0]: duplicate key \"user\""},
      {"duplicate_key_at_root.json", core::ErrorKind::parse, "(document): duplicate key \"result\""},
      {"duplicate_user_id.json", core::ErrorKind::incomplete, "data.user_list[1].user_id: duplicate user id 1"},
      {"user_id_array.json", core::ErrorKind::parse, "data.user_list[1].user_id: expected number or string, got array"},
      {"trailing_document.txt", core::ErrorKind::parse, "invalid or truncated JSON"},
  };
  for (const auto& test : cases) {
    auto listing = parse(read_fixture(std::string("crocodial/") + test.fixture));
    ASSERT_FALSE(listing.ok()) << test.fixture;
    EXPECT_EQ(listing.error().kind, test.kind) << test.fixture << ": " << listing.error().message;
    EXPECT_NE(listing.error().message.find(test.message_part), std::string::npos)
        << test.fixture << ": " << listing.error().message;
  }
  auto html = parse(read_fixture("crocodial/html_page.html"));
  EXPECT_EQ(html.error().message.find("Bad Gateway"), std::string::npos);  // summarized, not quoted
}

TEST(CrocodialUsers, RejectsWrongShapesNamingThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"result":"success"})", "data: missing"},
      {R"({"result":"success","data":[]})", "data: expected object, got array"},
      {R"({"result":"success","data":{}})", "data.user_list: missing"},
      {R"({"result":"success","data":{"user_list":{}}})", "data.user_list: expected array, got object"},
      {R"({"result":"success","data":{"user_list":[7]}})", "data.user_list[0]: expected object, got integer"},
      {R"({"result":"success","data":{"user_list":[{"user":"x"}]}})", "data.user_list[0].user_id: missing"},
      {R"({"result":"success","data":{"user_list":[{"user_id":1,"allowed_companys":"AMI"}]}})",
       "data.user_list[0].allowed_companys: expected array, got string"},
      {R"({"result":"success","data":{"user_list":[{"user_id":1,"allowed_companys":["AMI",3]}]}})",
       "data.user_list[0].allowed_companys[1]: expected string, got integer"},
      {R"({"result":"success","data":{"user_list":[{"user_id":1,"active":"maybe"}]}})",
       "data.user_list[0].active: expected Y/N, true/false or 1/0, got \"maybe\""},
      {R"({"result":"success","data":{"user_list":[{"user_id":1,"name":["x"]}]}})",
       "data.user_list[0].name: expected a scalar, got array"},
      {R"({"result":"success","data":{"user_list":[],"all_campaigns":"SERVERS"}})",
       "data.all_campaigns: expected array, got string"},
      {R"({"result":"success","data":{"user_list":[],"all_preview_campaigns":[{"campaign_name":"X"}]}})",
       "data.all_preview_campaigns[0].campaign_id: missing"},
      {R"({"result":"success","data":{"user_list":[],"total_users":"many"}})", "data.total_users: expected an integer"},
      {R"({"result":true,"data":{"user_list":[]}})", "result: expected string, got boolean"},
      {R"({"data":{"user_list":[]}})", "result: missing"},
      {R"([{"result":"success"}])", "(document): expected object, got array"},
  };
  for (const auto& [body, message] : cases) {
    auto listing = parse(body);
    ASSERT_FALSE(listing.ok()) << body;
    EXPECT_EQ(listing.error().kind, core::ErrorKind::parse) << body;
    EXPECT_EQ(listing.error().message, message) << body;
  }
}

TEST(CrocodialUsers, RejectsEveryProperPrefixOfAValidListing) {
  for (const char* fixture :
       {"crocodial/users_mixed_types.json", "crocodial/users_doc_example.json", "crocodial/users_php_warning.txt"}) {
    const auto body = read_fixture(fixture);
    ASSERT_TRUE(parse(body).ok()) << fixture;
    JsonDocumentParser parser;
    const FieldFilter filter;
    auto accepted =
        accepted_prefixes(body, [&](std::string_view prefix) { return parse_user_list(prefix, parser, filter); });
    EXPECT_TRUE(accepted.empty()) << fixture << ": " << accepted.size() << " prefixes accepted, first at "
                                  << (accepted.empty() ? 0 : accepted[0]);
  }
}

TEST(CrocodialUsers, RejectsTrailingContent) {
  const auto body = read_fixture("crocodial/users_mixed_types.json");
  for (const auto& junk : testing::trailing_junk()) {
    EXPECT_FALSE(parse(body + junk).ok()) << junk;
  }
}

}  // namespace
}  // namespace rosterd::sources::crocodial
