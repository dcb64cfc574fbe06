#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace rosterd::core {
namespace {

using namespace std::chrono;

TEST(Duration, ParsesUnitsCombinationsAndPlainSeconds) {
  EXPECT_EQ(parse_duration("30s"), seconds{30});
  EXPECT_EQ(parse_duration("5m"), minutes{5});
  EXPECT_EQ(parse_duration("1h"), hours{1});
  EXPECT_EQ(parse_duration("1d"), hours{24});
  EXPECT_EQ(parse_duration("250ms"), milliseconds{250});
  EXPECT_EQ(parse_duration("1h30m"), minutes{90});
  EXPECT_EQ(parse_duration("90"), seconds{90});
  EXPECT_EQ(parse_duration(" 15m "), minutes{15});
}

TEST(Duration, RejectsGarbage) {
  for (const char* bad : {"", "m", "5x", "-5s", "1h30", "5 m", "1.5h", "99999999999999999999s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(minutes{15}), "15m");
  EXPECT_EQ(format_duration(seconds{90}), "90s");
  EXPECT_EQ(format_duration(hours{2}), "2h");
  EXPECT_EQ(format_duration(hours{36}), "36h");
  EXPECT_EQ(format_duration(hours{24 * 90}), "90d");
  EXPECT_EQ(format_duration(milliseconds{1500}), "1500ms");
}

}  // namespace
}  // namespace rosterd::core
