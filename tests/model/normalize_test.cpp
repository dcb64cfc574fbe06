#include "model/normalize.hpp"

#include <gtest/gtest.h>

namespace rosterd::model {
namespace {

TEST(Normalize, TrimsAndTreatsEmptyAsNull) {
  EXPECT_EQ(text_or_null("  Jhon \t"), "Jhon");
  EXPECT_EQ(text_or_null(" \n "), std::nullopt);
  EXPECT_EQ(text_or_null(""), std::nullopt);
}

// Neither engine can hand a NUL back to every reader (PostgreSQL's text rejects it).
TEST(Normalize, ReplacesEachNulCharacterWithTheReplacementCharacter) {
  using namespace std::string_literals;
  EXPECT_EQ(text_or_null("Nul\0Byte\0\0end"s), "Nul\xEF\xBF\xBD" "Byte\xEF\xBF\xBD\xEF\xBF\xBD" "end");
  EXPECT_EQ(text_or_null("\0"s), "\xEF\xBF\xBD");
  EXPECT_EQ(normalize_email(" A\0@B.example "s), "a\xEF\xBF\xBD@b.example");
}

TEST(Normalize, LowerCasesEmailsAndRolesAsciiOnly) {
  EXPECT_EQ(normalize_email(" John.Doe@Example.COM "), "john.doe@example.com");
  EXPECT_EQ(normalize_role("Account Admin"), "account admin");
  EXPECT_EQ(normalize_role("ÉQUIPE"), "Équipe") << "non-ASCII bytes are left alone";
}

TEST(Normalize, ActiveFlags) {
  EXPECT_EQ(parse_active_flag("Y"), true);
  EXPECT_EQ(parse_active_flag("n"), false);
  EXPECT_EQ(parse_active_flag("TRUE"), true);
  EXPECT_EQ(parse_active_flag("0"), false);
  EXPECT_EQ(parse_active_flag("maybe"), std::nullopt);
}

TEST(Normalize, JoinName) {
  EXPECT_EQ(join_name(std::string("Ann"), std::string("Lee")), "Ann Lee");
  EXPECT_EQ(join_name(std::nullopt, std::string("Lee")), "Lee");
  EXPECT_EQ(join_name(std::nullopt, std::nullopt), std::nullopt);
}

TEST(Normalize, LooksLikeEmail) {
  EXPECT_TRUE(looks_like_email("a@b.co"));
  EXPECT_FALSE(looks_like_email("agent42"));
  EXPECT_FALSE(looks_like_email("a@b"));
  EXPECT_FALSE(looks_like_email("@b.co"));
  EXPECT_FALSE(looks_like_email("a b@c.de"));
}

}  // namespace
}  // namespace rosterd::model
