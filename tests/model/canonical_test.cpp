#include "model/canonical.hpp"

#include <gtest/gtest.h>

namespace rosterd::model {
namespace {

User sample() {
  User u;
  u.external_id = "2222";
  u.username = "Jhon.Exp";
  u.full_name = "Jhon Example";
  u.extension = "2222";
  u.role = "1";
  u.active = true;
  u.attributes = {{"dialer", "1"}, {"campaign_id", R"("4460708090")"}};
  u.portfolios = std::vector<std::string>{"AMI", "IST"};
  return u;
}

TEST(Canonical, SnapshotHasFixedKeyOrderAndNulls) {
  EXPECT_EQ(snapshot_json(sample()),
            R"({"username":"Jhon.Exp","full_name":"Jhon Example","email":null,"phone":null,"extension":"2222",)"
            R"("role":"1","user_group":null,"active":1,"attributes":{"campaign_id":"4460708090","dialer":1},)"
            R"("portfolios":["AMI","IST"]})");
}

TEST(Canonical, HashChangesWithEveryFieldButNotTheId) {
  const auto base = content_hash(sample());
  auto other = sample();
  other.external_id = "9";
  EXPECT_EQ(content_hash(other), base);
  for (const auto& field : k_user_text_fields) {
    auto changed = sample();
    changed.*field.member = "something else";
    EXPECT_NE(content_hash(changed), base) << field.name;
  }
  auto inactive = sample();
  inactive.active = false;
  EXPECT_NE(content_hash(inactive), base);
  auto unknown = sample();
  unknown.active.reset();
  EXPECT_NE(content_hash(unknown), base);
  auto attr = sample();
  attr.attributes["dialer"] = "0";
  EXPECT_NE(content_hash(attr), base);
  auto ports = sample();
  ports.portfolios->push_back("PTR");
  EXPECT_NE(content_hash(ports), base);
  auto no_ports = sample();
  no_ports.portfolios.reset();
  EXPECT_NE(content_hash(no_ports), base);
}

TEST(Canonical, NullAndEmptyStringAreDifferentSnapshots) {
  auto a = sample();
  a.email = std::nullopt;
  auto b = sample();
  b.email = "";
  EXPECT_NE(snapshot_json(a), snapshot_json(b));
}

}  // namespace
}  // namespace rosterd::model
