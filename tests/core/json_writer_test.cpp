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

// The escaper scans eight bytes at a time: every byte value at every offset of
// strings longer than one block must come out exactly as a byte-by-byte escaper
// would write it.
std::string escape_bytewise(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

TEST(JsonWriter, EscapesEveryByteValueAtEveryOffsetLikeAByteByByteEscaper) {
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < 19; ++at) {
      std::string text(19, 'a');
      text[at] = static_cast<char>(value);
      ASSERT_EQ(json_string(text), escape_bytewise(text)) << "byte " << value << " at offset " << at;
    }
  }
  // Neighbours of the special values, several to a block, and multi-byte UTF-8.
  const std::string mixed = "\x1f\x20\x21\x22\x23\x5b\x5c\x5d\x7f\x80\xff\xc3\xab \"quoted\" back\\slash\x01\x02\x03";
  for (std::size_t start = 0; start < mixed.size(); ++start) {
    const auto text = mixed.substr(start);
    ASSERT_EQ(json_string(text), escape_bytewise(text)) << "from offset " << start;
  }
}

TEST(JsonWriter, PlainKeysWriteAsEscapedKeysDo) {
  JsonWriter plain;
  JsonWriter escaped;
  plain.begin_object().plain_key("a").value(1).plain_key("user_group").begin_array().end_array().end_object();
  escaped.begin_object().key("a").value(1).key("user_group").begin_array().end_array().end_object();
  EXPECT_EQ(plain.str(), escaped.str());
  EXPECT_EQ(plain.str(), R"({"a":1,"user_group":[]})");
}

TEST(JsonWriter, WritesNumbersInShortestForm) {
  JsonWriter w;
  w.begin_array().value(0.1).value(std::int64_t{-7}).value(std::uint64_t{18446744073709551615ull}).end_array();
  EXPECT_EQ(w.str(), "[0.1,-7,18446744073709551615]");
}

}  // namespace
}  // namespace rosterd::core
