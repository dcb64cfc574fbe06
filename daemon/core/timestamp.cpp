#include "core/timestamp.hpp"

#include <charconv>
#include <fmt/format.h>

namespace rosterd::core {
namespace {

using namespace std::chrono;

class Cursor {
 public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  bool done() const { return m_pos == m_text.size(); }
  bool peek(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++m_pos;
    return true;
  }
  // Exactly `digits` decimal digits.
  std::optional<int> number(std::size_t digits) {
    if (m_pos + digits > m_text.size()) return std::nullopt;
    int value = 0;
    const char* first = m_text.data() + m_pos;
    auto [ptr, ec] = std::from_chars(first, first + digits, value);
    if (ec != std::errc{} || ptr != first + digits) return std::nullopt;
    m_pos += digits;
    return value;
  }
  // One or more digits, scaled to milliseconds ("5" -> 500, "123456" -> 123).
  std::optional<int> fraction_ms() {
    int ms = 0;
    int scale = 100;
    std::size_t count = 0;
    while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
      ms += (m_text[m_pos] - '0') * scale;
      scale /= 10;
      ++m_pos;
      ++count;
    }
    if (count == 0) return std::nullopt;
    return ms;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

std::string format_timestamp(SystemTime time) {
  const auto ms_total = time_point_cast<milliseconds>(time);
  const auto day_point = floor<days>(ms_total);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{ms_total - day_point};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::optional<SystemTime> parse_timestamp(std::string_view text) {
  Cursor in(text);
  const auto y = in.number(4);
  if (!y || !in.take('-')) return std::nullopt;
  const auto mo = in.number(2);
  if (!mo || !in.take('-')) return std::nullopt;
  const auto d = in.number(2);
  if (!d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;

  int hour = 0, minute = 0, second = 0, ms = 0, offset_minutes = 0;
  if (!in.done()) {
    if (!in.take('T') && !in.take(' ')) return std::nullopt;
    const auto h = in.number(2);
    if (!h || !in.take(':')) return std::nullopt;
    const auto mi = in.number(2);
    if (!mi) return std::nullopt;
    hour = *h;
    minute = *mi;
    if (in.take(':')) {
      const auto s = in.number(2);
      if (!s) return std::nullopt;
      second = *s;
      if (in.take('.')) {
        const auto f = in.fraction_ms();
        if (!f) return std::nullopt;
        ms = *f;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (in.take('Z')) {
      // UTC
    } else if (in.peek('+') || in.peek('-')) {
      const int sign = in.take('+') ? 1 : (in.take('-'), -1);
      const auto oh = in.number(2);
      if (!oh) return std::nullopt;
      in.take(':');
      const auto om = in.number(2);
      if (!om) return std::nullopt;
      offset_minutes = sign * (*oh * 60 + *om);
    }
  }
  if (!in.done()) return std::nullopt;
  return sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{ms} -
         minutes{offset_minutes};
}

}  // namespace rosterd::core
