// `rosterd users`: the users present now or at any past moment, reconstructed from
// user_versions, as a terminal table, RFC 4180 CSV or JSON.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <memory>

#include "cli/app_context.hpp"
#include "cli/audit_output.hpp"
#include "cli/commands.hpp"
#include "cli/usage_errors.hpp"
#include "core/clock.hpp"
#include "model/canonical.hpp"
#include "store/audit.hpp"

namespace rosterd::cli {
namespace {

struct UsersOptions {
  std::optional<std::string> source;
  std::optional<std::string> as_of;
  bool all = false;
  std::string format = "table";
  std::optional<std::string> database;
};

std::string active_text(std::optional<bool> active) {
  if (!active) return {};
  return *active ? "1" : "0";
}

// Every column, as CSV text: NULL is an empty field. Every cell is spreadsheet_safe():
// the file is meant to be opened in a spreadsheet.
std::string users_csv(const std::vector<store::PresentUser>& rows, bool with_removed) {
  std::string out =
      "source,external_id,username,full_name,email,phone,extension,role,user_group,active,attributes,"
      "portfolios,version,since";
  out += with_removed ? ",removed\r\n" : "\r\n";
  for (const auto& row : rows) {
    const auto& u = row.user;
    std::vector<std::string> cells{row.source, u.external_id};
    for (const auto& field : model::k_user_text_fields) cells.push_back((u.*field.member).value_or(""));
    cells.push_back(active_text(u.active));
    cells.push_back(model::attributes_json(u.attributes));
    cells.push_back(u.portfolios ? model::portfolios_json(*u.portfolios) : "");
    cells.push_back(std::to_string(row.version));
    cells.push_back(row.valid_from);
    if (with_removed) cells.push_back(row.removed ? "1" : "0");
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i > 0 ? "," : "") + csv_field(spreadsheet_safe(cells[i]));
    out += "\r\n";
  }
  return out;
}

std::string users_json(const std::vector<store::PresentUser>& rows) {
  std::string out = "[";
  for (const auto& row : rows) {
    core::JsonWriter item;
    item.begin_object().key("source").value(row.source).key("external_id").value(row.user.external_id);
    write_user_members(item, row.user);
    item.key("version").value(row.version).key("since").value(row.valid_from).key("removed").value(row.removed);
    item.end_object();
    out += (out.size() > 1 ? ",\n" : "\n") + item.str();
  }
  return terminal_safe(out) + "\n]\n";
}

// Columns wider than this are cut with "…": the table is for reading; csv and json
// have every value in full.
constexpr std::size_t k_max_cell = 40;

std::size_t display_length(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string cell(const std::optional<std::string>& value) {
  if (!value) return "-";
  std::string text = printable(*value);
  if (display_length(text) <= k_max_cell) return text;
  std::size_t cut = 0;
  for (std::size_t chars = 0; cut < text.size() && chars < k_max_cell - 1; ++chars) {
    ++cut;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
  }
  return text.substr(0, cut) + "…";
}

std::string users_table(const std::vector<store::PresentUser>& rows, bool with_removed) {
  std::vector<std::vector<std::string>> cells{
      {"SOURCE", "ID", "USERNAME", "FULL NAME", "EMAIL", "ROLE", "GROUP", "ACTIVE", "SINCE"}};
  if (with_removed) cells.front().push_back("STATE");
  for (const auto& row : rows) {
    const auto& u = row.user;
    cells.push_back({row.source, cell(u.external_id), cell(u.username), cell(u.full_name), cell(u.email), cell(u.role),
                     cell(u.user_group), u.active ? active_text(u.active) : "-", row.valid_from});
    if (with_removed) cells.back().push_back(row.removed ? "removed" : "present");
  }
  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], display_length(line[i]));
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - display_length(line[i]) + 2, ' ');
    }
    out += text + "\n";
  }
  return out + fmt::format("{} users\n", rows.size());
}

// When the moment asked for is before the first run this database recorded (of the
// source asked for), who was present then is unknown, not "nobody": why, else nullopt.
std::optional<std::string> before_history(store::Database& db, const store::PresenceFilter& filter) {
  const auto first = db.first_run(filter.source);
  const std::string what = filter.source ? "no sync of " + plain_or_quoted(*filter.source) : "no sync";
  if (!first) {
    return fmt::format("{} had run by {}; this database records no run{} yet", what, *filter.as_of,
                       filter.source ? " of it" : "");
  }
  if (*filter.as_of >= first->started_at) return std::nullopt;
  return fmt::format("{} had run by {}; the first run of {}/{} started at {} (give --as-of {} or later)", what,
                     *filter.as_of, first->source, first->dataset, first->started_at, first->started_at);
}

int users_command(const GlobalOptions& global, const app::Root& root, const UsersOptions& options) {
  store::PresenceFilter filter;
  filter.source = options.source;
  filter.include_removed = options.all;
  if (options.as_of) {
    filter.as_of = parse_moment(*options.as_of, core::system_clock().now());
    if (!filter.as_of) {
      print_error(
          fmt::format("--as-of: {} is neither a timestamp nor a duration (24h, 7d)", json_quoted(*options.as_of)));
      return k_exit_usage;
    }
  }
  return run_report(global, root, options.database, [&](store::Database& db) {
    if (filter.as_of) {
      if (const auto problem = before_history(db, filter)) {
        print_error(*problem);
        return k_exit_failed;
      }
    }
    const auto rows = db.users_present(filter);
    if (options.format == "csv") {
      print(users_csv(rows, options.all));
    } else if (options.format == "json") {
      print(users_json(rows));
    } else {
      print(users_table(rows, options.all));
    }
    return k_exit_ok;
  });
}

}  // namespace

Command add_users_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<UsersOptions>();
  auto* app = parent.add_subcommand("users", "List the users present now or at a past moment");
  app->add_option("--source", options->source, "Only users of this source")->type_name("NAME");
  app->add_option("--as-of", options->as_of,
                  "At this moment: a timestamp (UTC unless it has an offset) or 24h, 7d ago");
  app->add_flag("--all", options->all, "Also list users removed at that moment (STATE removed, SINCE when)");
  app->add_option("--format", options->format, "table (default), csv or json")
      ->check(one_of({"table", "csv", "json"}));
  app->add_option("--database", options->database, "Read this database instead of the configuration's")
      ->type_name("DATABASE");
  return {app, [&global, &root, options] { return users_command(global, root, *options); }};
}

}  // namespace rosterd::cli
