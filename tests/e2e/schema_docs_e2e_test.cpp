// docs/schema.md is a promise to SQL users: these tests run every cookbook query,
// exactly as the page prints it, against databases synced from the simulator and
// check the answers, and check that the page describes every table, view and column
// the migrations create.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;
using Rows = std::vector<std::vector<std::string>>;

std::string schema_doc() {
  std::ifstream in(std::string(ROSTERD_SOURCE_DIR) + "/docs/schema.md");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The names of the doc's cookbook queries ("-- cookbook: NAME" opening a sql block).
std::set<std::string> cookbook_names() {
  std::set<std::string> names;
  const auto doc = schema_doc();
  const std::string marker = "```sql\n-- cookbook: ";
  for (auto at = doc.find(marker); at != std::string::npos; at = doc.find(marker, at + 1)) {
    const auto start = at + marker.size();
    names.insert(doc.substr(start, doc.find('\n', start) - start));
  }
  return names;
}

// The SQL of one cookbook query, exactly as the doc prints it.
std::string cookbook(const std::string& name) {
  const auto doc = schema_doc();
  const auto at = doc.find("```sql\n-- cookbook: " + name + "\n");
  if (at == std::string::npos) throw std::runtime_error("docs/schema.md has no cookbook query " + name);
  const auto start = at + 7;
  return doc.substr(start, doc.find("```", start) - start);
}

class SchemaDocsE2e : public E2eTest {
 protected:
  // Runs a cookbook query with its :parameters; NULL as "<null>".
  Rows query(const std::string& name, const std::map<std::string, std::string>& parameters = {}) {
    SQLite::Database db(db_path(), SQLite::OPEN_READONLY);
    SQLite::Statement statement(db, cookbook(name));
    for (const auto& [key, value] : parameters) statement.bind(key, value);
    Rows out;
    while (statement.executeStep()) {
      std::vector<std::string> row;
      for (int i = 0; i < statement.getColumnCount(); ++i) {
        const auto c = statement.getColumn(i);
        row.push_back(c.isNull() ? "<null>" : c.getString());
      }
      out.push_back(std::move(row));
    }
    return out;
  }
  void synced() {
    const auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
};

struct Listing {
  std::string source;
  std::string vendor;
  std::vector<SimUser> users;
  std::map<std::string, std::string> phones;
};

// present-at's columns (source, external_id, username, full_name, email, role,
// user_group, active) for these listings, sorted as the query sorts.
Rows expected_present(const std::vector<Listing>& listings, bool active_only) {
  Rows out;
  for (const auto& l : listings) {
    for (const auto& u : l.users) {
      const auto c = expected_columns(l.vendor, u, l.phones);
      if (active_only && c[7] == "0") continue;
      out.push_back({l.source, std::to_string(u.id), c[0], c[1], c[2], c[5], c[6], c[7]});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SchemaDocsE2e, EveryCookbookQueryAnswersCorrectly) {
  auto& dialer = add_tenant("dialer", "crocodial", 16, 4);
  auto& sw = add_tenant("sw", "class4", 12, 8);
  auto& projects = add_tenant("projects", "worksection", 8, 9);
  write_config({{dialer, {{"datasets", "[users]"}}}, {sw}, {projects}});
  auto take_listings = [&] {
    return std::vector<Listing>{{"dialer", "crocodial", dialer.users(), {}},
                                {"projects", "worksection", projects.users(), worksection_phones(projects)},
                                {"sw", "class4", sw.users(), {}}};
  };
  const auto d = dialer.users();
  const auto set_dialer = [&](const SimUser& u, const char* flag) {
    dialer.update_user(u.id, [&](SimUser& x) { x.extra_json["dialer"] = flag; });
  };
  set_dialer(d[2], "1");
  set_dialer(d[3], "1");
  set_dialer(d[4], "0");
  set_dialer(d[5], "1");
  synced();
  const auto t1 = now_timestamp();
  const auto round1 = take_listings();

  set_dialer(d[2], "0");  // lose the permission
  set_dialer(d[3], "0");
  set_dialer(d[4], "1");  // gain it: not a loss
  set_dialer(d[5], "2");  // another value: not a loss either
  const auto s = sw.users();
  sw.remove_user(s[3].id);
  sw.update_user(s[4].id, [](SimUser& x) { x.active = false; });
  sw.update_user(s[5].id, [](SimUser& x) { x.username = "renamed.later"; });
  synced();
  const auto t2 = now_timestamp();
  const auto round2 = take_listings();

  EXPECT_EQ(cookbook_names(), (std::set<std::string>{"active-users-per-role", "changes-last-7-days", "present-at",
                                                     "active-at", "lost-dialer-permission", "removed-last-7-days",
                                                     "users-in-portfolio", "time-in-agent-state"}))
      << "every query of the doc is tested here";

  // Active users per role per source, counted from the vendors' listings.
  std::map<std::pair<std::string, std::string>, int> per_role;
  for (const auto& l : round2) {
    for (const auto& u : l.users) {
      const auto c = expected_columns(l.vendor, u, l.phones);
      if (c[7] != "0") ++per_role[{l.source, c[5] == "<null>" ? "(none)" : c[5]}];
    }
  }
  std::map<std::pair<std::string, std::string>, int> counted;
  for (const auto& row : query("active-users-per-role")) counted[{row[0], row[1]}] = std::stoi(row[2]);
  EXPECT_EQ(counted, per_role);

  EXPECT_EQ(query("present-at", {{":at", t1}}), expected_present(round1, false)) << "the round-1 state";
  EXPECT_EQ(query("present-at", {{":at", t2}}), expected_present(round2, false));
  EXPECT_EQ(query("active-at", {{":at", t1}}).size(), expected_present(round1, true).size());
  EXPECT_EQ(query("active-at", {{":at", t2}}).size(), expected_present(round2, true).size());
  EXPECT_LT(expected_present(round2, true).size(), expected_present(round2, false).size()) << "some are inactive";

  const auto dialer_run = value("SELECT max(id) FROM sync_runs WHERE source = 'dialer'");
  const auto run_time = value("SELECT changed_at FROM changes WHERE run_id = " + dialer_run + " LIMIT 1");
  auto lost = query("lost-dialer-permission");
  std::sort(lost.begin(), lost.end());
  Rows expected_lost{{run_time, "dialer", std::to_string(d[2].id), d[2].username, dialer_run},
                     {run_time, "dialer", std::to_string(d[3].id), d[3].username, dialer_run}};
  std::sort(expected_lost.begin(), expected_lost.end());
  EXPECT_EQ(lost, expected_lost) << "the two who lost it, not the others whose flag changed";

  const auto removed = query("removed-last-7-days");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0][1], std::to_string(s[3].id));
  EXPECT_EQ(removed[0][2], s[3].username);

  Rows in_portfolio;
  for (const auto& u : dialer.users()) {
    if (std::find(u.portfolios.begin(), u.portfolios.end(), "AMI") == u.portfolios.end()) continue;
    in_portfolio.push_back({"dialer", std::to_string(u.id), u.username, u.full_name(), u.active ? "1" : "0"});
  }
  std::sort(in_portfolio.begin(), in_portfolio.end());
  ASSERT_FALSE(in_portfolio.empty());
  EXPECT_EQ(query("users-in-portfolio", {{":portfolio", "AMI"}}), in_portfolio);

  // The last 7 days: every change so far, newest first; then round 1 moved to 2020.
  const auto all_changes = rows(
      "SELECT changed_at, source, entity, entity_key, change, coalesce(field, '<null>'), "
      "coalesce(old_value, '<null>'), coalesce(new_value, '<null>') FROM changes "
      "ORDER BY changed_at DESC, id DESC");
  EXPECT_EQ(query("changes-last-7-days"), all_changes);
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE changes SET changed_at = '2020-01-01T00:00:00.000Z' WHERE changed_at < '" + t1 + "'");
  }
  const auto recent = query("changes-last-7-days");
  EXPECT_EQ(recent.size(),
            static_cast<std::size_t>(count("SELECT count(*) FROM changes WHERE changed_at >= '" + t1 + "'")));
  EXPECT_GT(recent.size(), 3u);
  for (const auto& row : recent) EXPECT_GE(row[0], t1);
}

TEST_F(SchemaDocsE2e, TimeInAgentStateCutsIntervalsAtBothEnds) {
  auto& dialer = add_tenant("dialer", "crocodial", 6, 5);
  write_config({{dialer, {{"datasets", "[users]"}}}});
  synced();
  if (count("SELECT count(*) FROM sqlite_schema WHERE name = 'agent_status_log'") == 0) {
    GTEST_SKIP() << "agent_status_log comes with schema version 3";
  }
  // Polls of the simulator's agents, then intervals with known times beside them.
  const auto listed = dialer.users();
  const auto a = *std::find_if(listed.begin() + 1, listed.end(), [](const SimUser& u) { return u.active; });
  dialer.set_agent_status(a.id, "READY");
  ASSERT_EQ(sync({"--dataset", "agent_status"}).exit_code, 0);
  dialer.set_agent_status(a.id, "PAUSE - LUNCH BREAK");
  ASSERT_EQ(sync({"--dataset", "agent_status"}).exit_code, 0);
  const auto run = value("SELECT max(id) FROM sync_runs");
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec(
        "INSERT INTO agent_status_log (source, external_id, status, started_at, ended_at, run_id) VALUES "
        "('manual', '1', 'READY', '2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z', " +
        run +
        "), "
        "('manual', '1', 'PAUSE', '2026-01-01T09:00:00.000Z', '2026-01-01T09:30:00.000Z', " +
        run +
        "), "
        "('manual', '1', 'READY', '2026-01-01T09:30:00.000Z', '2026-01-01T12:00:00.000Z', " +
        run +
        "), "
        "('manual', '1', 'IN CALL', '2026-01-01T12:00:00.000Z', NULL, " +
        run +
        "), "
        "('manual', '2', 'READY', '2026-01-01T06:00:00.000Z', '2026-01-01T07:00:00.000Z', " +
        run + ")");
  }
  // 08:30 .. 11:00: READY 30 min + 90 min, PAUSE 30 min; the open interval and agent 2 are outside.
  const auto manual =
      query("time-in-agent-state", {{":from", "2026-01-01T08:30:00.000Z"}, {":to", "2026-01-01T11:00:00.000Z"}});
  Rows only_manual;
  std::copy_if(manual.begin(), manual.end(), std::back_inserter(only_manual),
               [](const auto& row) { return row[0] == "manual"; });
  EXPECT_EQ(only_manual, (Rows{{"manual", "1", "READY", "7200"}, {"manual", "1", "PAUSE", "1800"}}));

  // The synced agent: READY from the first poll to the second, then PAUSE, still open.
  const auto polls = rows(
      "SELECT started_at, coalesce(ended_at, '') FROM agent_status_log WHERE source = 'dialer' "
      "AND external_id = '" +
      std::to_string(a.id) + "' ORDER BY id");
  ASSERT_EQ(polls.size(), 2u);
  const auto synced_rows = query("time-in-agent-state", {{":from", polls[0][0]}, {":to", polls[1][0]}});
  const auto mine = std::find_if(synced_rows.begin(), synced_rows.end(),
                                 [&](const auto& row) { return row[0] == "dialer" && row[1] == std::to_string(a.id); });
  ASSERT_NE(mine, synced_rows.end());
  EXPECT_EQ((*mine)[2], "READY");
}

// The lines of the doc from the heading that names `name` to the next heading.
std::string section_of(const std::string& doc, const std::string& name) {
  std::istringstream in(doc);
  std::string line, out;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0)
      inside = line.rfind("### ", 0) == 0 && line.find("`" + name + "`") != std::string::npos;
    if (inside) out += line + "\n";
  }
  return out;
}

TEST_F(SchemaDocsE2e, DocsDescribeEveryTableViewAndColumn) {
  auto& sw = add_tenant("sw", "class4", 3, 1);
  write_config({{sw}});
  synced();
  const auto doc = schema_doc();
  SQLite::Database db(db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement objects(db,
                            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  int checked = 0;
  while (objects.executeStep()) {
    const auto name = objects.getColumn(0).getString();
    const auto section = section_of(doc, name);
    EXPECT_FALSE(section.empty()) << "docs/schema.md has no section for " << name;
    SQLite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
    columns.bind(1, name);
    while (columns.executeStep()) {
      const auto column = columns.getColumn(0).getString();
      EXPECT_NE(section.find("`" + column + "`"), std::string::npos) << name << "." << column << " is not described";
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
  EXPECT_NE(doc.find("version " + value("PRAGMA user_version")), std::string::npos) << "the schema version is named";
}

TEST_F(SchemaDocsE2e, DocsDescribeEveryPostgresqlTableViewAndColumn) {
  use_engine(Engine::postgresql);
  auto& sw = add_tenant("sw", "class4", 3, 1);
  write_config({{sw}});
  synced();
  const auto doc = schema_doc();
  int checked = 0;
  for (const auto& object : rows("SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
                                 "'public' ORDER BY 1")) {
    const auto& name = object[0];
    const auto section = section_of(doc, name);
    EXPECT_FALSE(section.empty()) << "docs/schema.md has no section for " << name;
    for (const auto& column : rows("SELECT column_name::text FROM information_schema.columns WHERE table_schema = "
                                   "'public' AND table_name = '" + name + "' ORDER BY ordinal_position")) {
      EXPECT_NE(section.find("`" + column[0] + "`"), std::string::npos) << name << "." << column[0] << " is not described";
      ++checked;
    }
  }
  EXPECT_GT(checked, 80);
}

}  // namespace
}  // namespace rosterd::testing
