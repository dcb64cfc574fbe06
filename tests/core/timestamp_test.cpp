#include "core/timestamp.hpp"

#include <gtest/gtest.h>

namespace rosterd::core {
namespace {

using namespace std::chrono;

TEST(Timestamp, FormatsUtcWithMillisecondsAndZ) {
  const SystemTime t = sys_days{year{2026} / 3 / 1} + hours{9} + minutes{5} + seconds{7} + milliseconds{42};
  EXPECT_EQ(format_timestamp(t), "2026-03-01T09:05:07.042Z");
}

TEST(Timestamp, RoundTrips) {
  const SystemTime t = sys_days{year{1999} / 12 / 31} + hours{23} + minutes{59} + seconds{59} + milliseconds{999};
  EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
}

TEST(Timestamp, AcceptsDateOnlyAndSpaceAndOffsets) {
  const SystemTime midnight = sys_days{year{2026} / 3 / 1};
  EXPECT_EQ(parse_timestamp("2026-03-01"), midnight);
  EXPECT_EQ(parse_timestamp("2026-03-01 09:00"), midnight + hours{9});
  EXPECT_EQ(parse_timestamp("2026-03-01T09:00:00Z"), midnight + hours{9});
  EXPECT_EQ(parse_timestamp("2026-03-01T14:30:00+05:30"), midnight + hours{9});
  EXPECT_EQ(parse_timestamp("2026-03-01T09:00:00.5Z"), midnight + hours{9} + milliseconds{500});
}

TEST(Timestamp, RejectsMalformedText) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-03-01T25:00", "2026-03-01T09:00:00Zx",
                          "yesterday", "2026-03-01T09"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rosterd::core
