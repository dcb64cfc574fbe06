// `rosterd changes`: the audit log (the changes table), newest first, one line per
// row: whole-record changes by name, field changes as `field: old -> new`.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/app_context.hpp"
#include "cli/audit_output.hpp"
#include "cli/commands.hpp"
#include "cli/usage_errors.hpp"
#include "core/clock.hpp"
#include "store/audit.hpp"

namespace rosterd::cli {
namespace {

constexpr std::int64_t k_default_limit = 1000;
constexpr std::string_view k_default_since = "24h";

struct ChangesOptions {
  std::optional<std::string> since;  // k_default_since when not given
  std::optional<std::string> until;
  std::optional<std::string> source;
  std::optional<std::string> entity;
  std::int64_t limit = k_default_limit;
  bool json = false;
  std::optional<std::string> database;
};

// acme-dialer: user 2222 (Jhon.Exp) email: "a@x.com" -> "b@x.com"
// acme-dialer: user 2223 (Ann) added
std::string change_line(const store::ChangeRow& c) {
  auto line = fmt::format("{}  run {}  {}: {} {}{} ", c.changed_at, c.run_id, c.source, c.entity,
                          plain_or_quoted(c.entity_key), label_part(c.label));
  if (c.field) {
    line += fmt::format("{}: {} -> {}", plain_or_quoted(*c.field), display_value(c.field, c.old_value),
                        display_value(c.field, c.new_value));
  } else {
    line += c.change;
  }
  return line + "\n";
}

std::string changes_json(const std::vector<store::ChangeRow>& rows) {
  std::string out = "[";
  for (const auto& c : rows) {
    core::JsonWriter item;
    item.begin_object().key("id").value(c.id).key("run_id").value(c.run_id).key("changed_at").value(c.changed_at);
    item.key("source").value(c.source).key("entity").value(c.entity).key("entity_key").value(c.entity_key);
    item.key("label").value(c.label).key("change").value(c.change).key("field").value(c.field);
    item.key("old_value").value(c.old_value).key("new_value").value(c.new_value).end_object();
    out += (out.size() > 1 ? ",\n" : "\n") + item.str();
  }
  return terminal_safe(out) + "\n]\n";
}

// "48h (2026-02-27T09:00:00.000Z)": what was given and the moment it means, with
// `note` ("the default, ") before the moment.
std::string moment_shown(const std::string& given, const std::string& moment, std::string_view note = {}) {
  if (given == moment && note.empty()) return given;
  return fmt::format("{} ({}{})", plain_or_quoted(given), note, moment);
}

int changes_command(const GlobalOptions& global, const app::Root& root, const ChangesOptions& options) {
  const auto now = core::system_clock().now();
  store::ChangeFilter filter;
  const std::string since = options.since.value_or(std::string{k_default_since});
  filter.since = parse_moment(since, now);
  if (!filter.since) {
    print_error(fmt::format("changes: --since takes a duration ago (24h, 7d) or a timestamp, got {}",
                            json_quoted(since)));
    return k_exit_usage;
  }
  if (options.until) {
    filter.until = parse_moment(*options.until, now);
    if (!filter.until) {
      print_error(fmt::format("changes: --until takes a duration ago (24h, 7d) or a timestamp, got {}",
                              json_quoted(*options.until)));
      return k_exit_usage;
    }
    // --since includes its moment and --until does not: an --until at or before
    // --since can match nothing, which is a mistake rather than an empty log.
    if (*filter.until <= *filter.since) {
      print_error(fmt::format("changes: --until {} is not after --since {}; give an --until later than the --since",
                              moment_shown(*options.until, *filter.until),
                              moment_shown(since, *filter.since, options.since ? "" : "the default, ")));
      return k_exit_usage;
    }
  }
  filter.source = options.source;
  filter.entity = options.entity;
  // One row more than shown tells whether the limit cut the list.
  filter.limit = options.limit > 0 ? options.limit + 1 : 0;

  return run_report(global, root, options.database, [&](store::Database& db) {
    auto rows = db.recent_changes(filter);
    const bool cut = options.limit > 0 && static_cast<std::int64_t>(rows.size()) > options.limit;
    if (cut) rows.resize(static_cast<std::size_t>(options.limit));
    if (options.json) {
      print(changes_json(rows));
    } else {
      std::string out;
      for (const auto& row : rows) out += change_line(row);
      print(out);
      if (rows.empty()) std::fprintf(stderr, "no changes since %s\n", filter.since->c_str());
    }
    if (cut) {
      std::fprintf(stderr, "showing the newest %lld changes; --limit 0 shows all\n",
                   static_cast<long long>(options.limit));
    }
    return k_exit_ok;
  });
}

}  // namespace

Command add_changes_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<ChangesOptions>();
  auto* app = parent.add_subcommand("changes", "Show the audit log of changes, newest first");
  app->add_option("--since", options->since, "From this long ago (24h, 7d) or this timestamp (default 24h)");
  app->add_option("--until", options->until, "Up to (not including) this long ago or this timestamp");
  app->add_option("--source", options->source, "Only changes of this source")->type_name("NAME");
  app->add_option("--entity", options->entity, "Only changes of user, portfolio, profile or campaign records")
      ->check(one_of({"user", "portfolio", "profile", "campaign"}));
  app->add_option("--limit", options->limit, "Show at most N changes (default 1000; 0 = all)")
      ->type_name("N")
      ->check(count_validator());
  app->add_flag("--json", options->json, "Print a JSON array instead of text");
  app->add_option("--database", options->database, "Read this database instead of the configuration's")
      ->type_name("DATABASE");
  return {app, [&global, &root, options] { return changes_command(global, root, *options); }};
}

}  // namespace rosterd::cli
