// Upgrading a database written by an earlier release (schema 5, before each user state
// was stored once): tests/e2e/fixtures/upgrade_from_5/ holds such a database as an SQL
// dump, made by rosterd 0.1.0 at 9539de2 from a deterministic history (rounds of random
// vendor changes on four tenants of the simulator, a sync after each), and what that
// release's audit commands answered on it. The test loads the dump, makes the same vendor
// changes again so that the simulator lists what the database last stored, and then:
//  - the first `rosterd sync` migrates the database and writes no version and no
//    `changes` row (stored hashes that changed definition are rewritten silently);
//  - `history`, `changes` and `users --as-of` answer exactly as the old release did.
//
// To write the fixture again (only when the release it starts from changes):
//   export ROSTERD_TEST_BINARY=<old build>/rosterd
//   export ROSTERD_WRITE_UPGRADE_FIXTURE=tests/e2e/fixtures/upgrade_from_5
//   build/tests/e2e/upgrade_e2e_test
// (needs the sqlite3 shell for the dump).

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit_support.hpp"
#include "harness.hpp"
#include "history_changes.hpp"
#include "tests/store/sqlite/schema_support.hpp"

namespace rosterd::testing {
namespace {

constexpr int k_rounds = 6;
constexpr std::uint64_t k_seed = 20261206;

std::string fixture_dir() {
  return std::string(ROSTERD_SOURCE_DIR) + "/tests/e2e/fixtures/upgrade_from_5";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// One audit command per line: its arguments, tab-separated (the database is added).
std::vector<std::vector<std::string>> read_queries(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(read_file(path));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> args;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) args.push_back(field);
    if (!args.empty()) out.push_back(std::move(args));
  }
  return out;
}

class UpgradeE2e : public E2eTest {
 protected:
  // The fixture's sources and vendor changes, in the same order every time (the
  // simulator and the edits are deterministic); `synced` runs a sync after each round
  // and returns each round's end time.
  std::vector<std::string> make_history(bool synced) {
    m_sources = {{&add_tenant("dialer", "crocodial", 8, 11), "crocodial"},
                 {&add_tenant("projects", "worksection", 6, 12), "worksection"},
                 {&add_tenant("flo", "smartflo", 8, 13), "smartflo"},
                 {&add_tenant("sw", "class4", 8, 14), "class4"}};
    write_config({{*m_sources[0].tenant, {{"datasets", "[users, user_stats]"}}},
                  {*m_sources[1].tenant},
                  {*m_sources[2].tenant, {{"page_size", "4"}}, true},
                  {*m_sources[3].tenant, {{"page_size", "4"}}, true}},
                 "  max_remove_ratio: 1\n");
    Edits edits(k_seed);
    RandomChanges random(edits);
    std::vector<std::string> times;
    std::vector<std::int64_t> away(m_sources.size());
    for (int round = 0; round < k_rounds; ++round) {
      for (std::size_t i = 0; i < m_sources.size() && round > 0; ++i) {
        auto& tenant = *m_sources[i].tenant;
        random.round(m_sources[i]);
        // Surely a removal and a restore of a changed user, whatever the random rounds did.
        if (round == 2) tenant.remove_user(away[i] = tenant.users().front().id);
        if (round == 4) {
          tenant.restore_user(away[i]);
          tenant.update_user(away[i], [](sim::SimUser& u) { u.last_name = "Returned"; });
        }
      }
      if (!synced) continue;
      const auto r = sync();
      if (r.exit_code != 0) throw std::runtime_error("round " + std::to_string(round) + ":\n" + r.all());
      times.push_back(now_timestamp());
    }
    return times;
  }

  ProcessResult audit(std::vector<std::string> args) {
    args.push_back("--database");
    args.push_back(db_path());
    return run_rosterd(args);
  }

  // The audit commands the fixture records: every change, each user's history (text
  // and JSON), the users at the end of each round and now.
  std::vector<std::vector<std::string>> queries(const std::vector<std::string>& times) {
    std::vector<std::vector<std::string>> out{{"changes", "--limit", "0", "--since", "2000-01-01"},
                                              {"changes", "--json", "--limit", "0", "--since", "2000-01-01"},
                                              {"users", "--all", "--format", "json"}};
    for (const auto& s : m_sources) {
      for (const auto& u : s.tenant->users()) {
        out.push_back({"history", std::to_string(u.id), "--source", s.name(), "--match", "id"});
        out.push_back({"history", std::to_string(u.id), "--source", s.name(), "--match", "id", "--json"});
      }
    }
    for (const auto& at : times) out.push_back({"users", "--as-of", at, "--all", "--format", "json"});
    return out;
  }

  void write_fixture(const std::string& dir) {
    const auto times = make_history(true);
    std::filesystem::create_directories(dir);
    std::string lines;
    int n = 0;
    for (const auto& args : queries(times)) {
      const auto r = audit(args);
      if (r.exit_code != 0) throw std::runtime_error("cannot record the answer: " + r.all());
      write_file(dir + "/answer-" + std::to_string(n++) + ".txt", r.out);
      for (std::size_t i = 0; i < args.size(); ++i) lines += (i == 0 ? "" : "\t") + args[i];
      lines += "\n";
    }
    write_file(dir + "/queries.tsv", lines);
    const auto dump = "sqlite3 '" + db_path() + "' .dump > '" + dir + "/roster.sql'";
    if (std::system(dump.c_str()) != 0) throw std::runtime_error("failed: " + dump);
    // .dump leaves out the schema version.
    std::ofstream(dir + "/roster.sql", std::ios::app)
        << "PRAGMA user_version = " << value("PRAGMA user_version") << ";\n";
  }

  std::vector<Source> m_sources;
};

TEST_F(UpgradeE2e, ADatabaseOfTheLastReleaseMigratesAndAnswersTheSame) {
  if (const char* dir = std::getenv("ROSTERD_WRITE_UPGRADE_FIXTURE"); dir != nullptr && *dir != '\0') {
    write_fixture(dir);
    GTEST_SKIP() << "fixture written to " << dir;
  }
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(read_file(fixture_dir() + "/roster.sql"));
    ASSERT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 5);
  }
  make_history(false);
  const auto versions = count("SELECT count(*) FROM user_versions");
  const auto changes = count("SELECT count(*) FROM changes");
  const auto last_run = count("SELECT max(id) FROM sync_runs");
  ASSERT_GT(count("SELECT count(*) FROM changes WHERE change = 'restored'"), 0) << "the history has every kind";

  const auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.err.find("to schema 6: changes"), std::string::npos) << "a progress line:\n" << r.err;
  EXPECT_EQ(value("PRAGMA user_version"), "6");
  EXPECT_EQ(count("SELECT count(*) FROM user_versions"), versions) << "no version after the upgrade";
  EXPECT_EQ(count("SELECT count(*) FROM changes"), changes) << "no change after the upgrade";
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE id > " + std::to_string(last_run) +
                  " AND (status <> 'ok' OR added + updated + removed + restored + filled > 0)"),
            0)
      << r.all();
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE id > " + std::to_string(last_run)), 5)
      << "every dataset of every source ran";

  const auto queries = read_queries(fixture_dir() + "/queries.tsv");
  ASSERT_GT(queries.size(), 60u);
  for (std::size_t n = 0; n < queries.size(); ++n) {
    const auto answer = audit(queries[n]);
    ASSERT_EQ(answer.exit_code, 0) << answer.all();
    const auto expected = read_file(fixture_dir() + "/answer-" + std::to_string(n) + ".txt");
    EXPECT_EQ(answer.out, expected) << "rosterd " << queries[n][0] << " " << queries[n][1] << ": first difference "
                                    << first_difference(answer.out, expected);
  }
}

// A schema-5 database of `users` users, each with a version and an `added` row.
void fill_schema5(const std::string& path, int users) {
  create_database_at_schema(path, 5);
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec("BEGIN");
  db.exec(
      "INSERT INTO sync_runs (id, source, dataset, started_at, finished_at, status) "
      "VALUES (1, 'big', 'users', 't0', 't0', 'ok')");
  db.exec(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
      "INSERT INTO users (source, external_id, username, email, active, attributes, version, content_hash, "
      "first_seen_at, updated_at) SELECT 'big', i, 'user' || i, 'user' || i || '@x.com', 1, '{{\"n\":' || i || '}}', "
      "1, i, 't0', 't0' FROM n",
      users));
  db.exec(
      "INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op, username, email, active, "
      "attributes) SELECT source, external_id, 1, 't0', 1, 'added', username, email, active, attributes FROM users");
  db.exec(
      "INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, new_value) "
      "SELECT 1, 't0', source, 'user', external_id, 'added', json_object('username', username) FROM users");
  db.exec("COMMIT");
}

// kill -9 while the migration runs leaves the database of schema 5 exactly as it was
// or the database of schema 6, never a mix; the next run migrates it and goes on.
TEST_F(UpgradeE2e, KillNineDuringTheMigrationLeavesTheOldDatabaseOrTheNew) {
  constexpr int k_users = 200'000;
  fill_schema5(db_path(), k_users);
  const std::string users_sql =
      "SELECT group_concat(external_id || username || email || active || attributes || version || first_seen_at || "
      "updated_at || coalesce(removed_at, '-'), ',') FROM (SELECT * FROM users ORDER BY external_id)";
  const auto users_before = value(users_sql);
  const auto data_before = dump_data_tables();
  auto& ws = add_tenant("ws", "worksection", 3, 1);
  write_config({{ws}});

  RosterdProcess process({"sync", "--config", config_path()});
  ASSERT_TRUE(
      eventually([&] { return process.err().find("to schema 6:") != std::string::npos; }, std::chrono::seconds{60}))
      << process.err();
  process.signal(SIGKILL);
  ASSERT_EQ(process.wait(std::chrono::seconds{30}), -1) << "killed by the signal";

  EXPECT_EQ(value("PRAGMA integrity_check"), "ok");
  const auto version = value("PRAGMA user_version");
  std::printf("killed during the migration: the database is at schema %s\n", version.c_str());
  if (version == "5") {
    EXPECT_SAME_DATA(data_before, dump_data_tables());
    EXPECT_EQ(value("SELECT count(*) FROM sqlite_schema WHERE name IN ('user_state', 'user_versions_new', "
                    "'changes_new')"),
              "0");
  } else {
    ASSERT_EQ(version, "6");
    EXPECT_EQ(value(users_sql), users_before);
  }

  const auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(value("PRAGMA user_version"), "6");
  EXPECT_EQ(value(users_sql), users_before) << "every user as before, through the users view";
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE source = 'big' AND version = 1 AND new_value IS NULL"), k_users);
}

}  // namespace
}  // namespace rosterd::testing
