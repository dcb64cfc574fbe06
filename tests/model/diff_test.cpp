#include "model/diff.hpp"

#include <gtest/gtest.h>

namespace rosterd::model {
namespace {

TEST(Diff, ReportsEachChangedFieldInSchemaOrder) {
  User before;
  before.external_id = "1";
  before.username = "a";
  before.email = "a@x.com";
  before.active = true;
  before.attributes = {{"dialer", "1"}, {"gone", "2"}};
  before.portfolios = std::vector<std::string>{"AMI"};
  User after = before;
  after.email = "b@x.com";
  after.active = false;
  after.attributes = {{"dialer", "0"}, {"new", R"("x")"}};
  after.portfolios = std::vector<std::string>{"AMI", "IST"};

  const std::vector<FieldChange> expected{
      {"email", "a@x.com", "b@x.com"},
      {"active", "1", "0"},
      {"attributes.dialer", "1", "0"},
      {"attributes.gone", "2", std::nullopt},
      {"attributes.new", std::nullopt, R"("x")"},
      {"portfolios", R"(["AMI"])", R"(["AMI","IST"])"},
  };
  EXPECT_EQ(diff(before, after), expected);
  EXPECT_TRUE(diff(after, after).empty());
}

TEST(Diff, NamedEntities) {
  NamedEntity a{"AMI", "Alpha", {{"x", "1"}}};
  NamedEntity b{"AMI", "Alpha Corp", {{"x", "1"}}};
  EXPECT_EQ(diff(a, b), (std::vector<FieldChange>{{"name", "Alpha", "Alpha Corp"}}));
}

}  // namespace
}  // namespace rosterd::model
