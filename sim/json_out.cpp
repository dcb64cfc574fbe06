#include "sim/json_out.hpp"

#include <array>
#include <charconv>

namespace rosterd::sim::detail {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

// Per byte: does it need more than a copy? JSON: control characters, quote, backslash.
// PHP adds "/" and every byte of a multi-byte character.
constexpr std::array<bool, 256> special_bytes(TextStyle style) {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] =
        c < 0x20 || c == '"' || c == '\\' || (style == TextStyle::php && (c == '/' || c >= 0x80));
  }
  return table;
}
constexpr auto k_json_special = special_bytes(TextStyle::json);
constexpr auto k_php_special = special_bytes(TextStyle::php);

void append_u_escape(std::string& out, std::uint32_t unit) {
  const char escape[6] = {
      '\\', 'u', k_hex[(unit >> 12) & 0xf], k_hex[(unit >> 8) & 0xf], k_hex[(unit >> 4) & 0xf], k_hex[unit & 0xf]};
  out.append(escape, sizeof escape);
}

// Decodes one UTF-8 sequence at text[i]; returns its length, 0 when invalid.
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code_point = lead & 0x1fU, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code_point = lead & 0x0fU, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code_point = lead & 0x07U, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3fU);
  }
  if (code_point < min || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

// Writes the escape for the special character at text[i]; returns the bytes it used.
std::size_t append_escape(std::string& out, std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  switch (c) {
    case '"':
      out += "\\\"";
      return 1;
    case '\\':
      out += "\\\\";
      return 1;
    case '/':
      out += "\\/";
      return 1;
    case '\n':
      out += "\\n";
      return 1;
    case '\r':
      out += "\\r";
      return 1;
    case '\t':
      out += "\\t";
      return 1;
    case '\b':
      out += "\\b";
      return 1;
    case '\f':
      out += "\\f";
      return 1;
    default:
      break;
  }
  if (c < 0x80) {
    append_u_escape(out, c);
    return 1;
  }
  std::uint32_t code_point = 0;
  const std::size_t length = decode_utf8(text, i, code_point);
  if (length == 0) {
    append_u_escape(out, 0xfffd);
    return 1;
  }
  if (code_point >= 0x10000) {
    const std::uint32_t v = code_point - 0x10000;
    append_u_escape(out, 0xd800 + (v >> 10));
    append_u_escape(out, 0xdc00 + (v & 0x3ff));
  } else {
    append_u_escape(out, code_point);
  }
  return length;
}

}  // namespace

void append_json_text(std::string& out, std::string_view text, TextStyle style) {
  const auto& special = style == TextStyle::php ? k_php_special : k_json_special;
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes copied as they are
  for (std::size_t i = 0; i < text.size();) {
    if (!special[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    out.append(text.data() + run, i - run);
    i += append_escape(out, text, i);
    run = i;
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

JsonOut& JsonOut::open(char bracket) {
  separate();
  m_out.push_back(bracket);
  m_need_comma = false;
  return *this;
}

JsonOut& JsonOut::close(char bracket) {
  m_out.push_back(bracket);
  m_need_comma = true;
  return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
  char buffer[64];  // `,"name":` assembled first: one append instead of four
  if (name.size() + 4 > sizeof buffer) {
    separate();
    m_out.append("\"").append(name).append("\":");
  } else {
    std::size_t length = 0;
    if (m_need_comma) buffer[length++] = ',';
    buffer[length++] = '"';
    name.copy(buffer + length, name.size());
    length += name.size();
    buffer[length++] = '"';
    buffer[length++] = ':';
    m_out.append(buffer, length);
  }
  m_need_comma = false;
  return *this;
}

JsonOut& JsonOut::value(std::string_view text) {
  separate();
  append_json_text(m_out, text, m_style);
  m_need_comma = true;
  return *this;
}

JsonOut& JsonOut::value(std::int64_t number) {
  separate();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  m_out.append(buffer, static_cast<std::size_t>(end - buffer));
  m_need_comma = true;
  return *this;
}

JsonOut& JsonOut::value(std::uint64_t number) {
  separate();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  m_out.append(buffer, static_cast<std::size_t>(end - buffer));
  m_need_comma = true;
  return *this;
}

JsonOut& JsonOut::value(bool flag) {
  return raw(flag ? "true" : "false");
}

JsonOut& JsonOut::raw(std::string_view json) {
  separate();
  m_out.append(json);
  m_need_comma = true;
  return *this;
}

}  // namespace rosterd::sim::detail
