#pragma once
// ItemWriter writes one listed user and lets SimUser::extra_json replace or add fields.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/json_out.hpp"
#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

class ItemWriter {
 public:
  // Begins the item's object.
  ItemWriter(JsonOut& writer, const SimUser& user);

  ItemWriter& text(std::string_view key, std::string_view value);
  ItemWriter& text_or_null(std::string_view key, std::string_view value);  // empty -> null
  ItemWriter& number(std::string_view key, std::int64_t value);
  ItemWriter& boolean(std::string_view key, bool value);
  ItemWriter& null(std::string_view key);
  ItemWriter& raw(std::string_view key, std::string_view json);
  // A value written by `write(JsonOut&)` (nested objects, arrays).
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

  JsonOut& m_writer;
  const SimUser& m_user;
  std::vector<std::string_view> m_written;  // keys written, only tracked when extra_json is not empty
};

}  // namespace rosterd::sim::detail
