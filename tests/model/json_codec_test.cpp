#include "model/json_codec.hpp"

#include <gtest/gtest.h>

#include "model/canonical.hpp"

namespace rosterd::model {
namespace {

TEST(JsonCodec, AttributesRoundTripByteForByte) {
  Attributes in{{"a", "1.10"},           {"b", R"("x\"y\\z\n")"}, {"c", R"({"k":[1,{"z":null}],"y":"}"})"},
                {"d", "true"},           {"é", R"("名前")"},       {"quote\"key", "[]"},
                {"nul", R"("a\u0000b")"}};
  EXPECT_EQ(parse_attributes_json(attributes_json(in)), in);
  EXPECT_EQ(parse_attributes_json("{}"), Attributes{});
}

TEST(JsonCodec, KeysAreUnescaped) {
  const auto out = parse_attributes_json(R"({"caf\u00e9":1,"a\"b":2,"\ud83d\ude00":3})");
  EXPECT_EQ(out.count("café"), 1u);
  EXPECT_EQ(out.count("a\"b"), 1u);
  EXPECT_EQ(out.count("\xF0\x9F\x98\x80"), 1u);
}

TEST(JsonCodec, StringArrays) {
  EXPECT_EQ(parse_string_array_json(R"(["AMI","IST"])"), (std::vector<std::string>{"AMI", "IST"}));
  EXPECT_TRUE(parse_string_array_json("[]").empty());
  EXPECT_EQ(parse_string_array_json(portfolios_json({"a\"b", "c"})), (std::vector<std::string>{"a\"b", "c"}));
}

TEST(JsonCodec, RejectsMalformedText) {
  for (const char* bad : {"", "{", R"({"a":})", R"({"a":1,})", R"({"a":[1})", R"({"a":"x)", "[1]x", R"({"a" 1})"}) {
    EXPECT_THROW(parse_attributes_json(bad), JsonCodecError) << bad;
  }
  EXPECT_THROW(parse_string_array_json("[1,2]"), JsonCodecError);
}

}  // namespace
}  // namespace rosterd::model
