#include "model/json_codec.hpp"

#include <cstdint>

namespace rosterd::model {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  [[noreturn]] void fail(const char* what) const {
    throw JsonCodecError("stored JSON is malformed at offset " + std::to_string(m_pos) + ": " + what);
  }
  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t' ||
                                     m_text[m_pos] == '\r')) {
      ++m_pos;
    }
  }
  bool take(char c) {
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail("unexpected character");
  }
  void expect_end() {
    skip_space();
    if (m_pos != m_text.size()) fail("trailing content");
  }

  std::string string_value() {
    skip_space();
    if (m_pos >= m_text.size() || m_text[m_pos] != '"') fail("expected a string");
    ++m_pos;
    std::string out;
    while (true) {
      if (m_pos >= m_text.size()) fail("unterminated string");
      const char c = m_text[m_pos++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (m_pos >= m_text.size()) fail("unterminated escape");
      const char e = m_text[m_pos++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': append_utf8(out, code_point()); break;
        default: fail("bad escape");
      }
    }
  }

  // The text of one JSON value, verbatim.
  std::string_view raw_value() {
    skip_space();
    const std::size_t start = m_pos;
    int depth = 0;
    bool in_string = false;
    for (; m_pos < m_text.size(); ++m_pos) {
      const char c = m_text[m_pos];
      if (in_string) {
        if (c == '\\') {
          ++m_pos;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    if (in_string || depth != 0 || m_pos == start) fail("bad value");
    auto raw = m_text.substr(start, m_pos - start);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' || raw.back() == '\r')) {
      raw.remove_suffix(1);
    }
    return raw;
  }

 private:
  std::uint32_t hex4() {
    if (m_pos + 4 > m_text.size()) fail("short \\u escape");
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = m_text[m_pos++];
      value <<= 4;
      if (h >= '0' && h <= '9') {
        value |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        value |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        value |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        fail("bad hex digit");
      }
    }
    return value;
  }
  std::uint32_t code_point() {
    std::uint32_t cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
      m_pos += 2;
      const std::uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return cp;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    auto byte = [&out](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
    if (cp < 0x80) {
      byte(cp);
    } else if (cp < 0x800) {
      byte(0xC0 | (cp >> 6));
      byte(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      byte(0xE0 | (cp >> 12));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    } else {
      byte(0xF0 | (cp >> 18));
      byte(0x80 | ((cp >> 12) & 0x3F));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    }
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

Attributes parse_attributes_json(std::string_view json) {
  Scanner in(json);
  Attributes out;
  in.expect('{');
  if (!in.take('}')) {
    do {
      std::string key = in.string_value();
      in.expect(':');
      out.insert_or_assign(std::move(key), std::string(in.raw_value()));
    } while (in.take(','));
    in.expect('}');
  }
  in.expect_end();
  return out;
}

std::vector<std::string> parse_string_array_json(std::string_view json) {
  Scanner in(json);
  std::vector<std::string> out;
  in.expect('[');
  if (!in.take(']')) {
    do {
      out.push_back(in.string_value());
    } while (in.take(','));
    in.expect(']');
  }
  in.expect_end();
  return out;
}

}  // namespace rosterd::model
