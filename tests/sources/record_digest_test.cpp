// The digest of a listed record: equal for the same bytes parsed again, different for
// any difference in a key, a value, a type or the order, and for a different reader or
// drop_fields (record_digest.hpp). And a page parser with a gate skips exactly the
// records the sink holds unchanged, without normalizing them.

#include "sources/record_digest.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sources/class4/class4_json.hpp"
#include "sources/smartflo/smartflo_json.hpp"

namespace rosterd::sources {
namespace {

std::int64_t digest_of(std::string_view json, std::string_view reader = "r/1", const FieldFilter& filter = {}) {
  simdjson::dom::parser parser;
  const auto doc = parser.parse(simdjson::padded_string(json));
  EXPECT_EQ(doc.error(), simdjson::SUCCESS);
  RecordDigest digest(reader, filter);
  return digest.of(doc.value_unsafe()).value();
}

TEST(RecordDigest, EqualOnlyForTheSameRecordReadTheSameWay) {
  const std::string_view record = R"({"id":7,"name":"Ann","tags":["a",1,2.5,true,null],"agent":{"status":3}})";
  EXPECT_EQ(digest_of(record), digest_of(R"({ "id": 7, "name": "Ann", "tags": ["a", 1, 2.5, true, null],
                                             "agent": {"status": 3} })"))
      << "whitespace is not the record";
  std::set<std::int64_t> all{digest_of(record)};
  for (const auto* other : {
           R"({"id":7,"name":"Anne","tags":["a",1,2.5,true,null],"agent":{"status":3}})",   // a value
           R"({"id":"7","name":"Ann","tags":["a",1,2.5,true,null],"agent":{"status":3}})",  // a type
           R"({"name":"Ann","id":7,"tags":["a",1,2.5,true,null],"agent":{"status":3}})",    // the order
           R"({"id":7,"nam":"Ann","tags":["a",1,2.5,true,null],"agent":{"status":3}})",     // a key
           R"({"id":7,"name":"Ann","tags":["a",1,2.5,true],"agent":{"status":3}})",         // an element
           R"({"id":7,"name":"Ann","tags":["a",1,2.5,true,null],"agent":{"status":4}})",    // nested
           R"({"id":7,"name":"Ann","tags":["a",1,2.5,true,null],"agent":{"status":3.0}})",  // int or double
       }) {
    EXPECT_TRUE(all.insert(digest_of(other)).second) << other;
  }
  EXPECT_TRUE(all.insert(digest_of(record, "r/2")).second) << "another reader version";
  EXPECT_TRUE(all.insert(digest_of(record, "r/1", FieldFilter({"name"}))).second) << "other drop_fields";
}

// A sink holding some records unchanged, by digest.
class HoldingSink final : public UserSink {
 public:
  using UserSink::add;
  void restart() override {}
  core::Status add(model::User&&) override { return {}; }
  core::Result<bool> unchanged(std::string_view key, std::int64_t digest) override {
    asked[std::string(key)] = digest;
    return held.count(std::string(key)) != 0;
  }
  std::set<std::string> held;
  std::map<std::string, std::int64_t> asked;
};

TEST(ListingGate, APageSkipsWhatTheSinkHoldsAndCountsItListed) {
  // user 2's record could not be normalized (user_status is not a number): held
  // unchanged, it is never read.
  const std::string body = R"({"count":3,"has_more":false,"last_seen_id":3,"data":[
    {"id":1,"login_id":"a@x.com","name":"A","user_status":1},
    {"id":2,"login_id":"b@x.com","name":"B","user_status":"broken"},
    {"id":3,"login_id":"c@x.com","name":"C","user_status":1}]})";
  HoldingSink sink;
  sink.held = {"2"};
  ListingGate gate(sink, "smartflo/users/1", FieldFilter{});
  JsonDocumentParser parser;
  auto page = smartflo::parse_user_page(body, parser, FieldFilter{}, &gate);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->users.size(), 2u);
  EXPECT_EQ(page->users[0].external_id, "1");
  EXPECT_EQ(page->users[1].external_id, "3");
  EXPECT_EQ(page->unchanged, 1u);
  EXPECT_EQ(page->last_id, "3");
  EXPECT_EQ(page->digests[0], sink.asked.at("1"));
  EXPECT_EQ(page->digests[1], sink.asked.at("3"));
  EXPECT_NE(sink.asked.at("1"), sink.asked.at("3"));

  sink.held.clear();
  auto without = smartflo::parse_user_page(body, parser, FieldFilter{}, &gate);
  ASSERT_FALSE(without) << "not held, the broken record is normalized and fails";
  EXPECT_NE(without.error().message.find("user_status"), std::string::npos) << without.error().message;
}

TEST(ListingGate, AnIdTwiceOnAPageFailsWhetherHeldOrNot) {
  const std::string body = R"({"success":true,"payload":{"total":2,"page":0,"per_page":10,"items":[
    {"user_id":5,"name":"a"},{"user_id":5,"name":"b"}]}})";
  HoldingSink sink;
  sink.held = {"5"};
  ListingGate gate(sink, "class4/users/1", FieldFilter{});
  JsonDocumentParser parser;
  int handed = 0;
  auto page = class4::parse_user_page(
      body, parser, FieldFilter{}, [](const class4::PageInfo&) -> core::Status { return {}; },
      [&](model::User&&) -> core::Status {
        ++handed;
        return {};
      },
      &gate);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, core::ErrorKind::incomplete);
  EXPECT_NE(page.error().message.find("duplicate user id 5"), std::string::npos) << page.error().message;
  EXPECT_EQ(handed, 0);
}

}  // namespace
}  // namespace rosterd::sources
