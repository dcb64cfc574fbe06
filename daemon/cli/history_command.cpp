// `rosterd history USER`: every version and every field change of one user, found
// by external id, username or e-mail. Several matches are never guessed between:
// they are listed and the command exits 2, so a script never reports on the wrong
// person.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/app_context.hpp"
#include "cli/audit_output.hpp"
#include "cli/commands.hpp"
#include "cli/usage_errors.hpp"
#include "store/audit.hpp"

namespace rosterd::cli {
namespace {

struct HistoryOptions {
  std::string key;
  std::optional<std::string> source;
  std::string match = "any";
  bool json = false;
  std::optional<std::string> database;
};

store::UserMatch parse_match(const std::string& name) {
  if (name == "id") return store::UserMatch::id;
  if (name == "username") return store::UserMatch::username;
  if (name == "email") return store::UserMatch::email;
  return store::UserMatch::any;
}

std::string describe(const store::UserRef& ref) {
  return fmt::format("{} user {}{}, email {}{}{}", ref.source, plain_or_quoted(ref.external_id),
                     label_part(ref.username), ref.email ? json_quoted(*ref.email) : "null",
                     ref.removed ? ", removed" : "", ref.former ? " (matched a former username or email)" : "");
}

int report_ambiguous(const HistoryOptions& options, const std::vector<store::UserRef>& candidates) {
  print_error(fmt::format("{} matches {} users; name one with --source or --match id|username|email, or use its id:",
                          json_quoted(options.key), candidates.size()));
  for (const auto& c : candidates) std::fprintf(stderr, "  %s\n", describe(c).c_str());
  return k_exit_usage;
}

std::string version_line(const store::VersionRow& v) {
  return fmt::format("  v{:<3} {:<9} {} .. {:<24}  run {}\n", v.version, v.op, v.valid_from, v.valid_to.value_or("now"),
                     v.run_id);
}

// "email: "a@x.com" -> "b@x.com"" for a field; the snapshot for a whole-record change.
std::string change_text(const store::ChangeRow& c) {
  if (c.field) {
    return fmt::format("{}: {} -> {}", plain_or_quoted(*c.field), display_value(c.field, c.old_value),
                       display_value(c.field, c.new_value));
  }
  if (c.change == "removed") return "removed";
  return fmt::format("{}: {}", c.change, display_value(c.field, c.new_value));
}

std::string history_text(const store::UserRef& ref, const std::vector<store::VersionRow>& versions,
                         const std::vector<store::ChangeRow>& changes) {
  std::string out = describe(ref) + "\n";
  out += fmt::format("versions ({}):\n", versions.size());
  for (const auto& v : versions) out += version_line(v);
  out += fmt::format("changes ({}):\n", changes.size());
  for (const auto& c : changes) out += fmt::format("  {}  run {}  {}\n", c.changed_at, c.run_id, change_text(c));
  return out;
}

std::string history_json(const store::UserRef& ref, const std::vector<store::VersionRow>& versions,
                         const std::vector<store::ChangeRow>& changes) {
  core::JsonWriter out;
  out.begin_object().key("source").value(ref.source).key("external_id").value(ref.external_id);
  out.key("removed").value(ref.removed).key("versions").begin_array();
  for (const auto& v : versions) {
    out.begin_object().key("version").value(v.version).key("op").value(v.op);
    out.key("valid_from").value(v.valid_from).key("valid_to").value(v.valid_to).key("run_id").value(v.run_id);
    write_user_members(out, v.user);
    out.end_object();
  }
  out.end_array().key("changes").begin_array();
  for (const auto& c : changes) {
    out.begin_object().key("id").value(c.id).key("run_id").value(c.run_id).key("changed_at").value(c.changed_at);
    out.key("change").value(c.change).key("field").value(c.field);
    out.key("old_value").value(c.old_value).key("new_value").value(c.new_value).end_object();
  }
  out.end_array().end_object();
  return terminal_safe(out.str()) + "\n";
}

int history_command(const GlobalOptions& global, const app::Root& root, const HistoryOptions& options) {
  return run_report(global, root, options.database, [&](store::Database& db) {
    const auto found = db.find_users(options.key, options.source, parse_match(options.match));
    if (found.empty()) {
      print_error(fmt::format("no user with the id, username or email {}{}", json_quoted(options.key),
                              options.source ? " in source " + json_quoted(*options.source) : ""));
      return k_exit_failed;
    }
    if (found.size() > 1) return report_ambiguous(options, found);
    const auto& ref = found.front();
    const auto versions = db.user_versions(ref.source, ref.external_id);
    const auto changes = db.user_changes(ref.source, ref.external_id);
    print(options.json ? history_json(ref, versions, changes) : history_text(ref, versions, changes));
    return k_exit_ok;
  });
}

}  // namespace

Command add_history_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<HistoryOptions>();
  auto* app = parent.add_subcommand("history", "Show every version and field change of one user");
  app->add_option("USER", options->key, "External id, username or email (email case-insensitive)")->required();
  app->add_option("--source", options->source, "Only users of this source")->type_name("NAME");
  app->add_option("--match", options->match, "Match USER against: any (default), id, username or email")
      ->check(one_of({"any", "id", "username", "email"}));
  app->add_flag("--json", options->json, "Print JSON instead of text");
  app->add_option("--database", options->database, "Read this database instead of the configuration's")
      ->type_name("DATABASE");
  return {app, [&global, &root, options] { return history_command(global, root, *options); }};
}

}  // namespace rosterd::cli
