// End-to-end tests of the reporting commands (history, changes, users) on databases
// the real rosterd synced from the simulator, and of what the reporting docs promise:
// every cookbook query of docs/schema.md runs and answers correctly, and the docs
// describe every table and column the migrations create.

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

class AuditE2e : public EngineE2eTest {
 protected:
  // A reporting command on this test's database.
  ProcessResult report(std::vector<std::string> args) {
    args.push_back("--database");
    args.push_back(db_location());
    return run_rosterd(args);
  }
  std::string id_of(const SimUser& u) { return std::to_string(u.id); }
  void synced() {
    const auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
};

TEST_P(AuditE2e, HistoryShowsEveryVersionAndFieldChangeOfOneUser) {
  auto& sw = add_tenant("sw", "class4", 12, 7);
  write_config({{sw}});
  const auto u = sw.users()[3];
  const auto id = id_of(u);
  synced();
  sw.update_user(u.id, [](SimUser& x) {
    x.email = "New.Mail@Example.com";
    x.active = false;
  });
  synced();
  sw.remove_user(u.id);
  synced();
  sw.restore_user(u.id);
  synced();

  const auto by_id = report({"history", id});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.all();
  EXPECT_EQ(report({"history", u.username}).out, by_id.out) << "by username";
  EXPECT_EQ(report({"history", "NEW.MAIL@example.COM"}).out, by_id.out) << "by email, case-insensitive";
  EXPECT_EQ(run_rosterd({"history", id, "--config", config_path()}).out, by_id.out) << "the configuration's database";

  const auto versions = rows(
      "SELECT version, op, valid_from, valid_to, run_id FROM user_versions "
      "WHERE source = 'sw' AND external_id = '" +
      id + "' ORDER BY version");
  ASSERT_EQ(versions.size(), 4u);
  for (const auto& v : versions) {
    const auto until = v[3] == "<null>" ? std::string("now") : v[3];
    EXPECT_TRUE(has_line(by_id.out, {"v" + v[0], v[1], v[2] + " .. " + until, "run " + v[4]})) << by_id.out;
  }
  const auto update =
      rows("SELECT changed_at, run_id FROM changes WHERE change = 'updated' AND entity_key = '" + id + "'")[0];
  EXPECT_TRUE(has_line(
      by_id.out, {update[0], "run " + update[1], "email: \"" + lower(u.email) + "\" -> \"new.mail@example.com\""}));
  EXPECT_TRUE(has_line(by_id.out, {update[0], "run " + update[1], "active: 1 -> 0"})) << by_id.out;
  EXPECT_TRUE(has_line(by_id.out, {"removed"}));
  EXPECT_TRUE(has_line(by_id.out, {"restored: {\"username\":\"" + u.username + "\""})) << by_id.out;

  const auto json = report({"history", id, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.all();
  simdjson::dom::parser parser;
  const auto doc = parser.parse(json.out).value();
  EXPECT_EQ(std::string(doc["source"].get_string().value()), "sw");
  const auto json_versions = doc["versions"].get_array().value();
  ASSERT_EQ(json_versions.size(), 4u);
  std::vector<std::string> ops;
  std::string previous_end;
  for (auto v : json_versions) {
    ops.emplace_back(v["op"].get_string().value());
    if (!previous_end.empty()) {
      EXPECT_EQ(previous_end, std::string(v["valid_from"].get_string().value()));
    }
    previous_end = v["valid_to"].is_null() ? "" : std::string(v["valid_to"].get_string().value());
    EXPECT_TRUE(v["attributes"].is_object());
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"added", "updated", "removed", "restored"}));
  EXPECT_EQ(previous_end, "") << "the last version is open";
  EXPECT_EQ(json_versions.at(1)["email"].get_string().value(), "new.mail@example.com");
  EXPECT_EQ(json_versions.at(1)["active"].get_int64().value(), 0);
  std::vector<std::vector<std::string>> json_changes;
  for (auto c : doc["changes"].get_array()) {
    json_changes.push_back({std::to_string(c["id"].get_int64().value()), text_or_null(c["change"]),
                            text_or_null(c["field"]), text_or_null(c["old_value"]), text_or_null(c["new_value"])});
  }
  EXPECT_EQ(json_changes, rows("SELECT id, change, coalesce(field, '<null>'), coalesce(old_value, '<null>'), "
                               "coalesce(new_value, '<null>') FROM " +
                               changes_with_states() + " WHERE entity_key = '" + id + "' ORDER BY id"));
}

TEST_P(AuditE2e, HistoryNeverGuessesBetweenSeveralUsers) {
  // Two tenants with one seed: the same ids and usernames in two sources.
  auto& sw = add_tenant("sw", "class4", 8, 3);
  auto& twin = add_tenant("twin", "class4", 8, 3);
  write_config({{sw}, {twin}});
  const auto a = sw.users()[2], b = sw.users()[3];
  // Within one source: a's username is b's id.
  sw.update_user(a.id, [&](SimUser& x) { x.username = id_of(b); });
  synced();

  const auto across = report({"history", twin.users()[4].username});
  EXPECT_EQ(across.exit_code, 2) << across.all();
  EXPECT_EQ(across.out, "") << "nothing printed for a guess";
  EXPECT_EQ(lines_with(across.err, "  sw user " + id_of(twin.users()[4])).size(), 1u) << across.err;
  EXPECT_EQ(lines_with(across.err, "  twin user " + id_of(twin.users()[4])).size(), 1u) << across.err;
  const auto narrowed = report({"history", twin.users()[4].username, "--source", "twin"});
  EXPECT_EQ(narrowed.exit_code, 0) << narrowed.all();
  EXPECT_EQ(narrowed.out.rfind("twin user " + id_of(twin.users()[4]) + " (", 0), 0u) << narrowed.out;

  const auto id_and_name = report({"history", id_of(b), "--source", "sw"});
  EXPECT_EQ(id_and_name.exit_code, 2) << id_and_name.all();
  EXPECT_EQ(lines_with(id_and_name.err, "  sw user " + id_of(a) + " (" + id_of(b) + ")").size(), 1u) << id_and_name.err;
  EXPECT_EQ(lines_with(id_and_name.err, "  sw user " + id_of(b) + " (").size(), 1u) << id_and_name.err;
  const auto by_id = report({"history", id_of(b), "--source", "sw", "--match", "id"});
  EXPECT_EQ(by_id.exit_code, 0) << by_id.all();
  EXPECT_EQ(by_id.out.rfind("sw user " + id_of(b) + " (" + b.username + ")", 0), 0u) << by_id.out;

  const auto unknown = report({"history", "nobody@nowhere.example"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(lines_with(unknown.err, "no user with the id, username or email \"nobody@nowhere.example\"").size(), 1u)
      << unknown.err;
  const auto missing = run_rosterd({"history", "x", "--database", m_dir.file("absent.db")});
  EXPECT_EQ(missing.exit_code, 1) << missing.all();
  EXPECT_FALSE(std::ifstream(m_dir.file("absent.db")).good()) << "a reporting command never creates a database";
}

TEST_P(AuditE2e, ChangesListsTheAuditLogNewestFirstAndPrintsVendorTextSafely) {
  auto& dialer = add_tenant("dialer", "crocodial", 10, 2);
  auto& sw = add_tenant("sw", "class4", 10, 5);
  write_config({{dialer}, {sw}});
  synced();
  const auto t1 = now_timestamp();
  const std::string hostile =
      "evil\x1b[31mred\nline\xe2\x80\xae\xc2\x9b"
      "2J";
  const auto target = sw.users()[4], gone = sw.users()[5];
  sw.update_user(target.id, [&](SimUser& x) { x.username = hostile; });
  sw.remove_user(gone.id);
  dialer.update_user(dialer.users()[3].id, [](SimUser& x) { x.active = false; });
  auto portfolios = dialer.portfolios();
  portfolios[0].name = "Renamed, \"quoted\"";
  dialer.set_portfolios(portfolios);
  synced();

  const auto all = report({"changes"});
  ASSERT_EQ(all.exit_code, 0) << all.all();
  const auto expected = rows(
      "SELECT changed_at, run_id, source, entity, entity_key FROM changes "
      "ORDER BY changed_at DESC, id DESC");
  const auto lines = split_lines(all.out);
  ASSERT_EQ(lines.size(), expected.size()) << all.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& e = expected[i];
    EXPECT_EQ(lines[i].rfind(e[0] + "  run " + e[1] + "  " + e[2] + ": " + e[3] + " " + e[4], 0), 0u) << lines[i];
  }
  EXPECT_TRUE(terminal_clean(all.out)) << "no raw control or bidi characters";
  EXPECT_TRUE(has_line(all.out, {"sw: user " + id_of(target), "username: \"" + target.username + "\" -> " +
                                                                  "\"evil\\u001b[31mred\\nline\\u202e\\u009b2J\""}))
      << all.out;
  EXPECT_TRUE(has_line(all.out, {"sw: user " + id_of(gone) + " (" + gone.username + ") removed"}));
  EXPECT_TRUE(has_line(all.out, {"dialer: user " + id_of(dialer.users()[3]), "active: 1 -> 0"}));
  EXPECT_TRUE(has_line(all.out, {"dialer: portfolio " + portfolios[0].id + " (\"Renamed, \\\"quoted\\\"\") name: "}));

  const auto users_of_sw = report({"changes", "--source", "sw", "--entity", "user"});
  EXPECT_EQ(split_lines(users_of_sw.out).size(),
            static_cast<std::size_t>(count("SELECT count(*) FROM changes WHERE source = 'sw' AND entity = 'user'")));
  const auto second_round = report({"changes", "--since", t1});
  EXPECT_EQ(split_lines(second_round.out).size(),
            static_cast<std::size_t>(count("SELECT count(*) FROM changes WHERE changed_at >= '" + t1 + "'")));
  const auto first_round = report({"changes", "--since", "2000-01-01", "--until", t1});
  EXPECT_EQ(split_lines(first_round.out).size(),
            static_cast<std::size_t>(count("SELECT count(*) FROM changes WHERE changed_at < '" + t1 + "'")));
  const auto limited = report({"changes", "--limit", "5"});
  EXPECT_EQ(split_lines(limited.out).size(), 5u);
  EXPECT_EQ(lines_with(limited.err, "showing the newest 5 changes").size(), 1u) << limited.err;
  EXPECT_EQ(report({"changes", "--since", "yesterday"}).exit_code, 2);
  EXPECT_EQ(report({"changes", "--entity", "group"}).exit_code, 2);

  const auto json = report({"changes", "--json", "--limit", "0", "--since", "2000-01-01"});
  ASSERT_EQ(json.exit_code, 0) << json.all();
  EXPECT_TRUE(terminal_clean(json.out));
  simdjson::dom::parser parser;
  std::vector<std::vector<std::string>> from_json;
  for (auto c : parser.parse(json.out).get_array()) {
    std::vector<std::string> row{std::to_string(c["id"].get_int64().value())};
    for (const char* key :
         {"changed_at", "source", "entity", "entity_key", "change", "field", "old_value", "new_value"}) {
      row.push_back(text_or_null(c[key]));
    }
    from_json.push_back(std::move(row));
  }
  EXPECT_EQ(from_json, rows("SELECT id, changed_at, source, entity, entity_key, change, coalesce(field, '<null>'), "
                            "coalesce(old_value, '<null>'), coalesce(new_value, '<null>') FROM " +
                            changes_with_states() +
                            " "
                            "ORDER BY changed_at DESC, id DESC"))
      << "every row, values exactly as stored";
}

TEST_P(AuditE2e, UsersReconstructsAnyPastMoment) {
  auto& sw = add_tenant("sw", "class4", 10, 11);
  auto& projects = add_tenant("projects", "worksection", 6, 12);
  write_config({{sw}, {projects}});
  const auto before_anything = now_timestamp();
  synced();
  const auto t1 = now_timestamp();
  const auto round1 = sw.users();
  const auto renamed = round1[2], removed = round1[3];
  sw.update_user(renamed.id, [](SimUser& x) {
    x.first_name = "Ann, \"The\"";
    x.last_name = "Boss\r\nline two";
  });
  sw.remove_user(removed.id);
  sw.add_user();
  synced();
  const auto removed_at = value("SELECT removed_at FROM users WHERE external_id = '" + id_of(removed) + "'");

  const auto at_t1 = report({"users", "--as-of", t1, "--format", "json", "--source", "sw"});
  ASSERT_EQ(at_t1.exit_code, 0) << at_t1.all();
  simdjson::dom::parser parser;
  std::map<std::string, std::string> listed;  // id -> full name
  for (auto u : parser.parse(at_t1.out).get_array()) {
    listed[std::string(u["external_id"].get_string().value())] = text_or_null(u["full_name"]);
    EXPECT_TRUE(u["attributes"].is_object());
    EXPECT_FALSE(u["removed"].get_bool().value());
  }
  std::map<std::string, std::string> expected;
  for (const auto& u : round1) expected[id_of(u)] = u.full_name();
  EXPECT_EQ(listed, expected) << "exactly the round-1 listing, in its round-1 state";

  const auto now_all = report({"users", "--all", "--format", "json", "--source", "sw"});
  std::set<std::string> present, gone;
  for (auto u : parser.parse(now_all.out).get_array()) {
    const std::string id(u["external_id"].get_string().value());
    (u["removed"].get_bool().value() ? gone : present).insert(id);
    if (id == id_of(removed)) {
      EXPECT_EQ(std::string(u["since"].get_string().value()), removed_at);
    }
  }
  std::set<std::string> listed_now;
  for (const auto& u : sw.users()) listed_now.insert(id_of(u));
  EXPECT_EQ(present, listed_now);
  EXPECT_EQ(gone, std::set<std::string>{id_of(removed)});

  const auto too_early = report({"users", "--as-of", before_anything, "--format", "json"});
  EXPECT_EQ(too_early.exit_code, 1) << "before the first sync: unknown, not an empty list";
  EXPECT_EQ(too_early.out, "");
  EXPECT_EQ(report({"users", "--as-of", "not a time"}).exit_code, 2);

  const auto csv = report({"users", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.all();
  const auto table = parse_csv(csv.out);
  ASSERT_EQ(table.size(), sw.users().size() + projects.users().size() + 1) << csv.out;
  EXPECT_EQ(table[0][0], "source");
  EXPECT_EQ(table[0][3], "full_name");
  const auto row = std::find_if(table.begin(), table.end(), [&](const auto& r) { return r[1] == id_of(renamed); });
  ASSERT_NE(row, table.end());
  EXPECT_EQ((*row)[3], "Ann, \"The\" Boss\r\nline two") << "RFC 4180 quoting round-trips";
  for (const auto& r : table) EXPECT_EQ(r.size(), table[0].size());

  const auto text = report({"users", "--source", "sw"});
  ASSERT_EQ(text.exit_code, 0) << text.all();
  EXPECT_EQ(split_lines(text.out).size(), sw.users().size() + 2) << text.out;
  EXPECT_TRUE(terminal_clean(text.out));
  EXPECT_TRUE(has_line(text.out, {id_of(renamed), "\"Ann, \\\"The\\\" Boss\\r\\nline two\""})) << text.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditE2e, k_engines, engine_test_name);

}  // namespace
}  // namespace rosterd::testing
