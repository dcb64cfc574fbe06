#include "core/duration.hpp"

#include <charconv>
#include <cstdint>
#include <fmt/format.h>

namespace rosterd::core {

std::optional<Millis> parse_duration(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;

  std::int64_t plain = 0;
  if (auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), plain);
      ec == std::errc{} && ptr == text.data() + text.size()) {
    if (plain < 0) return std::nullopt;
    return std::chrono::seconds{plain};
  }

  std::int64_t total_ms = 0;
  while (!text.empty()) {
    std::int64_t amount = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (ec != std::errc{} || amount < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    std::int64_t unit_ms = 0;
    if (text.starts_with("ms")) {
      unit_ms = 1;
      text.remove_prefix(2);
    } else if (!text.empty()) {
      switch (text.front()) {
        case 's': unit_ms = 1000; break;
        case 'm': unit_ms = 60'000; break;
        case 'h': unit_ms = 3'600'000; break;
        case 'd': unit_ms = 86'400'000; break;
        default: return std::nullopt;
      }
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // "1h30": a number without a unit after a unit
    }
    if (amount > INT64_MAX / unit_ms / 2) return std::nullopt;
    total_ms += amount * unit_ms;
  }
  return Millis{total_ms};
}

std::string format_duration(Millis duration) {
  auto ms = duration.count();
  if (ms % 1000 != 0 || ms == 0) return fmt::format("{}ms", ms);
  auto s = ms / 1000;
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

}  // namespace rosterd::core
