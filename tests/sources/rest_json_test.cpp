// A rest definition's records: columns from pointers (filters, fallbacks, joins, maps,
// transforms), everything else to attributes (objects a column read from flattened,
// secrets dropped), and the errors of a record that does not map.

#include "sources/rest/rest_json.hpp"

#include <gtest/gtest.h>

#include "config/rest_definition_parser.hpp"
#include "rest_test_support.hpp"

namespace rosterd::sources::rest {
namespace {

using sources::testing::rest_config;

core::Result<RestPage> page_of(const std::string& definition, const std::string& body) {
  const auto config = rest_config("request: {path: /u}\nrecords: /data\nid: /id\n" + definition);
  static JsonDocumentParser parser;
  return parse_rest_page(200, body, parser, *config.definition, FieldFilter(config.drop_fields));
}

model::User only_user(const std::string& columns, const std::string& record) {
  auto page = page_of(columns, "{\"data\":[" + record + "]}");
  EXPECT_TRUE(page) << page.error().message;
  if (!page || page->users.size() != 1) return {};
  return page->users.front();
}

TEST(RestRecords, AFilterPicksTheArrayElementAndFallbacksTakeTheFirstPresent) {
  const std::string columns = R"(columns:
  email: {first: ["/emails[primary=true]/value", /emails/0/value]}
  phone: {first: [/phone, {pointer: /mobile, keep: true}]}
)";
  const auto primary = only_user(columns, R"({"id":1,"emails":[{"value":"home@x.example","primary":false},)"
                                          R"({"value":"Work@X.example","primary":true}],"mobile":"+1 555"})");
  EXPECT_EQ(primary.email, "work@x.example") << "the primary one, lower-cased";
  EXPECT_EQ(primary.phone, "+1 555");
  EXPECT_EQ(primary.attributes.count("mobile"), 1u) << "keep: true";
  EXPECT_EQ(primary.attributes.count("phone"), 0u);
  EXPECT_EQ(primary.attributes.count("emails"), 1u) << "an array a filter read from stays whole";

  const auto first = only_user(columns, R"({"id":2,"emails":[{"value":"only@x.example"}],"phone":"  "})");
  EXPECT_EQ(first.email, "only@x.example");
  EXPECT_EQ(first.phone, std::nullopt) << "an empty phone, and no mobile";
}

TEST(RestRecords, JoinsMapsAndTransforms) {
  const std::string columns = R"(columns:
  full_name: {join: [/first, /last]}
  username: {pointer: /login, transform: [lower]}
  role: {pointer: /level, map: {"9": Admin, "1": Agent}}
  user_group: {pointer: /team, map: {none: ""}}
  extension: {pointer: /ext, transform: upper}
  email: {pointer: /login, transform: email}
  active: {pointer: /state, map: {enabled: true, disabled: false}, otherwise: null}
)";
  const auto user =
      only_user(columns, R"({"id":"a","first":"Zoë","last":null,"login":"Ann@X.example","level":9,"team":"none",)"
                         R"("ext":"x12","state":"enabled"})");
  EXPECT_EQ(user.full_name, "Zoë") << "the parts present";
  EXPECT_EQ(user.username, "ann@x.example");
  EXPECT_EQ(user.role, "admin") << "mapped, then lower-cased as every role";
  EXPECT_EQ(user.user_group, std::nullopt) << "mapped to empty: NULL";
  EXPECT_EQ(user.extension, "X12");
  EXPECT_EQ(user.email, "ann@x.example");
  EXPECT_EQ(user.active, true);

  const auto other = only_user(columns, R"({"id":"b","login":"not-an-address","level":3,"state":"locked"})");
  EXPECT_EQ(other.email, std::nullopt) << "transform email keeps addresses only";
  EXPECT_EQ(other.role, "3") << "a value the map lacks is kept";
  EXPECT_EQ(other.active, std::nullopt) << "otherwise: null";
}

TEST(RestRecords, ActiveReadsFlagsAndAnUnknownValueIsAnError) {
  EXPECT_EQ(only_user("columns: {active: /on}", R"({"id":1,"on":false})").active, false);
  EXPECT_EQ(only_user("columns: {active: /on}", R"({"id":1,"on":"Y"})").active, true);
  auto page = page_of("columns: {active: /on}", R"({"data":[{"id":1,"on":"maybe"}]})");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().message, "/data[0]/on: \"maybe\" is not an active flag (give active a map)");
  page = page_of("columns: {active: {pointer: /on, map: {\"1\": true}}}", R"({"data":[{"id":1,"on":2}]})");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().message, "/data[0]/on: \"2\" is not in the map of active");
}

TEST(RestRecords, UnmappedFieldsAreAttributesAndObjectsAColumnReadFromAreFlattened) {
  const auto user = only_user("columns: {phone: /agent/number, role: /role/name}",
                              R"({"id":7,"agent":{"number":"100","status":3,"api_token":"t0k"},)"
                              R"("role":{"name":"Boss","id":2},"team":{"name":"Ops"},"note":"x","secret":"s"})");
  EXPECT_EQ(user.external_id, "7");
  EXPECT_EQ(user.phone, "100");
  EXPECT_EQ(user.role, "boss");
  const model::Attributes expected = {{"agent.status", "3"}, {"role.id", "2"}, {"team", R"({"name":"Ops"})"},
                                      {"note", "\"x\""}};
  EXPECT_EQ(user.attributes, expected) << "secrets (api_token, secret) never leave the parser";
}

TEST(RestRecords, DropFieldsEmptyAColumnAndLeaveTheAttributes) {
  const auto config = rest_config("request: {path: /u}\nrecords: /data\nid: /id\ncolumns: {email: /mail}\n"
                                  "drop_fields: [mail, internal]\n");
  JsonDocumentParser parser;
  auto page = parse_rest_page(200, R"({"data":[{"id":1,"mail":"a@b.example","internal":1,"kept":2}]})", parser,
                              *config.definition, FieldFilter(config.drop_fields));
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->users[0].email, std::nullopt);
  EXPECT_EQ(page->users[0].attributes, (model::Attributes{{"kept", "2"}}));
}

TEST(RestRecords, ARecordThatDoesNotMapFailsThePageNamingIt) {
  const std::string columns = "columns: {username: /name}";
  const auto error = [&](const std::string& body) {
    auto page = page_of(columns, body);
    EXPECT_FALSE(page);
    return page ? std::string("<ok>") : page.error().message;
  };
  EXPECT_EQ(error(R"({"data":[{"id":1},{"name":"x"}]})"), "/data[1]/id: missing");
  EXPECT_EQ(error(R"({"data":[{"id":1,"name":{"first":"a"}}]})"), "/data[0]/name: expected a scalar, got object");
  EXPECT_EQ(error(R"({"data":[1]})"), "/data[0]: expected an object, got integer");
  EXPECT_EQ(error(R"({"data":{}})"), "/data: expected array, got object");
  EXPECT_EQ(error(R"({"items":[]})"), "/data: missing (the page's records)");
  EXPECT_NE(error(R"({"data":[{"id":1,"name":"a","name":"b"}]})").find("duplicate"), std::string::npos)
      << "a repeated key is an error";
}

TEST(RestRecords, PointersFollowRfc6901) {
  JsonDocumentParser parser;
  auto root = parser.parse(R"({"a/b":{"c~d":[10,{"e":"f"}]},"list":[{"k":"1","v":"one"},{"k":2,"v":"two"}]})");
  ASSERT_TRUE(root);
  const auto at = [&](const std::string& text) -> std::string {
    std::string problem;
    const auto path = config::parse_json_path(text, problem);
    EXPECT_TRUE(path) << problem;
    const auto value = at_path(*root, *path);
    return value ? scalar_key(*value).value_or("<structure>") : "<absent>";
  };
  EXPECT_EQ(at("/a~1b/c~0d/0"), "10");
  EXPECT_EQ(at("/a~1b/c~0d/1/e"), "f");
  EXPECT_EQ(at("/a~1b/c~0d/2"), "<absent>");
  EXPECT_EQ(at("/list[k=2]/v"), "two") << "a filter compares the scalar's text";
  EXPECT_EQ(at("/list[k=1]/v"), "one");
  EXPECT_EQ(at("/list[k=3]/v"), "<absent>");
  EXPECT_EQ(at(""), "<structure>");
}

}  // namespace
}  // namespace rosterd::sources::rest
