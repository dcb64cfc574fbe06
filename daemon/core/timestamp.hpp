#pragma once
// Timestamps as stored: UTC ISO-8601 with milliseconds and 'Z'
// ("2026-03-01T09:00:00.000Z"), so that they sort as text and work with SQLite's
// date functions.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace rosterd::core {

std::string format_timestamp(SystemTime time);

// Accepts "2026-03-01", "2026-03-01T09:00", "2026-03-01 09:00:00",
// "2026-03-01T09:00:00.123Z" and an explicit offset ("+05:30"). Times without an
// offset are UTC.
std::optional<SystemTime> parse_timestamp(std::string_view text);

}  // namespace rosterd::core
