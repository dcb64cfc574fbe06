#include "core/display_text.hpp"

#include <gtest/gtest.h>

namespace rosterd::core {
namespace {

TEST(DisplayText, TerminalSafeEscapesDelC1AndBidiControls) {
  // ESC is not touched here (valid JSON cannot hold it raw); DEL, CSI (U+009B) and
  // RIGHT-TO-LEFT OVERRIDE (U+202E) are.
  EXPECT_EQ(terminal_safe("\"a\x7f" "b\xc2\x9b" "c\xe2\x80\xae" "d\""), R"("a\u007fb\u009bc\u202ed")");
  EXPECT_EQ(terminal_safe(R"({"x":"caf\u00e9 ☎"})"), R"({"x":"caf\u00e9 ☎"})");
}

TEST(DisplayText, JsonQuotedEscapesEveryControl) {
  EXPECT_EQ(json_quoted("a\x1b[31mb"), R"("a\u001b[31mb")");
  EXPECT_EQ(json_quoted("x\u2067y"), R"("x\u2067y")");
}

TEST(DisplayText, PlainOrQuotedLeavesOrdinaryNamesAlone) {
  EXPECT_EQ(plain_or_quoted("Jhon.Exp"), "Jhon.Exp");
  EXPECT_EQ(plain_or_quoted("Žofia_Ölçer"), "Žofia_Ölçer");
  EXPECT_EQ(plain_or_quoted("two words"), R"("two words")");
  EXPECT_EQ(plain_or_quoted("a(b)"), R"x("a(b)")x");
  EXPECT_EQ(plain_or_quoted(""), R"("")");
  EXPECT_EQ(plain_or_quoted("ab\u202ecd"), R"("ab\u202ecd")");
}

TEST(DisplayText, PrintableQuotesOnlyWhatATableCannotShow) {
  EXPECT_EQ(printable("Alpha Business Corp"), "Alpha Business Corp");
  EXPECT_EQ(printable(" padded"), R"(" padded")");
  EXPECT_EQ(printable("\"quoted"), R"("\"quoted")");
  EXPECT_EQ(printable("tab\there"), R"("tab\there")");
  EXPECT_EQ(printable(""), R"("")");
}

}  // namespace
}  // namespace rosterd::core
