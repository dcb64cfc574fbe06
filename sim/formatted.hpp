#pragma once
// Short formatted text on the stack. Rendering a page formats several small values per
// user (URLs, dates, phone numbers); a heap string for each was a measurable part of
// the render time.

#include <fmt/format.h>

#include <cstddef>
#include <string_view>
#include <utility>

namespace rosterd::sim::detail {

template <std::size_t Capacity = 128>
class Formatted {
 public:
  // Text longer than Capacity is cut (no caller formats anything near that long).
  template <class... Args>
  explicit Formatted(fmt::format_string<Args...> format, Args&&... args) {
    const auto result = fmt::format_to_n(m_buffer, Capacity, format, std::forward<Args>(args)...);
    m_size = std::min<std::size_t>(result.size, Capacity);
  }
  [[nodiscard]] std::string_view view() const { return {m_buffer, m_size}; }
  operator std::string_view() const { return view(); }  // NOLINT: used as text

 private:
  char m_buffer[Capacity];
  std::size_t m_size = 0;
};

}  // namespace rosterd::sim::detail
