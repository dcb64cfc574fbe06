#include "core/json_writer.hpp"

#include <gtest/gtest.h>

namespace rosterd::core {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  JsonWriter w;
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").null().value(true).end_array();
  w.key("c").begin_object().end_object().key("d").value(std::optional<std::string>{}).end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",null,true],"c":{},"d":null})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  using namespace std::string_literals;
  EXPECT_EQ(json_string("a\"b\\c\nd\te\x01"s), R"("a\"b\\c\nd\te\u0001")");
  EXPECT_EQ(json_string("nul\0x"s), R"("nul\u0000x")");
  EXPECT_EQ(json_string("Zoë 名前"), "\"Zoë 名前\"");
}

TEST(JsonWriter, WritesNumbersInShortestForm) {
  JsonWriter w;
  w.begin_array().value(0.1).value(std::int64_t{-7}).value(std::uint64_t{18446744073709551615ull}).end_array();
  EXPECT_EQ(w.str(), "[0.1,-7,18446744073709551615]");
}

}  // namespace
}  // namespace rosterd::core
