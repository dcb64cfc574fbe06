#pragma once
// A minimal streaming JSON writer (output only; parsing is simdjson's job).
// Strings are written as UTF-8 with the escapes JSON requires.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::core {

// Appends `text` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  // A key the program spells (a plain ASCII name, never vendor data): written
  // without the escape scan. Records are hashed through their snapshots, so this
  // is on the path of every listed record.
  JsonWriter& plain_key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::optional<std::string>& text);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Appends already-serialized JSON verbatim.
  JsonWriter& raw(std::string_view json);

  [[nodiscard]] const std::string& str() const { return m_out; }
  // Empties the output, keeping its capacity.
  void clear() {
    m_out.clear();
    m_first.clear();
    m_after_key = false;
  }
  [[nodiscard]] std::string take() { return std::move(m_out); }

 private:
  void before_value();

  std::string m_out;
  std::vector<bool> m_first;  // per open container: no element written yet
  bool m_after_key = false;
};

}  // namespace rosterd::core
