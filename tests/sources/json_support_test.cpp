#include "sources/json_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/secrets.hpp"

namespace rosterd::sources {
namespace {

using namespace std::string_literals;

// Parses `json` and returns its root (the parser must outlive the element).
simdjson::dom::element root_of(JsonDocumentParser& parser, std::string_view json) {
  auto root = parser.parse(json);
  EXPECT_TRUE(root.ok()) << (root.ok() ? "" : root.error().message);
  return *root;
}

TEST(FieldFilter, DropsSecretNamesInAnyCaseAndConfiguredNamesExactly) {
  const FieldFilter filter({"internal_note", "Salary"});
  for (const char* name :
       {"pass", "pass_hash", "phone_pass", "PASSWD", "api_token", "client_secret", "internal_note", "Salary"}) {
    EXPECT_TRUE(filter.drops(name)) << name;
  }
  for (const char* name : {"user", "email", "salary", "internal", "note"}) EXPECT_FALSE(filter.drops(name)) << name;
}

TEST(JsonDocumentParser, DescribesNonJsonBodiesWithoutQuotingThem) {
  JsonDocumentParser parser;
  const std::string html = "<!DOCTYPE html><html><body>Bad Gateway session=abc123</body></html>";
  auto result = parser.parse(html);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::parse);
  EXPECT_NE(result.error().message.find(fmt::format("HTML page ({} bytes)", html.size())), std::string::npos);
  EXPECT_EQ(result.error().message.find("abc123"), std::string::npos);

  auto empty = parser.parse("");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty body"), std::string::npos);
  auto text = parser.parse("secret-ish plain text");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message, "expected a JSON document, got non-JSON text (21 bytes)");
}

TEST(JsonDocumentParser, RejectsTrailingContentTruncationAndExcessiveDepth) {
  JsonDocumentParser parser;
  EXPECT_TRUE(parser.parse("{\"a\":1}\n").ok());
  EXPECT_FALSE(parser.parse("{\"a\":1} x").ok());
  EXPECT_FALSE(parser.parse("{\"a\":1}{}").ok());
  EXPECT_FALSE(parser.parse("{\"a\":[1,2").ok());
  const std::string deep =
      std::string(JsonDocumentParser::k_max_depth + 1, '[') + std::string(JsonDocumentParser::k_max_depth + 1, ']');
  auto result = parser.parse(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("nested deeper"), std::string::npos);
}

TEST(JsonDocumentParser, ReportsBodiesOverTheSizeCapAsTooLarge) {
  JsonDocumentParser parser(64);
  auto result = parser.parse("[" + std::string(100, ' ') + "]");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::too_large);
}

TEST(IdText, AcceptsNumbersAndStringsAsTextKeepingLeadingZeros) {
  JsonDocumentParser parser;
  auto root = root_of(parser, R"([2222, "3001", " 0042 ", 18446744073709551615])").get_array().value();
  std::vector<std::string> ids;
  for (auto item : root) ids.push_back(*id_text(item, "x"));
  EXPECT_EQ(ids, (std::vector<std::string>{"2222", "3001", "0042", "18446744073709551615"}));
}

TEST(IdText, RejectsEmptyNullFloatingAndContainerIdsNamingThePath) {
  JsonDocumentParser parser;
  const std::pair<const char*, const char*> cases[] = {
      {R"("")", "data.user_list[17].user_id: empty id"},
      {R"("   ")", "data.user_list[17].user_id: empty id"},
      {"null", "data.user_list[17].user_id: expected number or string, got null"},
      {"[1]", "data.user_list[17].user_id: expected number or string, got array"},
      {"{}", "data.user_list[17].user_id: expected number or string, got object"},
      {"true", "data.user_list[17].user_id: expected number or string, got boolean"},
      {"12.5", "data.user_list[17].user_id: expected integer or string id, got floating-point number"},
  };
  for (const auto& [json, message] : cases) {
    auto id = id_text(root_of(parser, json), "data.user_list[17].user_id");
    ASSERT_FALSE(id.ok()) << json;
    EXPECT_EQ(id.error().kind, core::ErrorKind::parse);
    EXPECT_EQ(id.error().message, message);
  }
}

TEST(ScalarText, NormalizesScalarsAndRejectsContainers) {
  JsonDocumentParser parser;
  EXPECT_EQ(*scalar_text(root_of(parser, R"("  Jhon  ")"), "x"), "Jhon");
  EXPECT_EQ(*scalar_text(root_of(parser, R"("  ")"), "x"), std::nullopt);
  EXPECT_EQ(*scalar_text(root_of(parser, "null"), "x"), std::nullopt);
  EXPECT_EQ(*scalar_text(root_of(parser, "2222"), "x"), "2222");
  EXPECT_EQ(*scalar_text(root_of(parser, "-7"), "x"), "-7");
  EXPECT_EQ(*scalar_text(root_of(parser, "0.1"), "x"), "0.1");
  EXPECT_EQ(*scalar_text(root_of(parser, "false"), "x"), "false");
  EXPECT_EQ(*scalar_text(root_of(parser, R"("a\u0000b")"), "x"), "a\xEF\xBF\xBD" "b") << "U+0000 replaced";
  auto object = scalar_text(root_of(parser, "{}"), "data[0].name");
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().message, "data[0].name: expected a scalar, got object");
}

TEST(FlagValue, ReadsBooleansAndYesNoSpellings) {
  JsonDocumentParser parser;
  const std::pair<const char*, std::optional<bool>> cases[] = {
      {R"("Y")", true}, {R"("n")", false}, {"true", true},         {"false", false},        {"1", true},
      {"0", false},     {R"("1")", true},  {"null", std::nullopt}, {R"("")", std::nullopt},
  };
  for (const auto& [json, expected] : cases) {
    auto flag = flag_value(root_of(parser, json), "x");
    ASSERT_TRUE(flag.ok()) << json;
    EXPECT_EQ(*flag, expected) << json;
  }
  for (const char* json : {R"("maybe")", "2", "1.0", "[]"}) {
    EXPECT_FALSE(flag_value(root_of(parser, json), "x").ok()) << json;
  }
}

TEST(CanonicalJson, SortsKeysKeepsValuesExactlyAndFiltersAtEveryDepth) {
  JsonDocumentParser parser;
  const auto json = R"({"b":[{"z":null,"y":" x ","api_token":"t0k3n"}],"a":{"d":true,"c":18446744073709551615,
    "internal_note":"n","deep":{"Password":"p4ss","n":-9223372036854775808,"f":1.5}},"s":"nul\u0000inside"})";
  auto canonical = canonical_json(root_of(parser, json), FieldFilter({"internal_note"}), "attr");
  ASSERT_TRUE(canonical.ok()) << canonical.error().message;
  EXPECT_EQ(*canonical, R"({"a":{"c":18446744073709551615,"d":true,"deep":{"f":1.5,"n":-9223372036854775808}},)"
                        R"("b":[{"y":" x ","z":null}],"s":"nul\u0000inside"})");
}

TEST(CanonicalJson, RejectsADuplicateKeyAtAnyDepthNamingItsPath) {
  JsonDocumentParser parser;
  auto canonical = canonical_json(root_of(parser, R"({"a":[{"k":1},{"k":1,"k":2}]})"), FieldFilter{}, "extra");
  ASSERT_FALSE(canonical.ok());
  EXPECT_EQ(canonical.error().message, "extra.a[1]: duplicate key \"k\"");
}

TEST(RecordReader, TakesColumnsAndReturnsTheRestAsAttributes) {
  JsonDocumentParser parser;
  const FieldFilter filter({"note"});
  auto reader = RecordReader::open(
      root_of(parser, R"({"id":7,"name":" N ","phone":"1","phone2":"2","pass":"x","note":"dropped"})"), "data[3]",
      filter);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*reader->take_id("id"), "7");
  EXPECT_EQ(*reader->take_text("name"), "N");
  EXPECT_EQ(*reader->take_text("missing"), std::nullopt);
  EXPECT_EQ(*reader->peek_text("phone2"), "2");
  EXPECT_EQ(*reader->take_text("note"), std::nullopt);  // drop_fields also empties a column
  EXPECT_EQ(*reader->rest(), (model::Attributes{{"phone", "\"1\""}, {"phone2", "\"2\""}}));
  auto missing = reader->take_id("user_id");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "data[3].user_id: missing");
}

TEST(RecordReader, RejectsNonObjectsAndDuplicateKeys) {
  JsonDocumentParser parser;
  const FieldFilter filter;
  auto array = RecordReader::open(root_of(parser, "[1]"), "data[0]", filter);
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().message, "data[0]: expected object, got array");
  auto duplicate = RecordReader::open(root_of(parser, R"({"id":1,"id":2})"), "data[0]", filter);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().message, "data[0]: duplicate key \"id\"");
}

TEST(SafeExcerpt, KeepsTheFirstTextLineWithoutTagsCappedAndMasked) {
  core::secrets().add("s3cr3t-value");
  EXPECT_EQ(safe_excerpt("<br />\n<b>Warning</b>:  Undefined key \"log_ip\" in <b>/x.php</b>\nsecond line"),
            "Warning: Undefined key \"log_ip\" in /x.php");
  EXPECT_EQ(safe_excerpt("token s3cr3t-value here"), "token *** here");
  EXPECT_EQ(safe_excerpt(std::string(500, 'a'), 10), "aaaaaaaaaa...");
  EXPECT_EQ(safe_excerpt("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9...");  // never splits a UTF-8 sequence
  EXPECT_EQ(safe_excerpt("a\tb\x01"
                         "c"),
            "a b c");
  core::secrets().clear();
}

TEST(LeadingGarbage, FindsTheDocumentAfterPhpWarnings) {
  const std::string warning = "<br />\n<b>Notice</b>: x {y} \"z\" on line 3<br />\n";
  const std::string json = R"({"result":"success","data":{"s":"a \"}\" b","t":["{"]}})";
  EXPECT_EQ(leading_garbage_length(warning + json), warning.size());
  EXPECT_EQ(leading_garbage_length(json), 0u);
  EXPECT_EQ(leading_garbage_length("  " + json), 0u);
  EXPECT_EQ(leading_garbage_length("<html>no json</html>"), 0u);
}

TEST(LeadingGarbage, NeverCutsATruncatedDocumentDownToANestedObject) {
  // Cut after the first user: the last '}' closes an object that follows '[' or ','.
  const std::string warning = "Warning: x\n";
  EXPECT_EQ(leading_garbage_length(warning + R"({"data":{"user_list":[{"user_id":1})"), 0u);
  EXPECT_EQ(leading_garbage_length(warning + R"({"data":{"user_list":[{"user_id":1},{"user_id":2})"), 0u);
  EXPECT_EQ(leading_garbage_length(warning + R"({"data":{"a":{"user_id":1})"), 0u);
}

}  // namespace
}  // namespace rosterd::sources
