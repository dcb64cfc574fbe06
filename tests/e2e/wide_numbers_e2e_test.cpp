// End-to-end: vendors serving valid JSON numbers beyond 64 bits (18446744073709551617,
// -99999999999999999999, 1e400) as attributes, nested, in arrays and as ids. The run
// succeeds, every digit is stored (as a JSON string of the number's text), a second
// run writes nothing, and a change in the last digit is a change. A malformed number
// still fails the run and changes nothing.

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

constexpr const char* k_wide = "18446744073709551617";  // 2^64 + 1
constexpr const char* k_wide_id = "123456789012345678901234567890";
constexpr const char* k_wide_croco_id = "98765432109876543210";

class WideNumbersE2e : public E2eTest {
 protected:
  std::string attribute(const std::string& source, const std::string& id, const std::string& path,
                        const char* function = "json_extract") {
    return value(std::string("SELECT ") + function + "(attributes, '" + path + "') FROM users WHERE source = '" +
                 source + "' AND external_id = '" + id + "'");
  }
  std::string last_run(const std::string& source, const std::string& columns) {
    return value("SELECT " + columns + " FROM sync_runs WHERE source = '" + source +
                 "' AND dataset = 'users' ORDER BY id DESC LIMIT 1");
  }
};

TEST_F(WideNumbersE2e, AreStoredDigitForDigitAndASecondRunWritesNothing) {
  auto& sw = add_tenant("sw", "class4", 12, 3);
  auto& dialer = add_tenant("dialer", "crocodial", 10, 4);
  // users[0] of a Class4 tenant is the account rosterd logs in with: left alone.
  const auto sw_users = sw.users();
  const auto wide_attributes = sw_users[1].id, wide_id = sw_users[2].id;
  sw.update_user(wide_attributes, [](SimUser& u) {
    u.extra_json["balance"] = k_wide;
    u.extra_json["report_fields"] = R"({"limit":-99999999999999999999,"ratios":[1,1e400,0.5]})";
  });
  sw.update_user(wide_id, [](SimUser& u) { u.extra_json["user_id"] = k_wide_id; });
  const auto croco_wide = dialer.users()[1].id;
  dialer.update_user(croco_wide, [](SimUser& u) {
    u.extra_json["user_id"] = k_wide_croco_id;
    u.extra_json["score"] = "-1e999";
  });
  write_config({{sw, {{"page_size", "5"}}}, {dialer}});

  const auto first = sync();
  ASSERT_EQ(first.exit_code, 0) << first.all();
  const auto id = std::to_string(wide_attributes);
  EXPECT_EQ(attribute("sw", id, "$.balance"), k_wide);
  EXPECT_EQ(attribute("sw", id, "$.balance", "json_type"), "text");
  EXPECT_EQ(attribute("sw", id, "$.report_fields.limit"), "-99999999999999999999");
  EXPECT_EQ(attribute("sw", id, "$.report_fields.ratios[1]"), "1e400");
  EXPECT_EQ(attribute("sw", id, "$.report_fields.ratios[0]", "json_type"), "integer");  // in range: a number
  EXPECT_EQ(count(std::string("SELECT count(*) FROM current_users WHERE source = 'sw' AND external_id = '") +
                  k_wide_id + "'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = 'sw'"),
            static_cast<std::int64_t>(sw_users.size()));
  EXPECT_EQ(attribute("dialer", k_wide_croco_id, "$.score"), "-1e999");
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status <> 'ok'"), 0);

  const auto before = dump_data_tables();
  const auto second = sync();
  ASSERT_EQ(second.exit_code, 0) << second.all();
  EXPECT_SAME_DATA(before, dump_data_tables());
  EXPECT_EQ(last_run("sw", "added || ',' || updated || ',' || unchanged"), "0,0," + std::to_string(sw_users.size()));
  EXPECT_EQ(last_run("dialer", "added || ',' || updated"), "0,0");

  // 2^64 + 2: a double could not tell it from 2^64 + 1; the stored text can.
  sw.update_user(wide_attributes, [](SimUser& u) { u.extra_json["balance"] = "18446744073709551618"; });
  const auto third = sync();
  ASSERT_EQ(third.exit_code, 0) << third.all();
  EXPECT_EQ(last_run("sw", "updated"), "1");
  EXPECT_EQ(attribute("sw", id, "$.balance"), "18446744073709551618");
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE source = 'sw' AND field = 'attributes.balance' AND "
                  "instr(old_value, '18446744073709551617') > 0 AND instr(new_value, '18446744073709551618') > 0"),
            1);
}

TEST_F(WideNumbersE2e, AMalformedNumberStillFailsTheRunAndChangesNothing) {
  auto& sw = add_tenant("sw", "class4", 8, 5);
  write_config({{sw}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto before = dump_data_tables();
  const auto victim = sw.users()[3].id;
  sw.update_user(victim, [](SimUser& u) { u.extra_json["limits"] = std::string("[") + k_wide + ", 01]"; });

  const auto failed = sync();
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_EQ(lines_with(failed.err, "Problem while parsing a number").size(), 1u) << failed.err;
  EXPECT_SAME_DATA(before, dump_data_tables());
  EXPECT_NE(value("SELECT error FROM sync_runs ORDER BY id DESC LIMIT 1").find("Problem while parsing a number"),
            std::string::npos);

  sw.update_user(victim, [](SimUser& u) { u.extra_json["limits"] = std::string("[") + k_wide + ", 1]"; });
  const auto fixed = sync();
  ASSERT_EQ(fixed.exit_code, 0) << fixed.all();
  EXPECT_EQ(value("SELECT json_extract(attributes, '$.limits[0]') FROM users WHERE external_id = '" +
                  std::to_string(victim) + "'"),
            k_wide);
}

}  // namespace
}  // namespace rosterd::testing
