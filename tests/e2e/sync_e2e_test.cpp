// End-to-end: the real rosterd binary, the simulator over HTTP on 127.0.0.1, a real
// database of each engine (a SQLite file, a PostgreSQL database on the test server).
// These tests prove the sync semantics of README, "Sync semantics".

#include <simdjson.h>

#include <algorithm>
#include <set>

#include "core/hash.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

constexpr const char* k_user_columns_query =
    "SELECT username, full_name, email, phone, extension, role, user_group, active FROM users ";

class SyncE2e : public EngineE2eTest {
 protected:
  std::int64_t last_run_id() { return count("SELECT max(id) FROM sync_runs"); }
  std::string last_status(const std::string& source) {
    return value("SELECT status FROM sync_runs WHERE source = '" + source + "' ORDER BY id DESC LIMIT 1");
  }
};

TEST_P(SyncE2e, InitialSyncOfEachVendorTypeStoresEveryNormalizedColumn) {
  auto& dialer = add_tenant("dialer", "crocodial", 30, 1);
  auto& projects = add_tenant("projects", "worksection", 20, 2);
  auto& flo = add_tenant("flo", "smartflo", 45, 3);
  auto& sw = add_tenant("sw", "class4", 50, 4);
  write_config({{dialer}, {projects}, {flo, {{"page_size", "20"}}}, {sw, {{"page_size", "20"}}}});

  const auto result = sync();
  ASSERT_EQ(result.exit_code, 0) << result.all();

  const auto phones = worksection_phones(projects);
  for (const auto* tenant : {&dialer, &projects, &flo, &sw}) {
    const auto& name = tenant->options().name;
    const auto users = tenant->users();
    SCOPED_TRACE(name);
    EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = '" + name + "'"),
              static_cast<std::int64_t>(users.size()));
    EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE source = '" + name + "' AND op = 'added'"),
              static_cast<std::int64_t>(users.size()));
    for (const auto& user : users) {
      const auto stored = rows(k_user_columns_query + std::string("WHERE source = '") + name + "' AND external_id = '" +
                               std::to_string(user.id) + "'");
      ASSERT_EQ(stored.size(), 1u) << user.id;
      EXPECT_EQ(stored[0], expected_columns(tenant->options().vendor, user, phones)) << "user " << user.id;
    }
  }
  // CrocoDial's portfolio sets, portfolios, profiles and campaigns.
  const auto first = dialer.users().front();
  auto portfolios = first.portfolios;
  std::sort(portfolios.begin(), portfolios.end());
  std::string expected_set = "[";
  for (const auto& code : portfolios) expected_set += (expected_set.size() > 1 ? ",\"" : "\"") + code + "\"";
  EXPECT_EQ(value("SELECT portfolios FROM users WHERE source = 'dialer' AND external_id = '" +
                  std::to_string(first.id) + "'"),
            expected_set + "]");
  EXPECT_EQ(count("SELECT count(*) FROM user_portfolios WHERE source = 'dialer' AND external_id = '" +
                  std::to_string(first.id) + "'"),
            static_cast<std::int64_t>(portfolios.size()));
  EXPECT_EQ(count("SELECT count(*) FROM portfolios WHERE source = 'dialer'"),
            static_cast<std::int64_t>(dialer.portfolios().size()));
  EXPECT_EQ(count("SELECT count(*) FROM profiles WHERE source = 'dialer'"),
            static_cast<std::int64_t>(dialer.profiles().size()));
  EXPECT_GE(count("SELECT count(*) FROM campaigns WHERE source = 'dialer'"), 1);
  EXPECT_EQ(value("SELECT name FROM portfolios WHERE source = 'dialer' AND code = '" + dialer.portfolios()[0].id + "'"),
            dialer.portfolios()[0].name);

  // Inactive CrocoDial users come from the only_inactives=1 listing and are present, inactive.
  EXPECT_GT(count("SELECT count(*) FROM current_users WHERE source = 'dialer' AND NOT active"), 0);
  // Smartflo's agent id keeps its leading zero.
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE source = 'flo' AND " + json_text("attributes", "agent.id") +
                  " NOT LIKE '0%'"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status <> 'ok'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs"), 7) << "4 user listings + portfolios, profiles, campaigns";
  EXPECT_GE(count("SELECT min(requests) FROM sync_runs WHERE source IN ('flo', 'sw')"), 3) << "paged";
}

TEST_P(SyncE2e, ARoundOfChangesWritesExactlyTheExpectedRowsAndLines) {
  auto& sw = add_tenant("sw", "class4", 30, 7);
  write_config({{sw, {{"page_size", "10"}}}});
  const auto users = sw.users();
  // users[0] is the account rosterd logs in with: leave it alone.
  const auto renamed = users[2].id, re_mailed = users[3].id, deactivated = users[4].id, removed = users[5].id,
             comes_back = users[6].id;

  ASSERT_EQ(sync().exit_code, 0);
  sw.remove_user(comes_back);
  ASSERT_EQ(sync().exit_code, 0);
  ASSERT_EQ(value("SELECT op FROM user_versions WHERE valid_to IS NULL AND external_id = '" +
                  std::to_string(comes_back) + "'"),
            "removed");
  sw.restore_user(comes_back);
  ASSERT_TRUE(sw.user(deactivated)->active);
  sw.update_user(renamed, [](SimUser& u) { u.username = "renamed.user"; });
  sw.update_user(re_mailed, [](SimUser& u) { u.email = "New.Address@Example.com"; });
  sw.update_user(deactivated, [](SimUser& u) { u.active = false; });
  sw.remove_user(removed);
  const auto added = sw.add_user().id;
  const auto changes_before = count("SELECT count(*) FROM changes");
  const auto versions_before = count("SELECT count(*) FROM user_versions");

  const auto result = sync();
  ASSERT_EQ(result.exit_code, 0) << result.all();
  const auto run = std::to_string(last_run_id());

  const auto changes = rows(
      "SELECT entity_key, change, coalesce(field, '<whole>'), coalesce(old_value, '<null>'), "
      "coalesce(new_value, '<null>') FROM " +
      changes_with_states() + " WHERE run_id = " + run + " ORDER BY CAST(entity_key AS INTEGER), field");
  const auto id = [](std::int64_t v) { return std::to_string(v); };
  const auto snapshot_of = [&](std::int64_t user, const char* column) {
    return value(std::string("SELECT ") + column + " FROM " + changes_with_states() + " WHERE run_id = " + run +
                 " AND entity_key = '" + id(user) + "'");
  };
  std::vector<std::vector<std::string>> expected{
      {id(renamed), "updated", "username", users[2].username, "renamed.user"},
      {id(re_mailed), "updated", "email", lower(users[3].email), "new.address@example.com"},
      {id(deactivated), "updated", "active", "1", "0"},
      {id(removed), "removed", "<whole>", snapshot_of(removed, "old_value"), "<null>"},
      {id(comes_back), "restored", "<whole>", "<null>", snapshot_of(comes_back, "new_value")},
      {id(added), "added", "<whole>", "<null>", snapshot_of(added, "new_value")},
  };
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return std::stoll(a[0]) < std::stoll(b[0]); });
  EXPECT_EQ(changes, expected);
  EXPECT_EQ(count("SELECT count(*) FROM changes"), changes_before + 6) << "nothing else";
  EXPECT_NE(snapshot_of(removed, "old_value").find(users[5].username), std::string::npos);
  EXPECT_NE(snapshot_of(added, "new_value").find("\"username\""), std::string::npos);

  const auto versions = rows("SELECT external_id, version, op FROM user_versions WHERE run_id = " + run +
                             " ORDER BY CAST(external_id AS INTEGER)");
  std::vector<std::vector<std::string>> expected_versions{
      {id(renamed), "2", "updated"}, {id(re_mailed), "2", "updated"},   {id(deactivated), "2", "updated"},
      {id(removed), "2", "removed"}, {id(comes_back), "3", "restored"}, {id(added), "1", "added"},
  };
  std::sort(expected_versions.begin(), expected_versions.end(),
            [](const auto& a, const auto& b) { return std::stoll(a[0]) < std::stoll(b[0]); });
  EXPECT_EQ(versions, expected_versions);
  EXPECT_EQ(count("SELECT count(*) FROM user_versions"), versions_before + 6);
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT source, external_id FROM user_versions WHERE valid_to IS NULL "
                  "GROUP BY 1, 2 HAVING count(*) > 1) AS t"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM user_versions WHERE valid_to IS NULL"), count("SELECT count(*) FROM users"))
      << "one open version per user";
  EXPECT_EQ(value("SELECT removed_at IS NOT NULL FROM users WHERE external_id = '" + id(removed) + "'"), "1");
  EXPECT_EQ(value("SELECT active FROM current_users WHERE external_id = '" + id(deactivated) + "'"), "0");

  const auto log = result.err;
  EXPECT_EQ(lines_with(log, "sw: user " + id(renamed) + " (renamed.user) updated: username \"" + users[2].username +
                                "\" -> \"renamed.user\"")
                .size(),
            1u)
      << log;
  EXPECT_EQ(lines_with(log, "sw: user " + id(re_mailed) + " (" + users[3].username + ") updated: email \"" +
                                lower(users[3].email) + "\" -> \"new.address@example.com\"")
                .size(),
            1u)
      << log;
  EXPECT_EQ(lines_with(log, "updated: active 1 -> 0").size(), 1u) << log;
  EXPECT_EQ(lines_with(log, "sw: user " + id(removed) + " (" + users[5].username + ") removed").size(), 1u) << log;
  EXPECT_EQ(lines_with(log, "sw: user " + id(comes_back) + " (" + users[6].username + ") restored").size(), 1u) << log;
  EXPECT_EQ(lines_with(log, "sw: user " + id(added) + " (").size(), 1u) << log;
  EXPECT_EQ(lines_with(log, "sw: user ").size(), 6u) << "one line per change and nothing else:\n" << log;
  EXPECT_EQ(lines_with(log, "sw: users: ok in ").size(), 1u) << log;
  EXPECT_EQ(lines_with(log, "added 1, updated 3, removed 1, restored 1, unchanged 25").size(), 1u) << log;
}

TEST_P(SyncE2e, ASecondSyncWithoutVendorChangesWritesNoHistory) {
  auto& dialer = add_tenant("dialer", "crocodial", 25, 1);
  auto& projects = add_tenant("projects", "worksection", 15, 2);
  auto& flo = add_tenant("flo", "smartflo", 30, 3);
  auto& sw = add_tenant("sw", "class4", 30, 4);
  write_config({{dialer}, {projects}, {flo, {{"page_size", "7"}}}, {sw, {{"page_size", "7"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto before = dump_data_tables();

  const auto again = sync();
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_SAME_DATA(before, dump_data_tables()) << "no row in changes, user_versions or anywhere else";
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status = 'ok' AND fetched = unchanged AND added + updated + "
                  "removed + restored = 0 AND id > 7"),
            7);
  EXPECT_TRUE(lines_with(again.err, ": user ").empty()) << again.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, SyncE2e, k_engines, engine_test_name);

class FailedRunE2e : public E2eTest, public ::testing::WithParamInterface<std::tuple<Engine, std::string>> {
 protected:
  FailedRunE2e() { use_engine(std::get<0>(GetParam())); }
  std::string vendor() const { return std::get<1>(GetParam()); }
  std::string last_status(const std::string& source) {
    return value("SELECT status FROM sync_runs WHERE source = '" + source + "' ORDER BY id DESC LIMIT 1");
  }
};

TEST_P(FailedRunE2e, AFailureOnPageThreeChangesNothingButSyncRuns) {
  auto& tenant = add_tenant("paged", vendor(), 70, 5);
  write_config({{tenant, {{"page_size", "20"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  // std::string changes that a successful run would write.
  const auto users = tenant.users();
  tenant.update_user(users[3].id, [](SimUser& u) { u.last_name = "Changed"; });
  tenant.remove_user(users[10].id);
  tenant.add_user();
  const auto before = dump_data_tables();
  const auto runs_before = count("SELECT count(*) FROM sync_runs");

  sim::Fault fault;
  fault.kind = sim::FaultKind::http_status;
  fault.status = 500;
  fault.page = 3;
  tenant.set_fault(fault);
  const auto failed = sync();
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_SAME_DATA(before, dump_data_tables());
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs"), runs_before + 1);
  EXPECT_EQ(last_status("paged"), "failed");
  const auto error = value("SELECT error FROM sync_runs ORDER BY id DESC LIMIT 1");
  EXPECT_NE(error.find("HTTP 500"), std::string::npos) << error;
  const std::string page_param = vendor() == "class4" ? "page=2" : "last_seen_id=";
  EXPECT_NE(error.find(page_param), std::string::npos) << "names the request: " << error;
  EXPECT_EQ(lines_with(failed.err, "paged: users: failed: ").size(), 1u) << failed.err;
  EXPECT_TRUE(lines_with(failed.err, "paged: user ").empty()) << "no change lines for a failed run";

  tenant.clear_faults();
  const auto recovered = sync();
  ASSERT_EQ(recovered.exit_code, 0) << recovered.all();
  EXPECT_EQ(value("SELECT added || ',' || updated || ',' || removed FROM sync_runs ORDER BY id DESC LIMIT 1"), "1,1,1");
}

INSTANTIATE_TEST_SUITE_P(PagedVendors, FailedRunE2e,
                         ::testing::Combine(k_engines, ::testing::Values("smartflo", "class4")),
                         [](const ::testing::TestParamInfo<std::tuple<Engine, std::string>>& param) {
                           return engine_name(std::get<0>(param.param)) + "_" + std::get<1>(param.param);
                         });

TEST_P(SyncE2e, AnEmptyListingIsRefusedAndForceRemoves) {
  auto& projects = add_tenant("projects", "worksection", 12, 2);
  write_config({{projects}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto before = dump_data_tables();

  sim::Fault empty;
  empty.kind = sim::FaultKind::empty_listing;
  projects.set_fault(empty);
  const auto refused = sync();
  EXPECT_EQ(refused.exit_code, 1) << refused.all();
  EXPECT_EQ(last_status("projects"), "refused");
  EXPECT_SAME_DATA(before, dump_data_tables()) << "nobody removed";
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 12);
  EXPECT_NE(value("SELECT error FROM sync_runs ORDER BY id DESC LIMIT 1").find("--force"), std::string::npos);
  EXPECT_EQ(lines_with(refused.err, "projects: users: refused: ").size(), 1u) << refused.err;

  const auto forced = sync({"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.all();
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'removed'"), 12);
  EXPECT_EQ(last_status("projects"), "ok");
}

TEST_P(SyncE2e, RemovingMoreThanTheRatioIsRefused) {
  auto& sw = add_tenant("sw", "class4", 20, 9);
  write_config({{sw}}, "  max_remove_ratio: 0.25\n");
  ASSERT_EQ(sync().exit_code, 0);
  const auto users = sw.users();
  for (int i = 2; i < 8; ++i) sw.remove_user(users[static_cast<std::size_t>(i)].id);  // 6 of 20 = 30%
  const auto refused = sync();
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(last_status("sw"), "refused");
  EXPECT_NE(value("SELECT error FROM sync_runs ORDER BY id DESC LIMIT 1").find("remove 6 of 20"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 20);
}

TEST_P(SyncE2e, ACrocodialUserTurningInactiveIsAnUpdateNotARemoval) {
  auto& dialer = add_tenant("dialer", "crocodial", 20, 3);
  write_config({{dialer, {{"datasets", "[users]"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto users = dialer.users();
  const auto active = *std::find_if(users.begin(), users.end(), [](const SimUser& u) { return u.active; });
  dialer.update_user(active.id, [](SimUser& u) { u.active = false; });
  ASSERT_EQ(sync().exit_code, 0);
  const auto run = std::to_string(last_run_id());
  EXPECT_EQ(rows("SELECT entity_key, change, field, old_value, new_value FROM changes WHERE run_id = " + run),
            (std::vector<std::vector<std::string>>{{std::to_string(active.id), "updated", "active", "1", "0"}}));
}

TEST_P(SyncE2e, DryRunPrintsTheChangesAndWritesNothing) {
  auto& sw = add_tenant("sw", "class4", 15, 2);
  write_config({{sw}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto users = sw.users();
  sw.update_user(users[2].id, [](SimUser& u) { u.username = "dry.run"; });
  sw.remove_user(users[3].id);
  const auto before = dump_data_tables();
  const auto runs_before = count("SELECT count(*) FROM sync_runs");

  const auto dry = sync({"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.all();
  EXPECT_SAME_DATA(before, dump_data_tables());
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs"), runs_before) << "a dry run writes nothing, not even sync_runs";
  EXPECT_EQ(lines_with(dry.out, "sw: user " + std::to_string(users[2].id) + " (dry.run) updated: username").size(), 1u)
      << dry.out;
  EXPECT_EQ(lines_with(dry.out, "sw: user " + std::to_string(users[3].id)).size(), 1u) << dry.out;
  EXPECT_EQ(lines_with(dry.out, "dry run").size(), 1u) << dry.out;

  ASSERT_EQ(sync().exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE run_id = (SELECT max(id) FROM sync_runs)"), 2)
      << "the real run writes what the dry run printed";
}

TEST_P(SyncE2e, NoSecretReachesTheDatabaseOrTheOutput) {
  auto& dialer = add_tenant("dialer", "crocodial", 20, 1);
  auto& projects = add_tenant("projects", "worksection", 10, 2);
  auto& flo = add_tenant("flo", "smartflo", 25, 3);
  auto& sw = add_tenant("sw", "class4", 25, 4);
  auto& flo_token = add_tenant("flot", "smartflo", 5, 5);
  auto& sw_token = add_tenant("swt", "class4", 5, 6);
  write_config({{dialer},
                {projects},
                {flo, {{"page_size", "10"}}},
                {sw, {{"page_size", "10"}}},
                {flo_token, {}, true},
                {sw_token, {}, true}},
               "");
  // Debug logging, a change round, a failing run and a dry run: as much output as rosterd makes.
  std::string output;
  auto run = [&](const std::vector<std::string>& args) {
    const auto r = sync(args);
    output += r.all();
    return r;
  };
  EXPECT_EQ(run({"--log-level", "debug"}).exit_code, 0);
  sw.update_user(sw.users()[3].id, [](SimUser& u) { u.email = "x@y.example"; });
  flo.remove_user(flo.users()[4].id);
  sim::Fault expire;
  expire.kind = sim::FaultKind::expire_token;
  expire.page = 2;
  expire.times = 1;
  flo.set_fault(expire);
  EXPECT_EQ(run({"--dry-run", "--log-level", "debug"}).exit_code, 0);
  EXPECT_EQ(run({"--log-level", "debug"}).exit_code, 0);
  sim::Fault broken;
  broken.kind = sim::FaultKind::http_status;
  broken.status = 500;
  sw.set_fault(broken);
  EXPECT_EQ(run({"--log-level", "debug"}).exit_code, 1);
  output += run_rosterd({"check", "--connect", "--config", config_path()}).all();

  std::set<std::string> secrets(m_config_secrets.begin(), m_config_secrets.end());
  for (const auto* t : {&dialer, &projects, &flo, &sw, &flo_token, &sw_token}) {
    for (const auto& s : t->served_secrets()) secrets.insert(s);
  }
  ASSERT_GT(secrets.size(), 20u) << "the simulator serves per-user secrets (passwd, cdr_api_token) and tokens";
  ASSERT_GT(database_bytes().size(), 10000u);
  expect_no_secrets(secrets, output);
}

}  // namespace
}  // namespace rosterd::testing
