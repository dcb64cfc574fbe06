#include "model/change_display.hpp"

#include <fmt/format.h>

#include "core/display_text.hpp"

namespace rosterd::model {

using core::json_quoted;
using core::plain_or_quoted;
using core::terminal_safe;

bool is_json_field(std::string_view field) {
  return field == "active" || field == "portfolios" || field.starts_with("attributes.");
}

std::string display_value(const std::optional<std::string>& field, const std::optional<std::string>& value) {
  if (!value) return "null";
  // Whole-record snapshots (no field) and the JSON-valued fields are JSON already.
  if (!field || is_json_field(*field)) return terminal_safe(*value);
  return json_quoted(*value);
}

std::string label_part(const std::optional<std::string>& label) {
  if (!label) return {};
  return fmt::format(" ({})", plain_or_quoted(*label));
}

}  // namespace rosterd::model
