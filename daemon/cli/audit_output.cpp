#include "cli/audit_output.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include <cstdio>

#include "cli/app_context.hpp"
#include "config/config.hpp"
#include "core/duration.hpp"
#include "core/timestamp.hpp"
#include "model/canonical.hpp"
#include "model/json_codec.hpp"

namespace rosterd::cli {
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

bool is_json_field(std::string_view field) {
  return field == "active" || field == "portfolios" || field.starts_with("attributes.");
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

std::string display_value(const std::optional<std::string>& field, const std::optional<std::string>& value) {
  if (!value) return "null";
  // Whole-record snapshots (no field) and the JSON-valued fields are JSON already.
  if (!field || is_json_field(*field)) return terminal_safe(*value);
  return json_quoted(*value);
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

std::string label_part(const std::optional<std::string>& label) {
  if (!label) return {};
  return fmt::format(" ({})", plain_or_quoted(*label));
}

std::optional<std::string> parse_moment(std::string_view text, core::SystemTime now) {
  if (auto ago = core::parse_duration(text)) return core::format_timestamp(now - *ago);
  if (auto at = core::parse_timestamp(text)) return core::format_timestamp(*at);
  return std::nullopt;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

void print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void write_user_members(core::JsonWriter& out, const model::User& user) {
  for (const auto& field : model::k_user_text_fields) out.key(field.name).value(user.*field.member);
  out.key("active");
  if (user.active) {
    out.value(*user.active ? 1 : 0);
  } else {
    out.null();
  }
  out.key("attributes").raw(model::attributes_json(user.attributes));
  out.key("portfolios");
  if (user.portfolios) {
    out.raw(model::portfolios_json(*user.portfolios));
  } else {
    out.null();
  }
}

int run_report(const GlobalOptions& global, const std::optional<std::string>& database,
               const std::function<int(store::Database&)>& report) {
  try {
    auto db = open_database_for_reading(global, database);
    return report(db);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  } catch (const store::StoreError& e) {
    print_error(e.what());
    return k_exit_failed;
  } catch (const SQLite::Exception& e) {
    print_error(fmt::format("database: {}", e.what()));
    return k_exit_failed;
  } catch (const model::JsonCodecError& e) {
    print_error(fmt::format("database: {}", e.what()));
    return k_exit_failed;
  }
}

}  // namespace rosterd::cli
