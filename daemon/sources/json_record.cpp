#include "sources/json_record.hpp"

#include <algorithm>
#include <utility>

#include "core/json_writer.hpp"
#include "core/secrets.hpp"
#include "sources/json_values.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

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

std::string FieldFilter::fingerprint() const {
  std::string out;
  for (const auto& field : m_drop) out += (out.empty() ? "" : ",") + field;
  return out;
}

bool FieldFilter::drops(std::string_view field_name) const {
  return core::is_secret_field_name(field_name) || m_drop.find(field_name) != m_drop.end();
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

}  // namespace rosterd::sources
