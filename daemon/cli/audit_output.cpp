#include "cli/audit_output.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/app_context.hpp"
#include "config/config.hpp"
#include "core/duration.hpp"
#include "core/timestamp.hpp"
#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "core/display_text.hpp"
#include "model/change_display.hpp"

namespace rosterd::cli {
namespace {


}  // namespace







std::optional<std::string> parse_moment(std::string_view text, core::SystemTime now) {
  if (auto ago = core::parse_duration(text)) return core::format_timestamp(now - *ago);
  if (auto at = core::parse_timestamp(text)) return core::format_timestamp(*at);
  return std::nullopt;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string spreadsheet_safe(std::string_view text) {
  if (text.empty() || std::string_view{"=+-@\t\r"}.find(text.front()) == std::string_view::npos) {
    return std::string(text);
  }
  return "'" + std::string(text);
}

void print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void write_user_members(core::JsonWriter& out, const model::User& user) {
  for (const auto& field : model::k_user_text_fields) out.key(field.name).value(user.*field.member);
  out.key("active");
  if (user.active) {
    out.value(*user.active ? 1 : 0);
  } else {
    out.null();
  }
  out.key("attributes").raw(model::attributes_json(user.attributes));
  out.key("portfolios");
  if (user.portfolios) {
    out.raw(model::portfolios_json(*user.portfolios));
  } else {
    out.null();
  }
}

int run_report(const GlobalOptions& global, const app::Root& root, const std::optional<std::string>& database,
               const std::function<int(store::Database&)>& report) {
  try {
    auto db = open_database_for_reading(global, root, database);
    const int status = report(*db);
    db->check_read();
    return status;
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  } catch (const store::StoreError& e) {
    print_error(e.what());
    return k_exit_failed;
  }
}

}  // namespace rosterd::cli
