#pragma once
// One vendor record (a JSON object) read into normalized columns and attributes:
// which fields never leave the parser (FieldFilter), attribute values as canonical
// JSON, and RecordReader, which remembers the fields a parser took.

#include <simdjson.h>

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_errors.hpp"

namespace rosterd::sources {

// Which vendor fields never leave the parser: names containing pass/secret/token
// (any case), plus the source's configured drop_fields (exact names).
class FieldFilter {
 public:
  FieldFilter() = default;
  explicit FieldFilter(std::vector<std::string> drop_fields);
  [[nodiscard]] bool drops(std::string_view field_name) const;
  // The fields it drops besides the secrets, comma-separated in order: part of what a
  // record digest depends on (record_digest.hpp).
  [[nodiscard]] std::string fingerprint() const;

 private:
  std::set<std::string, std::less<>> m_drop;
};

// Canonical JSON for an attribute value: objects with keys sorted and filtered
// fields removed (at every depth), no whitespace. A duplicate key in an object is
// an error (simdjson would silently pick one). Strings are kept byte for byte.
core::Result<std::string> canonical_json(simdjson::dom::element value, const FieldFilter& filter,
                                         std::string_view path);

// Every field of `object` not in `consumed` and not dropped by `filter`, as
// attributes named key_prefix + key. Also rejects duplicate keys.
core::Result<model::Attributes> collect_attributes(simdjson::dom::object object,
                                                   std::span<const std::string_view> consumed,
                                                   const FieldFilter& filter, std::string_view path,
                                                   std::string_view key_prefix = {});

// Reads one vendor record (a JSON object): fields taken for normalized columns are
// remembered, and rest() returns everything else as attributes. A field dropped by
// the filter reads as absent, so drop_fields also empties a normalized column.
class RecordReader {
 public:
  // Fails when `value` is not an object or has a duplicate key.
  // The reader keeps a reference to `filter`.
  static core::Result<RecordReader> open(simdjson::dom::element value, std::string path, const FieldFilter& filter);
  static core::Result<RecordReader> open(simdjson::dom::element, std::string, const FieldFilter&&) = delete;

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] std::string field_path(std::string_view key) const { return child_path(m_path, key); }

  // The field's value (nullopt when absent or filtered); marks it consumed.
  std::optional<simdjson::dom::element> take(std::string_view key);
  // A required id (see id_text).
  core::Result<std::string> take_id(std::string_view key);
  // scalar_text of the field; absent -> nullopt.
  core::Result<std::optional<std::string>> take_text(std::string_view key);
  // flag_value of the field; absent -> nullopt.
  core::Result<std::optional<bool>> take_flag(std::string_view key);

  // scalar_text of the field without consuming it (it stays in rest()); for a
  // fallback source of a column that is also a fact of its own.
  core::Result<std::optional<std::string>> peek_text(std::string_view key) const;

  // The fields not taken, as attributes named key_prefix + key.
  core::Result<model::Attributes> rest(std::string_view key_prefix = {}) const;

 private:
  RecordReader(simdjson::dom::object object, std::string path, const FieldFilter& filter)
      : m_object(object), m_path(std::move(path)), m_filter(&filter) {}

  simdjson::dom::object m_object;
  std::string m_path;
  const FieldFilter* m_filter;
  // Keys of the fields taken, as views into the parsed document (valid while it is).
  std::vector<std::string_view> m_taken;
};

}  // namespace rosterd::sources
