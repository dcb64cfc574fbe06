#include "sources/record_digest.hpp"

#include <bit>
#include <cstring>

#include "core/hash.hpp"
#include "sources/json_values.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Changes whenever what a digest covers changes (the secret filter, the layout below).
constexpr std::string_view k_digest_version = "rosterd-record-digest-1";

template <class T>
void append_bits(std::string& out, char tag, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.push_back(tag);
  out.append(bytes, sizeof(T));
}

}  // namespace

RecordDigest::RecordDigest(std::string_view reader, const FieldFilter& filter) {
  m_seed.append(k_digest_version).append("\n").append(reader).append("\n").append(filter.fingerprint());
  m_seed.push_back('\n');
}

std::optional<std::int64_t> RecordDigest::of(element record) {
  m_buffer.assign(m_seed);
  if (!append(record)) return std::nullopt;
  return std::bit_cast<std::int64_t>(core::content_hash64(m_buffer));
}

void RecordDigest::append_text(char tag, std::string_view text) {
  append_bits(m_buffer, tag, static_cast<std::uint64_t>(text.size()));
  m_buffer.append(text);
}

bool RecordDigest::append(element value) {
  switch (value.type()) {
    case element_type::OBJECT: {
      const simdjson::dom::object object = value.get_object().value_unsafe();  // bound: no dangling range
      m_buffer.push_back('{');
      for (const auto field : object) {
        append_text('k', field.key);
        if (!append(field.value)) return false;
      }
      m_buffer.push_back('}');
      return true;
    }
    case element_type::ARRAY: {
      const simdjson::dom::array array = value.get_array().value_unsafe();
      m_buffer.push_back('[');
      for (const auto item : array) {
        if (!append(item)) return false;
      }
      m_buffer.push_back(']');
      return true;
    }
    case element_type::STRING:
      append_text('s', value.get_string().value_unsafe());
      return true;
    case element_type::INT64:
      append_bits(m_buffer, 'l', value.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      append_bits(m_buffer, 'u', value.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE:
      append_bits(m_buffer, 'd', value.get_double().value_unsafe());
      return true;
    case element_type::BOOL:
      m_buffer.push_back(value.get_bool().value_unsafe() ? 't' : 'f');
      return true;
    case element_type::NULL_VALUE:
      m_buffer.push_back('n');
      return true;
  }
  return false;
}

std::optional<std::string> listed_id(element record, std::string_view field) {
  if (record.type() != element_type::OBJECT) return std::nullopt;
  auto value = record.get_object().value_unsafe().at_key(field);
  if (value.error() != simdjson::SUCCESS) return std::nullopt;
  auto id = id_text(value.value_unsafe(), field);
  if (!id) return std::nullopt;
  return std::move(*id);
}

core::Result<bool> ListingGate::unchanged(std::string_view key, element record) {
  m_last = m_digest.of(record);
  if (!m_last) return false;
  return m_sink.unchanged(key, *m_last);
}

}  // namespace rosterd::sources
