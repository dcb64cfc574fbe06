#include "core/display_text.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "core/json_writer.hpp"

namespace rosterd::core {
namespace {

// The code point of the UTF-8 sequence at `text[i]` and its length; {0, 1} for a
// byte that does not start a well-formed sequence (left alone).
struct Decoded {
  char32_t code = 0;
  std::size_t length = 1;
};

Decoded decode(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t code = 0;
  if (lead < 0x80) return {lead, 1};
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return {};
  }
  if (i + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  return {code, length};
}

// Characters a terminal interprets (DEL, C1 controls such as CSI) or that reorder
// the text around them (Unicode bidirectional controls, "Trojan Source").
bool unsafe(char32_t code) {
  return code == 0x7F || (code >= 0x80 && code <= 0x9F) || code == 0x061C || code == 0x200E || code == 0x200F ||
         (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

std::string terminal_safe(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  std::size_t i = 0;
  while (i < json.size()) {
    const auto d = decode(json, i);
    if (d.code != 0 && unsafe(d.code)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(d.code));
    } else {
      out.append(json.substr(i, d.length));
    }
    i += d.length;
  }
  return out;
}

std::string json_quoted(std::string_view text) {
  return terminal_safe(core::json_string(text));
}

std::string plain_or_quoted(std::string_view text) {
  // Plain: no space, quote, backslash, parenthesis, control or unsafe character.
  bool plain = !text.empty();
  for (std::size_t i = 0; plain && i < text.size();) {
    const auto d = decode(text, i);
    plain = d.code > 0x20 && !unsafe(d.code) && d.code != '"' && d.code != '\\' && d.code != '(' && d.code != ')';
    i += d.length;
  }
  return plain ? std::string(text) : json_quoted(text);
}

std::string printable(std::string_view text) {
  bool plain = !text.empty() && text.front() != ' ' && text.back() != ' ' && text.front() != '"';
  for (std::size_t i = 0; plain && i < text.size();) {
    const auto d = decode(text, i);
    plain = d.code >= 0x20 && !unsafe(d.code);
    i += d.length;
  }
  return plain ? std::string(text) : json_quoted(text);
}

}  // namespace rosterd::core
