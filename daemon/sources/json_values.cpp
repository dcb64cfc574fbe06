#include "sources/json_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <span>
#include <utility>
#include <vector>

#include "model/normalize.hpp"
#include "sources/json_errors.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string number_text(element value) {
  char buf[32];
  std::to_chars_result end{};
  switch (value.type()) {
    case element_type::INT64:
      end = std::to_chars(buf, buf + sizeof buf, value.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      end = std::to_chars(buf, buf + sizeof buf, value.get_uint64().value_unsafe());
      break;
    default:
      end = std::to_chars(buf, buf + sizeof buf, value.get_double().value_unsafe());
      break;
  }
  return std::string(buf, end.ptr);
}

bool is_number(element_type type) {
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

}  // namespace

core::Status reject_control_characters(std::string_view value, std::string_view path) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return parse_error(path, "contains a control character");
  }
  return {};
}

std::optional<element> find_field(simdjson::dom::object object, std::string_view key) {
  auto found = object.at_key(key);
  if (found.error()) return std::nullopt;
  return found.value_unsafe();
}

core::Result<simdjson::dom::object> as_object(element value, std::string_view path) {
  if (value.type() != element_type::OBJECT) {
    return parse_error(path, fmt::format("expected object, got {}", type_name(value.type())));
  }
  return value.get_object().value_unsafe();
}

core::Result<simdjson::dom::array> as_array(element value, std::string_view path) {
  if (value.type() != element_type::ARRAY) {
    return parse_error(path, fmt::format("expected array, got {}", type_name(value.type())));
  }
  return value.get_array().value_unsafe();
}

core::Result<std::int64_t> as_integer(element value, std::string_view path) {
  switch (value.type()) {
    case element_type::INT64:
      return value.get_int64().value_unsafe();
    case element_type::UINT64:
      return parse_error(path, "integer out of range");
    default:
      return parse_error(path, fmt::format("expected integer, got {}", type_name(value.type())));
  }
}

core::Status check_unique_keys(simdjson::dom::object object, std::string_view path) {
  // Called for every record and every nested object: the keys of an object of
  // ordinary size are sorted on the stack.
  constexpr std::size_t k_inline_keys = 64;
  std::array<std::string_view, k_inline_keys> inline_keys;
  std::vector<std::string_view> heap_keys;
  const std::size_t count = object.size();
  if (count > k_inline_keys) heap_keys.resize(count);
  const std::span<std::string_view> keys = count > k_inline_keys
                                               ? std::span<std::string_view>(heap_keys)
                                               : std::span<std::string_view>(inline_keys.data(), count);
  std::size_t i = 0;
  for (auto field : object) {
    if (i == keys.size()) return parse_error(path, "object has too many keys");  // size() saturates at 2^24 - 1
    keys[i++] = field.key;
  }
  std::sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i));
  const auto end = keys.begin() + static_cast<std::ptrdiff_t>(i);
  if (auto dup = std::adjacent_find(keys.begin(), end); dup != end) {
    return parse_error(path, fmt::format("duplicate key \"{}\"", printable_key(*dup)));
  }
  return {};
}

core::Result<std::string> id_text(element value, std::string_view path) {
  switch (value.type()) {
    case element_type::STRING: {
      auto text = model::trim(value.get_string().value_unsafe());
      if (text.empty()) return parse_error(path, "empty id");
      // Ids appear unquoted in error messages, change lines and request labels.
      if (auto printable = reject_control_characters(text, path); !printable) return std::move(printable).error();
      return std::string(text);
    }
    case element_type::INT64:
    case element_type::UINT64:
      return number_text(value);
    case element_type::DOUBLE:
      return parse_error(path, "expected integer or string id, got floating-point number");
    default:
      return parse_error(path, fmt::format("expected number or string, got {}", type_name(value.type())));
  }
}

core::Result<std::optional<std::string>> scalar_text(element value, std::string_view path) {
  const auto type = value.type();
  if (type == element_type::STRING) return model::text_or_null(value.get_string().value_unsafe());
  if (is_number(type)) return std::optional<std::string>(number_text(value));
  if (type == element_type::BOOL) return std::optional<std::string>(value.get_bool().value_unsafe() ? "true" : "false");
  if (type == element_type::NULL_VALUE) return std::optional<std::string>();
  return parse_error(path, fmt::format("expected a scalar, got {}", type_name(type)));
}

core::Result<std::optional<bool>> flag_value(element value, std::string_view path) {
  const auto type = value.type();
  if (type == element_type::BOOL) return std::optional<bool>(value.get_bool().value_unsafe());
  if (type == element_type::NULL_VALUE) return std::optional<bool>();
  if (type == element_type::STRING || type == element_type::INT64 || type == element_type::UINT64) {
    auto text = scalar_text(value, path);
    if (!text) return std::move(text).error();
    if (!*text) return std::optional<bool>();  // "" means NULL (README, "Vendors")
    if (auto parsed = model::parse_active_flag(**text)) return parsed;
    return parse_error(path, fmt::format("expected Y/N, true/false or 1/0, got \"{}\"", safe_excerpt(**text, 16)));
  }
  return parse_error(path, fmt::format("expected boolean or Y/N, got {}", type_name(type)));
}

}  // namespace rosterd::sources
