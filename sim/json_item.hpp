#pragma once
// Writing vendor JSON: PHP-style string escaping for CrocoDial, and ItemWriter, which
// writes one listed user and lets SimUser::extra_json replace or add fields.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"
#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

// json: core::JsonWriter's escaping. php: PHP json_encode() with default flags, which
// goAPI.php uses (vendor-facts 1.2): "/" becomes "\/" and every non-ASCII character a
// \uXXXX escape (surrogate pairs above U+FFFF).
enum class TextStyle { json, php };

// Invalid UTF-8 is written as U+FFFD (PHP itself would fail the whole document).
void append_php_json_string(std::string& out, std::string_view text);

void write_text(core::JsonWriter& writer, std::string_view text, TextStyle style);

class ItemWriter {
 public:
  // Begins the item's object.
  ItemWriter(core::JsonWriter& writer, const SimUser& user, TextStyle style);

  ItemWriter& text(std::string_view key, std::string_view value);
  ItemWriter& text_or_null(std::string_view key, std::string_view value);  // empty -> null
  ItemWriter& number(std::string_view key, std::int64_t value);
  ItemWriter& boolean(std::string_view key, bool value);
  ItemWriter& null(std::string_view key);
  ItemWriter& raw(std::string_view key, std::string_view json);
  // A value written by `write(JsonWriter&)` (nested objects, arrays).
  template <class Write>
  ItemWriter& custom(std::string_view key, Write&& write) {
    if (!take_override(key)) {
      m_writer.key(key);
      write(m_writer);
    }
    return *this;
  }
  // Writes the extra_json fields not written yet and ends the object.
  void finish();

 private:
  bool take_override(std::string_view key);

  core::JsonWriter& m_writer;
  const SimUser& m_user;
  TextStyle m_style;
  std::vector<std::string_view> m_written;  // keys written, only tracked when extra_json is not empty
};

}  // namespace rosterd::sim::detail
