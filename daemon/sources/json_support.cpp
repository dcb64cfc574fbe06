#include "sources/json_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "core/json_writer.hpp"
#include "core/secrets.hpp"
#include "http/http_client.hpp"
#include "model/normalize.hpp"
#include "sources/json_numbers.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view k_space = " \t\r\n";

// Response bodies come with the spare capacity simdjson reads past their end.
static_assert(http::k_body_padding >= simdjson::SIMDJSON_PADDING);
constexpr std::size_t k_max_key_in_message = 64;

// A key as it may appear in a path or message: control bytes replaced, length capped.
std::string printable_key(std::string_view key) {
  std::string out(key.substr(0, k_max_key_in_message));
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (key.size() > k_max_key_in_message) out += "...";
  return out;
}

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

core::Status write_canonical(core::JsonWriter& out, element value, const FieldFilter& filter, std::string_view path);

core::Status write_canonical_object(core::JsonWriter& out, simdjson::dom::object object, const FieldFilter& filter,
                                    std::string_view path) {
  if (auto unique = check_unique_keys(object, path); !unique) return unique;
  std::vector<std::pair<std::string_view, element>> fields;
  for (auto field : object) {
    if (!filter.drops(field.key)) fields.emplace_back(field.key, field.value);
  }
  std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.begin_object();
  for (const auto& [key, child] : fields) {
    out.key(key);
    if (auto written = write_canonical(out, child, filter, child_path(path, key)); !written) return written;
  }
  out.end_object();
  return {};
}

core::Status write_canonical(core::JsonWriter& out, element value, const FieldFilter& filter, std::string_view path) {
  switch (value.type()) {
    case element_type::OBJECT:
      return write_canonical_object(out, value.get_object().value_unsafe(), filter, path);
    case element_type::ARRAY: {
      out.begin_array();
      std::size_t index = 0;
      // A named copy: ranging over value_unsafe() of a temporary result would dangle.
      const simdjson::dom::array array = value.get_array().value_unsafe();
      for (auto item : array) {
        if (auto written = write_canonical(out, item, filter, index_path(path, index++)); !written) return written;
      }
      out.end_array();
      return {};
    }
    case element_type::STRING:
      out.value(value.get_string().value_unsafe());
      return {};
    case element_type::INT64:
      out.value(value.get_int64().value_unsafe());
      return {};
    case element_type::UINT64:
      out.value(value.get_uint64().value_unsafe());
      return {};
    case element_type::DOUBLE:
      out.value(value.get_double().value_unsafe());
      return {};
    case element_type::BOOL:
      out.value(value.get_bool().value_unsafe());
      return {};
    case element_type::NULL_VALUE:
      out.null();
      return {};
  }
  return core::Error{core::ErrorKind::internal, "unknown simdjson element type"};
}

}  // namespace

FieldFilter::FieldFilter(std::vector<std::string> drop_fields)
    : m_drop(std::make_move_iterator(drop_fields.begin()), std::make_move_iterator(drop_fields.end())) {}

bool FieldFilter::drops(std::string_view field_name) const {
  return core::is_secret_field_name(field_name) || m_drop.find(field_name) != m_drop.end();
}

JsonDocumentParser::JsonDocumentParser(std::size_t max_bytes) : m_parser(max_bytes) {
  // Failure here (out of memory) is retried, and reported, by parse().
  [[maybe_unused]] const auto ignored = m_parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, k_max_depth);
}

core::Result<element> JsonDocumentParser::parse(JsonBody body) {
  m_in_place = false;
  if (body.size() > m_parser.max_capacity()) {
    return core::Error{core::ErrorKind::too_large, fmt::format("response body of {} bytes is over the {}-byte limit",
                                                               body.size(), m_parser.max_capacity())};
  }
  if (m_parser.max_depth() != k_max_depth &&
      m_parser.allocate(std::max(body.size(), simdjson::dom::MINIMAL_DOCUMENT_CAPACITY), k_max_depth)) {
    return core::Error{core::ErrorKind::internal, "cannot allocate the JSON parser"};
  }
  // A padded body is read where it lies; otherwise simdjson copies it into a padded
  // buffer of its own (which it keeps, as large as the largest body copied).
  auto result = m_parser.parse(body.data(), body.size(), !body.padded());
  if (!result.error()) {
    m_in_place = body.padded();
    return result.value_unsafe();
  }
  const auto code = result.error();
  if (code == simdjson::NUMBER_ERROR) {
    // On this error only: a valid number beyond 64 bits becomes its text. When the
    // copy does not parse either, the body was malformed: it fails as it always did.
    if (const auto quoted = quote_wide_numbers(body, k_max_depth)) {
      auto again = m_parser.parse(quoted->data(), quoted->size(), false);  // quoted copies are padded
      if (!again.error()) return again.value_unsafe();
    }
  }
  return failure(code, body);
}

core::Error JsonDocumentParser::failure(simdjson::error_code code, std::string_view body) const {
  if (code == simdjson::CAPACITY) {
    return core::Error{core::ErrorKind::too_large, fmt::format("response body of {} bytes is too large", body.size())};
  }
  if (code == simdjson::DEPTH_ERROR) {
    return core::Error{core::ErrorKind::parse,
                       fmt::format("JSON nested deeper than {} levels ({} bytes)", k_max_depth, body.size())};
  }
  const auto first = body.find_first_not_of(k_space);
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) {
    return core::Error{core::ErrorKind::parse, fmt::format("expected a JSON document, got {}", describe_body(body))};
  }
  return core::Error{core::ErrorKind::parse, fmt::format("invalid or truncated JSON ({}) in a {}-byte body",
                                                         simdjson::error_message(code), body.size())};
}

core::Error parse_error(std::string_view path, std::string_view problem) {
  return core::Error{core::ErrorKind::parse, fmt::format("{}: {}", path.empty() ? "(document)" : path, problem)};
}

core::Status reject_control_characters(std::string_view value, std::string_view path) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return parse_error(path, "contains a control character");
  }
  return {};
}

// Paths are built for every field read (errors must name them), so they are
// appended by hand: fmt's format-string parsing was a tenth of a resync's time.
std::string child_path(std::string_view parent, std::string_view key) {
  std::string out;
  out.reserve(parent.size() + 1 + std::min(key.size(), k_max_key_in_message + 3));
  out.append(parent);
  if (!parent.empty()) out.push_back('.');
  const auto start = out.size();
  out.append(key.substr(0, k_max_key_in_message));
  for (auto i = start; i < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) < 0x20 || out[i] == 0x7f) out[i] = '?';
  }
  if (key.size() > k_max_key_in_message) out += "...";
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  std::string out;
  out.reserve(parent.size() + 2 + static_cast<std::size_t>(end - digits));
  out.append(parent).push_back('[');
  out.append(digits, end).push_back(']');
  return out;
}

std::string_view type_name(element_type type) noexcept {
  switch (type) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
      return "integer";
    case element_type::DOUBLE:
      return "floating-point number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

std::string describe_body(std::string_view body) {
  const auto first = body.find_first_not_of(k_space);
  if (body.empty()) return "empty body";
  if (first == std::string_view::npos) return fmt::format("blank body ({} bytes)", body.size());
  const auto start = model::ascii_lower(body.substr(first, 5));
  if (start == "<?xml") return fmt::format("XML document ({} bytes)", body.size());
  if (start[0] == '<') return fmt::format("HTML page ({} bytes)", body.size());
  if (start[0] == '{' || start[0] == '[') return fmt::format("JSON of another shape ({} bytes)", body.size());
  return fmt::format("non-JSON text ({} bytes)", body.size());
}

std::string safe_excerpt(std::string_view text, std::size_t max_bytes) {
  std::string plain;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    if (!in_tag) plain.push_back(c);
    if (c == '>') in_tag = false;
  }
  std::string_view rest(plain);
  std::string_view line;
  while (!rest.empty() && line.empty()) {
    const auto end = rest.find('\n');
    line = model::trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  std::string out;
  for (char c : line) {
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (control || c == ' ') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 continuation byte
    out.resize(cut);
    out += "...";
  }
  return core::secrets().redact(out);
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
  const std::span<std::string_view> keys = count > k_inline_keys ? std::span<std::string_view>(heap_keys)
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

core::Result<std::string> canonical_json(element value, const FieldFilter& filter, std::string_view path) {
  core::JsonWriter out;
  if (auto written = write_canonical(out, value, filter, path); !written) return std::move(written).error();
  return out.take();
}

namespace {

// Converts a value whose path only an error needs: the path is built only then
// (a path per field read was most of a record's allocations). Converting is pure,
// so the second call fails as the first did, now naming the value.
template <class Convert, class Path>
auto converted(element value, Convert convert, Path path) {
  auto result = convert(value, std::string_view{});
  if (result) return result;
  return convert(value, path());
}

// collect_attributes() of an object whose keys were checked already.
core::Result<model::Attributes> collect_checked_attributes(simdjson::dom::object object,
                                                           std::span<const std::string_view> consumed,
                                                           const FieldFilter& filter, std::string_view path,
                                                           std::string_view key_prefix) {
  model::Attributes attributes;
  for (auto field : object) {
    if (std::find(consumed.begin(), consumed.end(), field.key) != consumed.end() || filter.drops(field.key)) continue;
    auto json = converted(
        field.value, [&filter](element value, std::string_view at) { return canonical_json(value, filter, at); },
        [&] { return child_path(path, field.key); });
    if (!json) return std::move(json).error();
    std::string name;
    name.reserve(key_prefix.size() + field.key.size());
    name.append(key_prefix).append(field.key);
    attributes.emplace(std::move(name), std::move(*json));
  }
  return attributes;
}

}  // namespace

core::Result<model::Attributes> collect_attributes(simdjson::dom::object object,
                                                   std::span<const std::string_view> consumed,
                                                   const FieldFilter& filter, std::string_view path,
                                                   std::string_view key_prefix) {
  if (auto unique = check_unique_keys(object, path); !unique) return std::move(unique).error();
  return collect_checked_attributes(object, consumed, filter, path, key_prefix);
}

core::Result<RecordReader> RecordReader::open(element value, std::string path, const FieldFilter& filter) {
  auto object = as_object(value, path);
  if (!object) return std::move(object).error();
  if (auto unique = check_unique_keys(*object, path); !unique) return std::move(unique).error();
  return RecordReader(*object, std::move(path), filter);
}

std::optional<element> RecordReader::take(std::string_view key) {
  if (m_filter->drops(key)) return std::nullopt;  // rest() leaves it out too
  for (auto field : m_object) {
    if (field.key == key) {
      m_taken.push_back(field.key);
      return field.value;
    }
  }
  return std::nullopt;
}

core::Result<std::string> RecordReader::take_id(std::string_view key) {
  auto value = take(key);
  if (!value) return parse_error(field_path(key), m_filter->drops(key) ? "missing (dropped by the filter)" : "missing");
  return converted(*value, id_text, [&] { return field_path(key); });
}

core::Result<std::optional<std::string>> RecordReader::take_text(std::string_view key) {
  auto value = take(key);
  if (!value) return std::optional<std::string>();
  return converted(*value, scalar_text, [&] { return field_path(key); });
}

core::Result<std::optional<std::string>> RecordReader::peek_text(std::string_view key) const {
  if (m_filter->drops(key)) return std::optional<std::string>();
  auto value = find_field(m_object, key);
  if (!value) return std::optional<std::string>();
  return scalar_text(*value, field_path(key));
}

core::Result<std::optional<bool>> RecordReader::take_flag(std::string_view key) {
  auto value = take(key);
  if (!value) return std::optional<bool>();
  return converted(*value, flag_value, [&] { return field_path(key); });
}

core::Result<model::Attributes> RecordReader::rest(std::string_view key_prefix) const {
  // open() checked the keys.
  return collect_checked_attributes(m_object, m_taken, *m_filter, m_path, key_prefix);
}

std::size_t leading_garbage_length(std::string_view body) {
  const auto first = body.find_first_not_of(k_space);
  const auto last = body.find_last_not_of(k_space);
  if (first == std::string_view::npos || body[first] == '{' || body[first] == '[') return 0;
  if (body[last] != '}' && body[last] != ']') return 0;
  // Walk back from the final bracket to the one that opens it. In valid JSON a
  // quote inside a string is preceded by an odd number of backslashes.
  std::vector<char> open;
  bool in_string = false;
  for (std::size_t i = last + 1; i-- > first;) {
    const char c = body[i];
    if (in_string) {
      if (c != '"') continue;
      std::size_t slashes = 0;
      while (i > slashes && body[i - slashes - 1] == '\\') ++slashes;
      in_string = slashes % 2 == 1;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '}' || c == ']') {
      open.push_back(c == '}' ? '{' : '[');
    } else if (c == '{' || c == '[') {
      if (open.empty() || open.back() != c) return 0;
      open.pop_back();
      if (!open.empty()) continue;
      const auto before = body.find_last_not_of(k_space, i - 1);
      if (before != std::string_view::npos && std::string_view(",:[{").find(body[before]) != std::string_view::npos) {
        return 0;
      }
      return i;
    }
  }
  return 0;
}

}  // namespace rosterd::sources
