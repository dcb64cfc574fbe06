#pragma once
// Reading what the reporting commands print, for the audit and history tests:
// lines, CSV (RFC 4180), JSON values, and a check that output is safe for a terminal.
// Header-only: each e2e test file is its own executable.

#include <simdjson.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.hpp"

namespace rosterd::testing {

// Now, in the stored timestamp format.
inline std::string now_timestamp() {
  return core::format_timestamp(std::chrono::system_clock::now());
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Whether one line of `text` holds every part, in this order.
inline bool has_line(const std::string& text, std::initializer_list<std::string> parts) {
  for (const auto& line : split_lines(text)) {
    std::size_t at = 0;
    bool all = true;
    for (const auto& part : parts) {
      at = line.find(part, at);
      if (at == std::string::npos) {
        all = false;
        break;
      }
      at += part.size();
    }
    if (all) return true;
  }
  return false;
}

// No byte a terminal acts on but the newline: C0 controls, DEL, C1 controls (UTF-8
// C2 80..C2 9F) and the bidirectional overrides and isolates (U+202A..U+202E,
// U+2066..U+2069).
inline bool terminal_clean(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto third = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
    if (c == 0xC2 && next >= 0x80 && next <= 0x9F) return false;
    if (c == 0xE2 && next == 0x80 && third >= 0xAA && third <= 0xAE) return false;
    if (c == 0xE2 && next == 0x81 && third >= 0xA6 && third <= 0xA9) return false;
  }
  return true;
}

// A JSON string's text, "<null>" for null, else the value's minified JSON.
inline std::string text_or_null(simdjson::dom::element value) {
  if (value.is_null()) return "<null>";
  if (value.is_string()) return std::string(value.get_string().value());
  return simdjson::minify(value);
}

// RFC 4180: fields separated by commas, records by CRLF; a quoted field holds
// commas, CR, LF and doubled quotes.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  bool quoted = false;
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        i += 2;
        continue;
      }
      if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
      ++i;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else {
      field.push_back(c);  // a bare LF or CR outside quotes is kept, and then fails the comparison
    }
    ++i;
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

// `text` as a JSON string literal (only what JSON requires is escaped).
inline std::string json_literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(k_hex[byte >> 4]);
      out.push_back(k_hex[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

// A JSON value in one canonical spelling (objects with sorted keys, minified), so
// that two spellings of a value compare equal.
inline std::string canonical_json(simdjson::dom::element value) {
  if (value.is_array()) {
    std::string out = "[";
    for (auto item : value.get_array()) out += (out.size() > 1 ? "," : "") + canonical_json(item);
    return out + "]";
  }
  if (value.is_object()) {
    std::map<std::string, std::string> members;
    for (auto [key, member] : value.get_object()) members[std::string(key)] = canonical_json(member);
    std::string out = "{";
    for (const auto& [key, member] : members) out += (out.size() > 1 ? "," : "") + json_literal(key) + ":" + member;
    return out + "}";
  }
  return simdjson::minify(value);
}

inline std::string canonical_json(std::string_view json) {
  simdjson::dom::parser parser;
  return canonical_json(parser.parse(simdjson::padded_string(json)).value());
}

}  // namespace rosterd::testing
