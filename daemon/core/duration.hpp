#pragma once
// Durations in configuration and on the command line: "250ms", "30s", "5m", "1h",
// "1d", combinations such as "1h30m", or plain seconds ("90").

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace rosterd::core {

std::optional<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis duration);

}  // namespace rosterd::core
