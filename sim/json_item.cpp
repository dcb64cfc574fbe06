#include "sim/json_item.hpp"

#include <algorithm>

namespace rosterd::sim::detail {

ItemWriter::ItemWriter(JsonOut& writer, const SimUser& user) : m_writer(writer), m_user(user) {
  m_writer.begin_object();
}

bool ItemWriter::take_override(std::string_view key) {
  if (m_user.extra_json.empty()) return false;
  m_written.push_back(key);
  const auto it = m_user.extra_json.find(std::string(key));
  if (it == m_user.extra_json.end()) return false;
  m_writer.key(key).raw(it->second);
  return true;
}

ItemWriter& ItemWriter::text(std::string_view key, std::string_view value) {
  if (!take_override(key)) m_writer.key(key).value(value);
  return *this;
}

ItemWriter& ItemWriter::text_or_null(std::string_view key, std::string_view value) {
  return value.empty() ? null(key) : text(key, value);
}

ItemWriter& ItemWriter::number(std::string_view key, std::int64_t value) {
  if (!take_override(key)) m_writer.key(key).value(value);
  return *this;
}

ItemWriter& ItemWriter::boolean(std::string_view key, bool value) {
  if (!take_override(key)) m_writer.key(key).value(value);
  return *this;
}

ItemWriter& ItemWriter::null(std::string_view key) {
  if (!take_override(key)) m_writer.key(key).null();
  return *this;
}

ItemWriter& ItemWriter::raw(std::string_view key, std::string_view json) {
  if (!take_override(key)) m_writer.key(key).raw(json);
  return *this;
}

void ItemWriter::finish() {
  for (const auto& [key, json] : m_user.extra_json) {
    if (std::find(m_written.begin(), m_written.end(), key) != m_written.end()) continue;
    m_writer.key(key).raw(json);
  }
  m_writer.end_object();
}

}  // namespace rosterd::sim::detail
