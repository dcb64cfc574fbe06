// Numbers beyond 64 bits (json_numbers.hpp) and where JsonDocumentParser reads a body
// (in place when it is padded, JsonBody).

#include "sources/json_numbers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixture_support.hpp"
#include "sources/class4/class4_json.hpp"
#include "sources/crocodial/crocodial_json.hpp"
#include "sources/json_support.hpp"

namespace rosterd::sources {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;
using testing::stored_text;

// The canonical JSON of a whole document (what an attribute stores).
std::string canonical_document(JsonDocumentParser& parser, JsonBody body) {
  auto root = parser.parse(body);
  if (!root) return "error: " + root.error().message;
  auto canonical = canonical_json(*root, FieldFilter{}, "");
  return canonical ? *canonical : "error: " + canonical.error().message;
}

// The message a body failed with, or "" when it parsed.
std::string failure_of(JsonDocumentParser& parser, JsonBody body) {
  auto root = parser.parse(body);
  return root ? "" : root.error().message;
}

TEST(IsJsonNumber, FollowsTheRfcGrammar) {
  for (const char* valid : {"0", "-0", "7", "18446744073709551617", "-99999999999999999999", "1e400", "1E+400",
                            "-1e-400", "0.5", "10.25e3", "0e0"}) {
    EXPECT_TRUE(is_json_number(valid)) << valid;
  }
  for (const char* invalid : {"", "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1x", "0x10", "1.5.2", "--1",
                              "1e4e4", "Infinity", "NaN", "1 2"}) {
    EXPECT_FALSE(is_json_number(invalid)) << invalid;
  }
}

TEST(QuoteWideNumbers, QuotesOnlyTheNumbersSimdjsonCannotHold) {
  const auto quoted =
      quote_wide_numbers(R"({"a":18446744073709551617,"b":[1e400, -99999999999999999999],"c":18446744073709551615,)"
                         R"("d":1e-400,"e":"18446744073709551617","f":{"g":-1E+999}})",
                         JsonDocumentParser::k_max_depth);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(*quoted, R"({"a":"18446744073709551617","b":["1e400", "-99999999999999999999"],)"
                     R"("c":18446744073709551615,"d":1e-400,"e":"18446744073709551617","f":{"g":"-1E+999"}})");
  EXPECT_GE(quoted->capacity() - quoted->size(), simdjson::SIMDJSON_PADDING);
  // At the root too.
  EXPECT_EQ(quote_wide_numbers(" 1e400 ", 4), " \"1e400\" ");
}

TEST(QuoteWideNumbers, LeavesKeysStringsEscapesAndMalformedNumbersAlone) {
  const std::size_t depth = JsonDocumentParser::k_max_depth;
  // Nothing to quote: in range, in a string (escaped quotes included), malformed, or where a key goes.
  for (const char* body : {R"({"a":18446744073709551615,"b":-9223372036854775808})",
                           R"({"a":"x\"18446744073709551617\"","b\\":"\\"})", R"({"a":018446744073709551617})",
                           R"({"a":18446744073709551617x})", R"({18446744073709551617:1})",
                           R"({"a":1,18446744073709551617:1})", R"([1 18446744073709551617])",
                           R"({"a" 18446744073709551617})"}) {
    EXPECT_EQ(quote_wide_numbers(body, depth), std::nullopt) << body;
  }
  // An unterminated string, brackets that close nothing, or nesting deeper than allowed: no rewrite.
  EXPECT_EQ(quote_wide_numbers(R"([1e400, "abc)", depth), std::nullopt);
  EXPECT_EQ(quote_wide_numbers(R"([1e400]])", depth), std::nullopt);
  EXPECT_EQ(quote_wide_numbers("[[[1e400]]]", 2), std::nullopt);
  EXPECT_TRUE(quote_wide_numbers("[[[1e400]]]", 3));
}

TEST(JsonDocumentParser, KeepsNumbersBeyond64BitsAsTheirExactText) {
  JsonDocumentParser parser;
  EXPECT_EQ(canonical_document(parser, R"({"id":18446744073709551617,"n":{"deep":[1,-99999999999999999999,1e400]},)"
                                        R"("max":18446744073709551615,"min":-9223372036854775808})"),
            R"({"id":"18446744073709551617","max":18446744073709551615,"min":-9223372036854775808,)"
            R"("n":{"deep":[1,"-99999999999999999999","1e400"]}})");
  // A thousand digits, every one kept.
  const std::string thousand = "9" + std::string(999, '0');
  EXPECT_EQ(canonical_document(parser, "[" + thousand + "]"), "[\"" + thousand + "\"]");
  // The same body gives the same canonical JSON every time (a stable content hash).
  const std::string body = R"({"a":123456789012345678901234567890,"b":[2e308]})";
  EXPECT_EQ(canonical_document(parser, body), canonical_document(parser, body));
}

TEST(JsonDocumentParser, MalformedBodiesWithWideNumbersFailAsBefore) {
  JsonDocumentParser parser;
  // What the body failed with before wide numbers were kept: simdjson's own verdict.
  const auto failed_before = [](std::string_view body) {
    simdjson::dom::parser plain;
    const auto code = plain.parse(body.data(), body.size(), true).error();
    return fmt::format("invalid or truncated JSON ({}) in a {}-byte body", simdjson::error_message(code), body.size());
  };
  for (std::string_view body :
       {R"({"a":18446744073709551617,})", R"({"a":01})", R"({"a":1.})", R"({"a":-})", R"({"a":18446744073709551617x})",
        R"({"a":[18446744073709551617,)", R"({"a":1e400}{})", R"({"a":1e400} x)", R"({18446744073709551617:1})",
        R"([1 18446744073709551617])", R"({"a":18446744073709551617)", R"([1e400,"abc)", R"({"a":[1e400}})"}) {
    EXPECT_EQ(failure_of(parser, body), failed_before(body)) << body;
  }
  const std::string deep = std::string(JsonDocumentParser::k_max_depth + 1, '[') + "1e400" +
                           std::string(JsonDocumentParser::k_max_depth + 1, ']');
  EXPECT_NE(failure_of(parser, deep).find("nested deeper"), std::string::npos);
}

TEST(JsonDocumentParser, ParsesAPaddedStringInPlaceAndCopiesAnythingElse) {
  JsonDocumentParser parser;
  std::string padded = R"({"user":"a","list":[1,2,3]})";
  padded.reserve(padded.size() + simdjson::SIMDJSON_PADDING);
  ASSERT_TRUE(JsonBody(padded).padded());
  ASSERT_TRUE(parser.parse(padded).ok());
  EXPECT_TRUE(parser.parsed_in_place());
  // Any part of a padded body is padded (CrocoDial skips text before its JSON).
  EXPECT_TRUE(JsonBody(padded).substr(1, 10).padded());

  const std::string exact(padded.data(), padded.size());  // a copy has no spare capacity
  ASSERT_FALSE(JsonBody(exact).padded());
  ASSERT_TRUE(parser.parse(exact).ok());
  EXPECT_FALSE(parser.parsed_in_place());
  ASSERT_TRUE(parser.parse(std::string_view(padded)).ok());
  EXPECT_FALSE(parser.parsed_in_place()) << "a string_view says nothing of what follows it";
  ASSERT_TRUE(parser.parse("[1]").ok());
  EXPECT_FALSE(parser.parsed_in_place());
}

TEST(WideNumbersInListings, Class4KeepsEveryDigitInIdsAndAttributes) {
  JsonDocumentParser parser;
  auto page = class4::parse_user_page(read_fixture("class4/users_wide_numbers.json"), parser, FieldFilter{});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->users.size(), 2u);
  const auto& wide = page->users[0];
  EXPECT_EQ(wide.external_id, "123456789012345678901234567890");
  EXPECT_EQ(wide.attributes.at("balance"), R"("18446744073709551617")");
  EXPECT_EQ(wide.attributes.at("report_fields"), R"({"limit":"-99999999999999999999","ratios":[1,"1e400","-1E+400",0.5]})");
  EXPECT_EQ(wide.attributes.at("largest"), "18446744073709551615");  // in range: still a number
  EXPECT_NE(wide.attributes.at("tiny").front(), '"');                 // 1e-400 reads as 0: still a number
  EXPECT_EQ(wide.attributes.at("note"), R"("18446744073709551617 in a string")");
  EXPECT_NE(page->users[1].attributes.at("quota").front(), '"');
}

TEST(WideNumbersInListings, CrocodialKeepsAWideIdAndColumnAsText) {
  JsonDocumentParser parser;
  auto listing = crocodial::parse_user_list(read_fixture("crocodial/users_wide_numbers.json"), parser, FieldFilter{});
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->users.size(), 2u);
  const auto& wide = listing->users[0];
  EXPECT_EQ(wide.external_id, "98765432109876543210");
  EXPECT_EQ(wide.extension, "18446744073709551617");
  EXPECT_EQ(wide.attributes.at("score"), R"("-1e999")");
  EXPECT_EQ(wide.attributes.at("limits"), R"({"calls":["99999999999999999999999",2]})");
  EXPECT_EQ(listing->users[1].external_id, "2222");
}

TEST(WideNumbersInListings, NoProperPrefixOfAListingWithWideNumbersIsAccepted) {
  const auto body = read_fixture("class4/users_wide_numbers.json");
  JsonDocumentParser parser;
  EXPECT_EQ(accepted_prefixes(body,
                              [&](std::string_view prefix) {
                                return class4::parse_user_page(prefix, parser, FieldFilter{});
                              }),
            std::vector<std::size_t>{});
  // Parsing twice stores the same thing (the content hash is over this).
  auto first = class4::parse_user_page(body, parser, FieldFilter{});
  auto second = class4::parse_user_page(body, parser, FieldFilter{});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(stored_text(first->users), stored_text(second->users));
}

}  // namespace
}  // namespace rosterd::sources
