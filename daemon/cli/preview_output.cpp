#include "cli/preview_output.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"

namespace rosterd::cli {

std::string preview_text(const std::string& source, const std::vector<model::User>& users) {
  std::string out = fmt::format("{}: the first {} users as its definition maps them (NULL: no value; what no column "
                                "takes is in attributes):\n",
                                source, users.size());
  for (const auto& user : users) {
    out += fmt::format("  user {}\n", user.external_id);
    for (const auto& field : model::k_user_text_fields) {
      const auto& value = user.*field.member;
      out += fmt::format("    {:<11} {}\n", field.name, value ? *value : "NULL");
    }
    out += fmt::format("    {:<11} {}\n", "active", user.active ? (*user.active ? "true" : "false") : "NULL");
    std::string keys;
    for (const auto& [key, value] : user.attributes) keys += (keys.empty() ? "" : ", ") + key;
    out += fmt::format("    {:<11} {}\n", "attributes", keys.empty() ? "(none)" : keys);
  }
  return core::secrets().redact(out);
}

}  // namespace rosterd::cli
