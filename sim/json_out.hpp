#pragma once
// The simulator's JSON writer: like core::JsonWriter, plus the two things rendering
// large pages needs, an up-front reserve and a choice of string escaping (PHP's
// json_encode for CrocoDial). Commas are tracked with one flag: a value, or the end of
// a container, is followed by a comma if anything follows in the same container.

#include <cstdint>
#include <string>
#include <string_view>

namespace rosterd::sim::detail {

// json: what JSON requires (quote, backslash, control characters). php: PHP
// json_encode() with default flags, which goAPI.php uses (docs/vendor-facts.md 1.2): also "/"
// as "\/", and every non-ASCII character as \uXXXX (surrogate pairs above U+FFFF);
// invalid UTF-8 becomes U+FFFD (where PHP would fail the whole document).
enum class TextStyle { json, php };

void append_json_text(std::string& out, std::string_view text, TextStyle style);

class JsonOut {
 public:
  explicit JsonOut(TextStyle style = TextStyle::json, std::size_t reserve = 0) : m_style(style) {
    m_out.reserve(reserve);
  }

  JsonOut& begin_object() { return open('{'); }
  JsonOut& end_object() { return close('}'); }
  JsonOut& begin_array() { return open('['); }
  JsonOut& end_array() { return close(']'); }
  // `name` is written as is: field names here are plain ASCII identifiers.
  JsonOut& key(std::string_view name);
  JsonOut& value(std::string_view text);
  JsonOut& value(const char* text) { return value(std::string_view(text)); }
  JsonOut& value(const std::string& text) { return value(std::string_view(text)); }
  JsonOut& value(std::int64_t number);
  JsonOut& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonOut& value(std::uint64_t number);
  JsonOut& value(bool flag);
  JsonOut& null() { return raw("null"); }
  JsonOut& raw(std::string_view json);  // already-serialized JSON

  [[nodiscard]] TextStyle style() const { return m_style; }
  [[nodiscard]] std::size_t size() const { return m_out.size(); }
  [[nodiscard]] std::string take() { return std::move(m_out); }

 private:
  JsonOut& open(char bracket);
  JsonOut& close(char bracket);
  void separate() {
    if (m_need_comma) m_out.push_back(',');
  }

  std::string m_out;
  TextStyle m_style;
  bool m_need_comma = false;
};

}  // namespace rosterd::sim::detail
