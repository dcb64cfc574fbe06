#include <gtest/gtest.h>

#include "fixture_support.hpp"
#include "sources/crocodial/crocodial_json.hpp"

namespace rosterd::sources::crocodial {
namespace {

using testing::accepted_prefixes;
using testing::read_fixture;

core::Result<EntityListing> portfolios(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_portfolios(body, parser, filter);
}

core::Result<EntityListing> profiles(std::string_view body, const FieldFilter& filter = FieldFilter{}) {
  JsonDocumentParser parser;
  return parse_profiles(body, parser, filter);
}

TEST(CrocodialPortfolios, MapsTheDocumentedExampleInOrder) {
  auto listing = portfolios(read_fixture("crocodial/portfolios_doc_example.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  std::vector<std::pair<std::string, std::optional<std::string>>> got;
  for (const auto& entity : listing->entities) {
    got.emplace_back(entity.key, entity.name);
    EXPECT_TRUE(entity.attributes.empty()) << entity.key;
  }
  EXPECT_EQ(got, (decltype(got){{"ABC", "Alpha Business Corp"},
                                {"XYZ", "Xylon Technologies"},
                                {"MNO", "Monolith Solutions"},
                                {"PQR", "Pioneer Realty Group"}}));
}

TEST(CrocodialPortfolios, AcceptsNumericCodesNullNamesAndExtraFields) {
  auto listing = portfolios(read_fixture("crocodial/portfolios_mixed_types.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->entities.size(), 2u);
  EXPECT_EQ(listing->entities[0].key, "101");
  EXPECT_EQ(listing->entities[0].name, "Numeric Code");
  EXPECT_EQ(listing->entities[0].attributes, (model::Attributes{{"region", "\"EU\""}}));
  EXPECT_EQ(listing->entities[1].name, std::nullopt);
}

TEST(CrocodialPortfolios, RejectsDuplicatesErrorsAndPrefixes) {
  auto duplicate = portfolios(read_fixture("crocodial/portfolios_duplicate.json"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, core::ErrorKind::incomplete);
  EXPECT_EQ(duplicate.error().message, "data[1].portfolio: duplicate portfolio ABC");

  auto denied = portfolios(read_fixture("crocodial/error_invalid_credentials.json"));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, core::ErrorKind::auth);

  auto empty = portfolios(read_fixture("crocodial/portfolios_no_rows.json"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entities.empty());

  auto object = portfolios(R"({"result":"success","data":{"portfolio":"ABC"}})");
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().message, "data: expected array, got object");

  JsonDocumentParser parser;
  const FieldFilter filter;
  auto accepted = accepted_prefixes(read_fixture("crocodial/portfolios_doc_example.json"),
                                    [&](std::string_view prefix) { return parse_portfolios(prefix, parser, filter); });
  EXPECT_TRUE(accepted.empty()) << accepted.size() << " prefixes accepted";
}

TEST(CrocodialProfiles, MergesTableRowsAndDropsTheHtmlAction) {
  auto listing = profiles(read_fixture("crocodial/profiles_doc_example.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->entities.size(), 3u);
  const auto& collections = listing->entities[0];
  EXPECT_EQ(collections.key, "COLLECTIONS");
  EXPECT_EQ(collections.name, "COLLECTIONS");
  EXPECT_EQ(collections.attributes, (model::Attributes{{"disposition_set", "\"PAYMENT FOLLOW-UP\""}, {"id", "1"}}));
  EXPECT_EQ(listing->entities[2].key, "SALES_SUPPORT");
  EXPECT_EQ(listing->entities[2].attributes, (model::Attributes{{"disposition_set", "\"NEW LEADS\""}, {"id", "3"}}));
  EXPECT_EQ(testing::stored_text(listing->entities).find("button"), std::string::npos);
}

TEST(CrocodialProfiles, ListsProfilesWithoutTableRows) {
  auto listing = profiles(read_fixture("crocodial/profiles_without_rows.json"));
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->entities.size(), 1u);
  EXPECT_TRUE(listing->entities[0].attributes.empty());
}

TEST(CrocodialProfiles, RejectsRowsThatDoNotMatchTheList) {
  auto unknown = profiles(read_fixture("crocodial/profiles_row_unknown.json"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, core::ErrorKind::incomplete);
  EXPECT_EQ(unknown.error().message, "profiles.rows[0].profile_id: profile GHOST is not in data[]");

  auto twice = profiles(R"({"result":"success","data":[{"profile_id":"A","profile_name":"A"}],
      "profiles":{"rows":[{"id":1,"profile_id":"A"},{"id":2,"profile_id":"A"}]}})");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, core::ErrorKind::incomplete);

  auto rows = profiles(R"({"result":"success","data":[],"profiles":{"rows":{}}})");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().message, "profiles.rows: expected array, got object");
}

TEST(CrocodialProfiles, RejectsEveryProperPrefix) {
  JsonDocumentParser parser;
  const FieldFilter filter;
  auto accepted = accepted_prefixes(read_fixture("crocodial/profiles_doc_example.json"),
                                    [&](std::string_view prefix) { return parse_profiles(prefix, parser, filter); });
  EXPECT_TRUE(accepted.empty()) << accepted.size() << " prefixes accepted";
}

}  // namespace
}  // namespace rosterd::sources::crocodial
