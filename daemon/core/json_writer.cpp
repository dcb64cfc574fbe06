#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rosterd::core {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The index of the first byte at or after `from` that JSON must escape (a control
// character, '"' or '\\'), or text.size(). Most text has none: it is scanned eight
// bytes at a time, a block flagged when any byte is below 0x20 or equals one of the
// two (the classic exact "has a zero byte" test; bytes of UTF-8 sequences are >= 0x80
// and never flagged).
std::size_t first_to_escape(std::string_view text, std::size_t from) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t block = 0;
    std::memcpy(&block, text.data() + i, 8);
    const std::uint64_t quote = block ^ (k_ones * '"');
    const std::uint64_t backslash = block ^ (k_ones * '\\');
    const std::uint64_t flagged = (((block - k_ones * 0x20) & ~block) | ((quote - k_ones) & ~quote) |
                                   ((backslash - k_ones) & ~backslash)) &
                                  k_highs;
    if (flagged != 0) break;
  }
  for (; i < text.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(text[i]))) return i;
  }
  return i;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t start = 0;
  for (;;) {
    const std::size_t i = first_to_escape(text, start);
    out.append(text.data() + start, i - start);
    if (i == text.size()) break;
    start = i + 1;
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(k_hex[c >> 4]);
        out.push_back(k_hex[c & 0x0f]);
    }
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

void JsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (!m_first.empty()) {
    if (!m_first.back()) m_out.push_back(',');
    m_first.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out.push_back('{');
  m_first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  m_out.push_back('}');
  m_first.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out.push_back('[');
  m_first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  m_out.push_back(']');
  m_first.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(m_out, name);
  m_out.push_back(':');
  m_after_key = true;
  return *this;
}

JsonWriter& JsonWriter::plain_key(std::string_view name) {
  before_value();
  m_out.push_back('"');
  m_out.append(name);
  m_out.append("\":");
  m_after_key = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(m_out, text);
  return *this;
}

JsonWriter& JsonWriter::value(const std::optional<std::string>& text) {
  return text ? value(std::string_view(*text)) : null();
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, number);
  m_out.append(buf, ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  before_value();
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, number);
  m_out.append(buf, ptr);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();  // JSON has no NaN or infinity
  before_value();
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, number);
  m_out.append(buf, ptr);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  m_out += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  m_out.append(json);
  return *this;
}

}  // namespace rosterd::core
