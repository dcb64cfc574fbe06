#pragma once
// A request's query values as the vendors' APIs read them.

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

namespace rosterd::sim::detail {

// Whether `text` is a whole decimal integer; if so, its value in `out`.
inline bool parse_int(const std::string& text, std::int64_t& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace rosterd::sim::detail
