#include "sync/change_lines.hpp"

#include <gtest/gtest.h>

namespace rosterd::sync {
namespace {

TEST(ChangeLines, UpdatedUserLineMatchesTheSpecExample) {
  Change<model::User> change;
  change.kind = ChangeKind::updated;
  change.record.external_id = "2222";
  change.record.username = "Jhon.Exp";
  change.fields = {{"email", "a@x.com", "b@x.com"}, {"active", "1", "0"}};
  EXPECT_EQ(change_line("acme-dialer", change),
            R"(acme-dialer: user 2222 (Jhon.Exp) updated: email "a@x.com" -> "b@x.com", active 1 -> 0)");
}

TEST(ChangeLines, VendorTextCannotForgeALine) {
  Change<model::User> change;
  change.kind = ChangeKind::updated;
  change.record.external_id = "7";
  change.record.username = "evil\nacme: user 1 removed";
  change.fields = {{"full_name", std::nullopt, "x\"\ny"}, {"attributes.note", R"("a")", "null"}};
  const auto line = change_line("acme", change);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line, R"(acme: user 7 ("evil\nacme: user 1 removed") updated: full_name null -> "x\"\ny", attributes.note "a" -> null)");
}

TEST(ChangeLines, TerminalControlsInVendorTextAreEscaped) {
  Change<model::User> change;
  change.kind = ChangeKind::updated;
  change.record.external_id = "id\x1b[2J";
  change.record.username = "adm\u202enimda";
  change.fields = {{"full_name", "a\x7f", "b\xc2\x9b" "c"}, {"attributes.note", "\"\xe2\x80\xae\"", "null"}};
  EXPECT_EQ(change_line("acme", change),
            R"(acme: user "id\u001b[2J" ("adm\u202enimda") updated: full_name "a\u007f" -> "b\u009bc", )"
            R"(attributes.note "\u202e" -> null)");
}

TEST(ChangeLines, EntitiesAndWholeRecordChanges) {
  Change<model::NamedEntity> change;
  change.kind = ChangeKind::added;
  change.record = {"AMI", "Alpha Business Corp", {}};
  EXPECT_EQ(change_line("acme", model::Entity::portfolio, change), R"(acme: portfolio AMI ("Alpha Business Corp") added)");
}

TEST(ChangeLines, LongValuesAreClipped) {
  Change<model::User> change;
  change.kind = ChangeKind::updated;
  change.record.external_id = "1";
  change.fields = {{"full_name", std::nullopt, std::string(5000, 'x')}};
  EXPECT_LT(change_line("acme", change).size(), 300u);
}

TEST(ChangeLines, Summary) {
  store::RunCounts counts{165, 3, 2, 1, 0, 159, 2, 2048};
  EXPECT_EQ(summary_line("acme", model::Dataset::users, store::RunStatus::ok, counts, core::Millis{420}),
            "acme: users: ok in 0.42s: fetched 165, added 3, updated 2, removed 1, restored 0, unchanged 159 "
            "(2 requests, 2.0 KB)");
}

}  // namespace
}  // namespace rosterd::sync
