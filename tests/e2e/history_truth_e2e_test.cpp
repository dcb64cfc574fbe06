// What the audit trail and the run log say is what happened, end to end with the real
// binary: a refused run removed nothing; data rosterd reads for the first time is a
// first fill, not a flood of vendor changes; presence fields that move at every login
// are kept current but are never history; user_changes and `rosterd changes` name the
// same username; one run has one clock even when the system clock steps back; and a
// long run says how far it got.

#include <simdjson.h>

#include <filesystem>

#include "core/clock.hpp"
#include "core/timestamp.hpp"
#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

// The cases of the store contract run on both engines.
class HistoryTruthE2e : public EngineE2eTest {
 protected:
  std::string last_run(const std::string& column) {
    return value("SELECT " + column + " FROM sync_runs ORDER BY id DESC LIMIT 1");
  }
  std::string updated_fields() { return value(joined("field", "changes WHERE change = 'updated'", "id")); }
};

// A refused run writes nothing, so its counts say it removed nothing; what it would
// have removed is in its error, said once.
TEST_P(HistoryTruthE2e, ARefusedRunRemovedNothingAndSaysWhatItWouldHaveRemoved) {
  auto& ws = add_tenant("ws", "worksection", 10, 3);
  write_config({{ws}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto users = ws.users();
  for (int i = 0; i < 8; ++i) ws.remove_user(users[static_cast<std::size_t>(i)].id);

  const auto r = sync();
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_EQ(last_run("status"), "refused");
  EXPECT_EQ(last_run("removed"), "0");
  EXPECT_EQ(last_run("fetched"), "2");
  EXPECT_NE(last_run("error").find("would remove 8 of 10 users"), std::string::npos) << last_run("error");
  EXPECT_EQ(count("SELECT sum(removed) FROM sync_runs"), 0) << "summing removed counts what was removed";
  EXPECT_EQ(r.err.find("refused: refused"), std::string::npos) << r.err;
  EXPECT_EQ(lines_with(r.err, "ws: users: refused: the run would remove 8 of 10 users").size(), 1u) << r.err;

  const auto status = run_rosterd({"status", "--json", "--config", config_path()});
  simdjson::dom::parser parser;
  const auto run = parser.parse(status.out).at(0)["last_run"];
  EXPECT_EQ(run["status"].get_string().value(), "refused");
  EXPECT_EQ(run["removed"].get_int64().value(), 0);
}

// Enabling user_stats on a CrocoDial source that has synced its users for a while
// brings every user's e-mail, group, phone and user_info attributes: one 'filled'
// version and one 'filled' changes row per user, one summary line, no field rows.
TEST_P(HistoryTruthE2e, EnablingUserStatsIsAFirstFillNotAFloodOfChanges) {
  auto& dialer = add_tenant("dialer", "crocodial", 12, 5);
  write_config({{dialer, {{"datasets", "[users]"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto listed = count("SELECT count(*) FROM users WHERE removed_at IS NULL");
  ASSERT_GT(listed, 0);
  const auto changes_before = count("SELECT count(*) FROM changes");

  write_config({{dialer, {{"datasets", "[users, user_stats]"}}}});
  const auto r = sync({"--dataset", "user_stats"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(last_run("status"), "ok");
  EXPECT_EQ(last_run("filled"), std::to_string(listed));
  EXPECT_EQ(last_run("updated"), "0");
  EXPECT_EQ(count("SELECT count(*) FROM changes") - changes_before, listed) << "one row per user";
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'filled' AND field IS NULL"), listed);
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE op = 'filled' AND valid_to IS NULL"), listed);
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'updated'"), 0);
  // The data is there, and the fill names it.
  const auto first = dialer.users().front();
  const auto id = std::to_string(first.id);
  if (!first.email.empty()) {
    EXPECT_EQ(value("SELECT email FROM users WHERE external_id = '" + id + "'"), lower(first.email));
    EXPECT_EQ(value("SELECT " + json_text("new_value", "email") + " FROM changes WHERE change = 'filled' AND "
                    "entity_key = '" + id + "'"),
              lower(first.email));
  }
  EXPECT_GT(count(std::string("SELECT count(*) FROM changes, json_each(changes.new_value") +
                  (engine() == Engine::postgresql ? "::json" : "") +
                  ") AS e WHERE change = 'filled' AND e.key LIKE 'attributes.user_info.%'"),
            0);
  EXPECT_EQ(lines_with(r.err, "updated:").size(), 0u) << r.err;
  EXPECT_EQ(lines_with(r.err, "dialer: " + std::to_string(listed) + " users gained data rosterd had not read before")
                .size(),
            1u)
      << r.err;
  EXPECT_NE(r.err.find("filled " + std::to_string(listed)), std::string::npos) << "the summary line counts them";

  // After the fill, a vendor change of that data is an ordinary change.
  dialer.update_user(first.id, [](sim::SimUser& u) { u.email = "changed.later@example.com"; });
  ASSERT_EQ(sync({"--dataset", "user_stats"}).exit_code, 0);
  EXPECT_EQ(last_run("updated"), "1");
  EXPECT_EQ(last_run("filled"), "0");
  EXPECT_EQ(value("SELECT new_value FROM changes WHERE change = 'updated' AND field = 'email'"),
            "changed.later@example.com");
}

// After an upgrade that makes rosterd read more of a vendor's records (its reader
// version went up), fields that were absent are filled, not changed; a field that had
// a value and differs is still a change. The upgrade is simulated on a database made
// by this build: the reader version set back and a column emptied, as an older reader
// would have stored it.
TEST_P(HistoryTruthE2e, FieldsAnUpgradedReaderStartsReadingAreAFirstFill) {
  auto& sw = add_tenant("sw", "class4", 8, 9);
  write_config({{sw}});
  ASSERT_EQ(sync().exit_code, 0);
  ASSERT_EQ(value("SELECT reader_version FROM dataset_readers WHERE source = 'sw' AND dataset = 'users'"), "1");
  const auto with_email = count("SELECT count(*) FROM users WHERE email IS NOT NULL");
  ASSERT_GT(with_email, 1);
  write_sql("UPDATE dataset_readers SET reader_version = 0");
  write_sql("UPDATE user_state SET content_hash = 0");
  write_sql("UPDATE user_versions SET email = NULL");
  const auto changed = sw.users().front();
  ASSERT_FALSE(changed.email.empty()) << "the simulator's first user has an e-mail address";
  sw.update_user(changed.id, [](sim::SimUser& u) { u.role = "Viewer"; });

  const auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE field = 'email'"), 0) << "no email null -> value rows";
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'filled'"), with_email);
  EXPECT_EQ(updated_fields(), "role,attributes.role_id") << r.err;
  EXPECT_EQ(value("SELECT op FROM user_versions WHERE external_id = '" + std::to_string(changed.id) +
                  "' AND valid_to IS NULL"),
            "updated")
      << "a change and a fill in one version";
  EXPECT_EQ(last_run("filled"), std::to_string(with_email - 1));
  EXPECT_EQ(value("SELECT reader_version FROM dataset_readers WHERE source = 'sw'"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE email IS NOT NULL"), with_email);

  // The next run is an ordinary one again.
  ASSERT_EQ(sync().exit_code, 0);
  EXPECT_EQ(last_run("filled"), "0");
  EXPECT_EQ(last_run("updated"), "0");
}

// Ten syncs in which only presence changes (Class4 logins, Smartflo agent states)
// create no version and no changes row, and users keeps the latest values.
TEST_P(HistoryTruthE2e, PresenceChangesAreKeptCurrentButAreNeverHistory) {
  auto& sw = add_tenant("sw", "class4", 6, 2);
  auto& flo = add_tenant("flo", "smartflo", 6, 4);
  write_config({{sw}, {flo, {}, true}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto versions = count("SELECT count(*) FROM user_versions");
  const auto changes = count("SELECT count(*) FROM changes");
  const auto updated_at_query = joined("updated_at", "users", "source, external_id");
  const auto updated_at = value(updated_at_query);
  // Smartflo's agent object, served as the simulator renders it but for its status.
  std::map<std::int64_t, std::string> agent_prefix;
  for (const auto& u : flo.users()) {
    const auto id = std::to_string(u.id);
    const auto row = rows("SELECT " + json_text("attributes", "agent.id") + ", " + json_text("attributes", "agent.name") +
                          ", phone FROM users WHERE source = 'flo' AND external_id = '" + id + "'");
    ASSERT_EQ(row.size(), 1u);
    agent_prefix[u.id] = "{\"id\":" + json_literal(row[0][0]) + ",\"name\":" + json_literal(row[0][1]) +
                         ",\"follow_me_number\":" + (row[0][2] == "<null>" ? "null" : json_literal(row[0][2]));
  }

  for (int round = 1; round <= 10; ++round) {
    const auto login = "2026-03-0" + std::to_string(round % 9 + 1) + "T08:00:0" + std::to_string(round % 10) + "Z";
    for (const auto& u : sw.users()) {
      sw.update_user(u.id, [&](sim::SimUser& s) {
        s.extra_json["last_login_time"] = json_literal(login);
        s.extra_json["last_seen"] = json_literal(login);
        s.extra_json["login_ip"] = json_literal("10.0.0." + std::to_string(round));
        s.extra_json["is_online"] = round % 2 == 0 ? "1" : "3";
      });
    }
    for (const auto& u : flo.users()) {
      flo.update_user(u.id, [&](sim::SimUser& s) {
        s.extra_json["agent"] = agent_prefix[u.id] + ",\"status\":" + std::to_string(round % 2 == 0 ? 3 : 4) + "}";
      });
    }
    const auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << "round " << round << ": " << r.all();
    EXPECT_EQ(lines_with(r.err, "updated:").size(), 0u) << r.err;
  }
  EXPECT_EQ(count("SELECT count(*) FROM user_versions"), versions) << "0 versions in 10 syncs";
  EXPECT_EQ(count("SELECT count(*) FROM changes"), changes) << "0 changes rows in 10 syncs";
  EXPECT_EQ(value(updated_at_query), updated_at);
  // Kept current: the last round's values.
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE source = 'sw' AND " + json_text("attributes", "login_ip") +
                  " = '10.0.0.10' AND CAST(" + json_text("attributes", "is_online") + " AS text) = '1'"),
            6);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE source = 'flo' AND CAST(" +
                  json_text("attributes", "agent.status") + " AS text) = '3'"),
            6);
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE " + json_text("attributes", "login_ip") +
                  " IS NOT NULL OR " + json_text("attributes", "agent.status") + " IS NOT NULL"),
            0)
      << "history never holds them";
  // A real change is still one.
  sw.update_user(sw.users().front().id, [](sim::SimUser& s) { s.role = "Viewer"; });
  ASSERT_EQ(sync().exit_code, 0);
  EXPECT_EQ(updated_fields(), "role,attributes.role_id");
}

// volatile_fields moves a field in or out of history for one source.
TEST_P(HistoryTruthE2e, VolatileFieldsAddsAndRemovesFields) {
  auto& sw = add_tenant("sw", "class4", 4, 6);
  write_config({{sw, {{"volatile_fields", "{add: [create_time], remove: [login_ip]}"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto target = sw.users().front().id;
  sw.update_user(target, [](sim::SimUser& s) {
    s.extra_json["login_ip"] = "\"192.0.2.7\"";
    s.extra_json["create_time"] = "\"2020-01-01T00:00:00Z\"";
    s.extra_json["last_seen"] = "\"2026-03-01T00:00:00Z\"";
  });
  ASSERT_EQ(sync().exit_code, 0);
  EXPECT_EQ(updated_fields(), "attributes.login_ip");
  EXPECT_EQ(value("SELECT " + json_text("attributes", "create_time") + " FROM users WHERE external_id = '" +
                  std::to_string(target) + "'"),
            "2020-01-01T00:00:00Z");

  write_config({{sw, {{"volatile_fields", "{remove: [login_ipp]}"}}}});
  const auto bad = run_rosterd({"check", "--config", config_path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("sources[0].volatile_fields.remove[0]: \"login_ipp\" is not a volatile field of type class4 "
                         "(did you mean \"login_ip\"?)"),
            std::string::npos)
      << bad.err;
}

// user_changes and `rosterd changes` show the username the user had at each change.
TEST_P(HistoryTruthE2e, UserChangesAndTheChangesCommandNameTheSameUsername) {
  auto& ws = add_tenant("ws", "worksection", 3, 8);
  write_config({{ws}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto id = ws.users().front().id;
  const auto before = lower(ws.users().front().email);
  ws.update_user(id, [](sim::SimUser& u) { u.email = "renamed@example.com"; });
  ASSERT_EQ(sync().exit_code, 0);
  ws.update_user(id, [](sim::SimUser& u) { u.first_name = "Later"; });
  ASSERT_EQ(sync().exit_code, 0);

  const auto key = std::to_string(id);
  EXPECT_EQ(value("SELECT username FROM user_changes WHERE external_id = '" + key + "' AND change = 'added'"), before);
  EXPECT_EQ(value("SELECT username FROM user_changes WHERE external_id = '" + key + "' AND field = 'username'"),
            "renamed@example.com");
  const auto r = run_rosterd({"changes", "--json", "--limit", "0", "--database", db_location()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  int compared = 0;
  for (auto change : parser.parse(r.out).get_array()) {
    const auto change_id = std::to_string(change["id"].get_int64().value());
    EXPECT_EQ(std::string(change["label"].get_string().value()),
              value("SELECT username FROM user_changes WHERE id = " + change_id))
        << "change " << change_id;
    ++compared;
  }
  EXPECT_EQ(compared, count("SELECT count(*) FROM user_changes"));
}

INSTANTIATE_TEST_SUITE_P(Engines, HistoryTruthE2e, k_engines, engine_test_name);

// The run's clock and its progress, which do not depend on the engine.
using HistoryClockE2e = E2eTest;

// One run has one clock: with the system clock stepped back between two runs, the
// second run's start, changes and end are not earlier than anything recorded.
TEST_F(HistoryClockE2e, AClockThatStepsBackNeverReordersHistory) {
  const std::string faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
  if (!std::filesystem::exists(faketime)) GTEST_SKIP() << "needs libfaketime (Debian package faketime)";
  // libfaketime's clock_gettime and the sanitizer runtime's interceptors wait on each
  // other at start-up; the Release suite runs this test.
  if (k_sanitized) GTEST_SKIP() << "libfaketime cannot be preloaded into a sanitized binary";
  const auto at = [&](const std::string& when) {
    return std::map<std::string, std::string>{{"LD_PRELOAD", faketime},
                                              {"FAKETIME", "@" + when},
                                              {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
                                              {"FAKETIME_DONT_RESET", "1"}};
  };
  auto& ws = add_tenant("ws", "worksection", 4, 1);
  write_config({{ws}});
  const auto first = run_rosterd({"sync", "--config", config_path()}, 120s, at("2030-01-01 00:00:00"));
  ASSERT_EQ(first.exit_code, 0) << first.all();
  ASSERT_EQ(value("SELECT substr(started_at, 1, 10) FROM sync_runs"), "2030-01-01") << "the fake clock took effect";
  ws.update_user(ws.users().front().id, [](sim::SimUser& u) { u.first_name = "Stepped"; });
  const auto second = run_rosterd({"sync", "--config", config_path()}, 120s, at("2029-06-01 00:00:00"));
  ASSERT_EQ(second.exit_code, 0) << second.all();
  EXPECT_EQ(lines_with(second.err, "the system clock").size(), 1u) << second.err;

  const auto runs = rows("SELECT started_at, finished_at FROM sync_runs ORDER BY id");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_GE(runs[1][0], runs[0][1]) << "the second run starts after the first ended";
  EXPECT_GE(runs[1][1], runs[1][0]);
  const auto changed_at = value("SELECT changed_at FROM changes WHERE change = 'updated'");
  EXPECT_GE(changed_at, runs[1][0]);
  EXPECT_LE(changed_at, runs[1][1]);
  EXPECT_EQ(count("SELECT count(*) FROM changes c JOIN changes p ON p.id < c.id AND p.changed_at > c.changed_at"), 0)
      << "changes in the order they were written";
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE valid_to IS NOT NULL AND valid_to < valid_from"), 0);
}

// A long run logs how far it got at most every 10 s, and `rosterd status` shows it.
TEST_F(HistoryClockE2e, ALongRunShowsItsProgress) {
  sim::TenantOptions options;
  options.name = "slow";
  options.vendor = "class4";
  options.users = 100;
  options.latency = 800ms;
  auto& slow = m_sim.add_tenant(options);
  write_config({{slow, {{"page_size", "5"}}}});
  RosterdProcess run({"sync", "--config", config_path()});
  std::string seen;
  ASSERT_TRUE(eventually(
      [&] {
        const auto status = run_rosterd({"status", "--config", config_path()});
        seen = status.out;
        return status.out.find("requests so far") != std::string::npos;
      },
      60s))
      << seen << run.err();
  EXPECT_NE(seen.find("running now (started "), std::string::npos) << seen;
  const auto exit = run.wait(120s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, 0) << run.err();
  const auto progress = lines_with(run.err(), "slow: users: still running after ");
  ASSERT_GE(progress.size(), 1u) << run.err();
  EXPECT_NE(progress[0].find(" records, "), std::string::npos) << progress[0];
  EXPECT_LE(progress.size(), 3u) << "at most one line every 10 s of a run of about 17 s";
}

}  // namespace
}  // namespace rosterd::testing
