#include "sim/json_item.hpp"

#include <algorithm>

namespace rosterd::sim::detail {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(k_hex[(unit >> shift) & 0xf]);
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

}  // namespace

void append_php_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '/': out += "\\/"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20) {
            append_u_escape(out, c);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::uint32_t code_point = 0;
    const std::size_t length = decode_utf8(text, i, code_point);
    if (length == 0) {
      append_u_escape(out, 0xfffd);
      ++i;
      continue;
    }
    if (code_point >= 0x10000) {
      const std::uint32_t v = code_point - 0x10000;
      append_u_escape(out, 0xd800 + (v >> 10));
      append_u_escape(out, 0xdc00 + (v & 0x3ff));
    } else {
      append_u_escape(out, code_point);
    }
    i += length;
  }
  out.push_back('"');
}

void write_text(core::JsonWriter& writer, std::string_view text, TextStyle style) {
  if (style == TextStyle::json) {
    writer.value(text);
    return;
  }
  std::string escaped;
  escaped.reserve(text.size() + 2);
  append_php_json_string(escaped, text);
  writer.raw(escaped);
}

ItemWriter::ItemWriter(core::JsonWriter& writer, const SimUser& user, TextStyle style)
    : m_writer(writer), m_user(user), m_style(style) {
  m_writer.begin_object();
}

bool ItemWriter::take_override(std::string_view key) {
  if (m_user.extra_json.empty()) return false;
  m_written.push_back(key);
  const auto it = m_user.extra_json.find(std::string(key));
  if (it == m_user.extra_json.end()) return false;
  m_writer.key(key).raw(it->second);
  return true;
}

ItemWriter& ItemWriter::text(std::string_view key, std::string_view value) {
  if (!take_override(key)) {
    m_writer.key(key);
    write_text(m_writer, value, m_style);
  }
  return *this;
}

ItemWriter& ItemWriter::text_or_null(std::string_view key, std::string_view value) {
  return value.empty() ? null(key) : text(key, value);
}

ItemWriter& ItemWriter::number(std::string_view key, std::int64_t value) {
  if (!take_override(key)) m_writer.key(key).value(value);
  return *this;
}

ItemWriter& ItemWriter::boolean(std::string_view key, bool value) {
  if (!take_override(key)) m_writer.key(key).value(value);
  return *this;
}

ItemWriter& ItemWriter::null(std::string_view key) {
  if (!take_override(key)) m_writer.key(key).null();
  return *this;
}

ItemWriter& ItemWriter::raw(std::string_view key, std::string_view json) {
  if (!take_override(key)) m_writer.key(key).raw(json);
  return *this;
}

void ItemWriter::finish() {
  for (const auto& [key, json] : m_user.extra_json) {
    if (std::find(m_written.begin(), m_written.end(), key) != m_written.end()) continue;
    m_writer.key(key).raw(json);
  }
  m_writer.end_object();
}

}  // namespace rosterd::sim::detail
