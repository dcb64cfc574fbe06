// The lookups of rest_json.hpp: JSON pointers with filters, scalar keys, success rules.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "sources/json_values.hpp"
#include "sources/rest/rest_json.hpp"

namespace rosterd::sources::rest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_index(std::string_view token, std::size_t& index) {
  if (token.empty() || (token.size() > 1 && token.front() == '0')) return false;
  const auto* end = token.data() + token.size();
  const auto result = std::from_chars(token.data(), end, index);
  return result.ec == std::errc() && result.ptr == end;
}

// The member `key` of `object` (the first, when a key repeats: records are checked for
// repeats where their fields are stored).
std::optional<element> member(element value, std::string_view key, const FieldFilter* filter) {
  simdjson::dom::object object;
  if (value.get(object) != simdjson::SUCCESS) return std::nullopt;
  if (filter != nullptr && filter->drops(key)) return std::nullopt;
  for (auto field : object) {
    if (field.key == key) return field.value;
  }
  return std::nullopt;
}

std::optional<element> step_into(element value, const config::PathStep& step, const FieldFilter* filter) {
  std::optional<element> next;
  std::size_t index = 0;
  if (value.type() == element_type::ARRAY && is_index(step.token, index)) {
    element item;
    if (value.get_array().at(index).get(item) != simdjson::SUCCESS) return std::nullopt;
    next = item;
  } else {
    next = member(value, step.token, filter);
  }
  if (!next || !step.match_key) return next;
  simdjson::dom::array array;
  if (next->get(array) != simdjson::SUCCESS) return std::nullopt;
  for (auto item : array) {
    const auto field = member(item, *step.match_key, filter);
    if (field && scalar_key(*field) == step.match_value) return item;
  }
  return std::nullopt;
}

std::optional<element> walk(element root, const config::JsonPath& path, const FieldFilter* filter) {
  std::optional<element> value = root;
  for (const auto& step : path.steps) {
    value = step_into(*value, step, filter);
    if (!value) return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<element> at_path(element root, const config::JsonPath& path, const FieldFilter* filter) {
  return walk(root, path, filter);
}

std::optional<std::string> scalar_key(element value) {
  switch (value.type()) {
    case element_type::STRING:
      return std::string(value.get_string().value_unsafe());
    case element_type::BOOL:
      return std::string(value.get_bool().value_unsafe() ? "true" : "false");
    case element_type::NULL_VALUE:
      return std::string("null");
    case element_type::ARRAY:
    case element_type::OBJECT:
      return std::nullopt;
    default: {
      auto text = scalar_text(value, "");
      if (!text || !*text) return std::nullopt;
      return **text;
    }
  }
}

core::Result<element> successful_body(long status, JsonBody body, JsonDocumentParser& parser,
                                      const config::RestSuccess& success) {
  const bool status_ok = std::find(success.statuses.begin(), success.statuses.end(), status) != success.statuses.end();
  auto root = parser.parse(body);
  std::string message;
  if (root && success.message) {
    if (const auto value = walk(*root, *success.message, nullptr)) {
      if (auto text = scalar_key(*value); text && *text != "null") message = ": " + safe_excerpt(*text);
    }
  }
  if (!status_ok) {
    auto kind = core::ErrorKind::vendor;
    if (status == 401 || status == 403) {
      kind = core::ErrorKind::auth;
    } else if (status == 429 || status >= 500) {
      kind = core::ErrorKind::http;
    }
    if (message.empty() && !root) message = fmt::format(" ({})", describe_body(body));
    return core::Error{kind, fmt::format("HTTP {}{}", status, message)};
  }
  if (!root) return std::move(root).error();
  if (success.pointer) {
    const auto value = walk(*root, *success.pointer, nullptr);
    const auto text = value ? scalar_key(*value) : std::nullopt;
    if ((text == success.equals) == success.negated) {
      return core::Error{core::ErrorKind::vendor,
                         fmt::format("{} is {}{}{}", success.pointer->text,
                                     text ? fmt::format("\"{}\"", safe_excerpt(*text, 40)) : std::string("missing"),
                                     success.negated ? "" : fmt::format(", not {}", success.equals), message)};
    }
  }
  return *root;
}

}  // namespace rosterd::sources::rest
