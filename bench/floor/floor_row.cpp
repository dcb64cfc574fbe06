#include "floor/floor_row.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace rosterd::bench {
namespace {

constexpr std::array<std::string_view, 6> k_smartflo_columns = {"id",        "login_id",    "name",
                                                                "extension", "user_status", "user_role"};
constexpr std::array<std::string_view, 9> k_class4_columns = {
    "user_id", "name", "fullname", "first_name", "last_name", "email", "role_name", "user_type", "active"};

std::optional<std::string_view> text(simdjson::dom::element value) {
  std::string_view out;
  if (value.get(out) != simdjson::SUCCESS || out.empty()) return std::nullopt;
  return out;
}

std::optional<std::string_view> text(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  return text(value);
}

std::string id_text(simdjson::dom::object item, std::string_view key) {
  simdjson::dom::element value;
  if (item[key].get(value) != simdjson::SUCCESS) throw std::runtime_error("an item without " + std::string(key));
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  std::int64_t number = 0;
  if (value.get(number) != simdjson::SUCCESS) throw std::runtime_error(std::string(key) + " is not an id");
  return std::to_string(number);
}

// rosterd's secret rule (README "Secrets"): a name containing pass, secret or token.
bool secret_name(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("pass") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower.find("token") != std::string::npos;
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;  // vendor keys are plain ASCII; values are copied minified, already escaped
  }
  out += '"';
}

template <std::size_t N>
void fill_attributes(simdjson::dom::object item, const std::array<std::string_view, N>& columns, std::string& out) {
  out = "{";
  for (const auto field : item) {
    if (std::find(columns.begin(), columns.end(), field.key) != columns.end() || secret_name(field.key)) continue;
    if (out.size() > 1) out += ',';
    append_quoted(out, field.key);
    out += ':';
    out += simdjson::minify(field.value);
  }
  out += '}';
}

void fill_smartflo(simdjson::dom::object item, FloorRow& row) {
  row.external_id = id_text(item, "id");
  row.username = text(item, "login_id");
  row.full_name = text(item, "name");
  row.email = row.username && row.username->find('@') != std::string_view::npos ? row.username : std::nullopt;
  simdjson::dom::element phone;
  row.phone = item.at_pointer("/agent/follow_me_number").get(phone) == simdjson::SUCCESS ? text(phone) : std::nullopt;
  row.extension = text(item, "extension");
  simdjson::dom::element role;
  row.role = item.at_pointer("/user_role/name").get(role) == simdjson::SUCCESS ? text(role) : std::nullopt;
  row.user_group = std::nullopt;
  std::int64_t status = 0;
  row.active = item["user_status"].get(status) == simdjson::SUCCESS ? std::optional<bool>(status == 1) : std::nullopt;
  fill_attributes(item, k_smartflo_columns, row.attributes);
}

void fill_class4(simdjson::dom::object item, FloorRow& row) {
  row.external_id = id_text(item, "user_id");
  row.username = text(item, "name");
  row.full_name = text(item, "fullname");
  if (!row.full_name) {
    const auto first = text(item, "first_name"), last = text(item, "last_name");
    row.joined_name = std::string(first.value_or("")) + (first && last ? " " : "") + std::string(last.value_or(""));
    row.full_name = row.joined_name.empty() ? std::nullopt : std::optional<std::string_view>(row.joined_name);
  }
  row.email = text(item, "email");
  row.phone = row.extension = std::nullopt;
  row.role = text(item, "role_name");
  row.user_group = text(item, "user_type");
  bool active = false;
  row.active = item["active"].get(active) == simdjson::SUCCESS ? std::optional<bool>(active) : std::nullopt;
  fill_attributes(item, k_class4_columns, row.attributes);
}

}  // namespace

void fill_row(Vendor vendor, simdjson::dom::object item, FloorRow& row) {
  if (vendor == Vendor::smartflo) {
    fill_smartflo(item, row);
  } else {
    fill_class4(item, row);
  }
}

}  // namespace rosterd::bench
