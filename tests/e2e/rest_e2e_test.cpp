// The rest source type, proved by equivalence: each shipped definition of a native
// vendor (config/definitions/) syncs a simulator tenant into one database while the
// native source syncs a twin tenant (another simulator, the same options, the same
// edits and faults) into another; over rounds of changes and the fault scenarios, the
// two databases hold the same users, versions and changes, row for row. Then SCIM 2.0
// end to end, through its shipped definition.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>

#include "fault_fixture.hpp"
#include "harness.hpp"
#include "sim/vendors/scim/scim.hpp"

namespace rosterd::testing {
namespace {

using sim::FaultKind;
using sim::SimUser;

// The rows of `sql` in the SQLite file `path`, NULL as "<null>".
std::vector<std::vector<std::string>> rows_of(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db, sql);
  std::vector<std::vector<std::string>> out;
  while (query.executeStep()) {
    auto& row = out.emplace_back();
    for (int i = 0; i < query.getColumnCount(); ++i) {
      row.push_back(query.getColumn(i).isNull() ? "<null>" : query.getColumn(i).getString());
    }
  }
  return out;
}

// `text` with the first `from` replaced by `to`.
std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// What the two databases must agree on: everything but ids, run ids and times.
const std::vector<std::pair<std::string, std::string>> k_compared = {
    {"users", "SELECT source, external_id, username, full_name, email, phone, extension, role, user_group, active, "
              "attributes, removed_at IS NULL FROM users ORDER BY source, external_id"},
    {"user_versions", "SELECT source, external_id, version, op, username, full_name, email, phone, extension, role, "
                      "user_group, active, attributes, valid_to IS NULL FROM user_versions "
                      "ORDER BY source, external_id, version"},
    {"changes", "SELECT source, entity, entity_key, change, field, old_value, new_value, version FROM changes "
                "ORDER BY source, entity, entity_key, version, field"},
    // A failed run's counts say how far it got, which depends on where the source checks
    // what: only its outcome is compared.
    {"runs", "SELECT source, dataset, status, CASE WHEN status = 'ok' THEN fetched || ',' || added || ',' || updated "
             "|| ',' || removed || ',' || restored || ',' || unchanged END FROM sync_runs ORDER BY id"},
};

class RestEquivalenceE2e : public E2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  RestEquivalenceE2e() { m_twin.start(); }

  // The tenant `name` of the vendor under test in both simulators.
  void add_tenants(int users, std::uint64_t seed, std::map<std::string, std::string> extra = {}) {
    sim::TenantOptions options;
    options.name = "src";
    options.vendor = GetParam();
    options.users = users;
    options.seed = seed;
    m_native = &m_sim.add_tenant(options);
    m_rest = &m_twin.add_tenant(options);
    if (GetParam() != "worksection") extra.emplace("page_size", "7");
    // The rest configuration first: write_config() writes config_path(), which is the native one's.
    write_config({rest_block(*m_rest, extra)}, "  max_remove_ratio: 1\n");
    std::ofstream(rest_config()) << with_database_line(read_bytes(config_path()), "\"" + rest_database() + "\"");
    write_config({{*m_native, extra}}, "  max_remove_ratio: 1\n");
  }
  [[nodiscard]] std::string rest_config() const { return m_dir.file("rest.yaml"); }
  [[nodiscard]] std::string rest_database() const { return m_dir.file("rest.db"); }

  // The same edit of both tenants.
  void edit(const std::function<void(sim::Tenant&)>& change) {
    change(*m_native);
    change(*m_rest);
  }
  void fault(const sim::Fault& fault) {
    edit([&](sim::Tenant& t) { t.set_fault(fault); });
  }

  // Both syncs; they must end alike. Returns the native one's exit code.
  int sync_both(const std::string& what) {
    const auto native = sync();
    const auto rest = run_rosterd({"sync", "--config", rest_config()});
    EXPECT_EQ(native.exit_code, rest.exit_code) << what << "\nnative:\n" << native.err << "\nrest:\n" << rest.err;
    m_output += native.all() + rest.all();
    return native.exit_code;
  }

  void expect_same(const std::string& what) {
    for (const auto& [table, sql] : k_compared) {
      const auto native = rows_of(db_path(), sql);
      const auto rest = rows_of(rest_database(), sql);
      EXPECT_EQ(native.size(), rest.size()) << what << ": " << table;
      for (std::size_t i = 0; i < std::min(native.size(), rest.size()); ++i) {
        ASSERT_EQ(native[i], rest[i]) << what << ": " << table << " row " << i;
      }
    }
  }

  // One round of vendor changes, the same in both tenants: every normalized field of a
  // few users, one removal, one restore, one addition.
  void change_round(int round) {
    std::mt19937_64 random(static_cast<std::uint64_t>(round) * 7919u);
    const auto users = m_native->users();
    const auto pick = [&] { return users[random() % users.size()].id; };
    for (int i = 0; i < 3; ++i) {
      const auto id = pick();
      const auto tag = std::to_string(round) + "x" + std::to_string(i);
      edit([&](sim::Tenant& t) {
        t.update_user(id, [&](SimUser& u) {
          switch ((round + i) % 4) {
            case 0: u.first_name = "Renamed" + tag; break;
            case 1: u.email = "moved." + tag + "@Example.com"; u.username = "login" + tag; break;
            case 2: u.role = round % 2 == 0 ? "Admin" : "Viewer"; u.group = "group" + tag; break;
            default: u.active = !u.active; u.phone = "+1555" + std::to_string(1000 + round); u.last_name = ""; break;
          }
        });
      });
    }
    const auto removed = pick();
    edit([&](sim::Tenant& t) { t.remove_user(removed); });
    if (m_removed) {
      const auto back = *m_removed;
      edit([&](sim::Tenant& t) { t.restore_user(back); });
    }
    m_removed = removed;
    edit([](sim::Tenant& t) { t.add_user(); });
  }

  sim::Simulator m_twin;
  sim::Tenant* m_native = nullptr;
  sim::Tenant* m_rest = nullptr;
  std::optional<std::int64_t> m_removed;
  std::string m_output;
};

TEST_P(RestEquivalenceE2e, RoundsOfChangesWriteTheSameHistory) {
  add_tenants(30, 11);
  ASSERT_EQ(sync_both("the first sync"), 0) << m_output;
  expect_same("the first sync");
  for (int round = 1; round <= 6; ++round) {
    change_round(round);
    ASSERT_EQ(sync_both("round " + std::to_string(round)), 0) << m_output;
    expect_same("round " + std::to_string(round));
  }
  EXPECT_GT(count("SELECT count(*) FROM changes WHERE change = 'updated'"), 6);
  EXPECT_GT(count("SELECT count(*) FROM changes WHERE change = 'restored'"), 0);
}

// Each fault on both sides: a run that fails fails on both and writes nothing, one that
// recovers (a retry, a login, a second listing) recovers on both; a clean round follows.
TEST_P(RestEquivalenceE2e, TheFaultScenariosEndAlike) {
  const auto vendor = GetParam();
  add_tenants(30, 12);
  ASSERT_EQ(sync_both("the first sync"), 0) << m_output;
  const bool paged = vendor != "worksection";
  const int page = paged ? 2 : 0;
  std::vector<std::pair<std::string, sim::Fault>> scenarios = {
      {"truncated body", make_fault(FaultKind::truncate_chunked, page)},
      {"duplicate ids", make_fault(FaultKind::duplicate_ids, page)},
      {"429 with Retry-After", [&] {
         auto f = make_fault(FaultKind::http_status, page, 1);
         f.status = 429;
         f.retry_after = 1;
         return f;
       }()},
      {"malformed JSON", make_fault(FaultKind::malformed_json, page)},
      {"HTML page", make_fault(FaultKind::html_page, page)},
      {"shift (insert)", make_fault(FaultKind::shift_insert, page, 1)},
      {"shift (remove)", make_fault(FaultKind::shift_remove, page, 1)},
  };
  if (vendor == "smartflo") scenarios.emplace_back("stuck cursor", make_fault(FaultKind::stuck_cursor, page));
  if (vendor != "worksection") {
    scenarios.emplace_back("token expiry", make_fault(FaultKind::expire_token, page, 1));
    scenarios.emplace_back("vendor error", make_fault(FaultKind::vendor_error, page));
  }
  int round = 0;
  for (const auto& [name, f] : scenarios) {
    SCOPED_TRACE(name);
    change_round(++round);
    fault(f);
    sync_both(name);
    expect_same(name);
    edit([](sim::Tenant& t) { t.clear_faults(); });
    ASSERT_EQ(sync_both(name + ", then a clean run"), 0) << m_output;
    expect_same(name + ", then a clean run");
  }
  EXPECT_GT(count("SELECT count(*) FROM sync_runs WHERE status = 'failed'"), 2) << "the failing scenarios failed";
}

INSTANTIATE_TEST_SUITE_P(Definitions, RestEquivalenceE2e, ::testing::Values("smartflo", "class4", "worksection"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// SCIM 2.0 through config/definitions/scim.yaml, with an identity provider's quirks:
// startIndex from 1, pages shorter than the count asked for, a personal e-mail listed
// before the primary one, totalResults that moves while paging.
class ScimE2e : public E2eTest {
 protected:
  sim::Tenant& provider(int users) {
    sim::TenantOptions options;
    options.name = "idp";
    options.vendor = "scim";
    options.users = users;
    options.seed = 4;
    auto& idp = m_sim.add_tenant(options);
    // 100 asked for, 50 a page served: the next page starts after what was received.
    write_config({{idp, {{"page_size", "100"}}}});
    return idp;
  }
  std::string external_id(const sim::Tenant& idp, std::int64_t id) {
    return sim::detail::scim_user_id(idp.options().seed, id);
  }
};

TEST_F(ScimE2e, SyncsEveryUserWithTheCoreAttributesAndThePrimaryEmail) {
  auto& idp = provider(120);
  const auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(idp.stats().listing_pages, 3u) << "startIndex 1, 51 and 101";
  const auto users = idp.users();
  ASSERT_EQ(count("SELECT count(*) FROM current_users WHERE source = 'idp'"), static_cast<std::int64_t>(users.size()));
  std::size_t personal_first = 0;
  for (const auto& u : users) {
    SCOPED_TRACE(u.id);
    const auto key = external_id(idp, u.id);
    const auto stored = rows("SELECT username, full_name, email, phone, role, user_group, active FROM users WHERE "
                             "source = 'idp' AND external_id = '" + key + "'");
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0], (std::vector<std::string>{or_null(u.username), or_null(u.full_name()), or_null(lower(u.email)),
                                                   or_null(u.phone), or_null(lower(u.role)), or_null(u.group),
                                                   u.active ? "1" : "0"}));
    const auto attributes = value("SELECT attributes FROM users WHERE external_id = '" + key + "'");
    if (attributes.find("\"type\":\"home\"") != std::string::npos) ++personal_first;
    EXPECT_EQ(attributes.find("\"schemas\""), std::string::npos) << "dropped by the definition";
  }
  EXPECT_GT(personal_first, 0u) << "some users list a personal address before the primary one";

  // A second run without changes changes nothing.
  const auto again = sync();
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_EQ(value("SELECT unchanged FROM sync_runs ORDER BY id DESC LIMIT 1"), std::to_string(users.size()));
}

TEST_F(ScimE2e, ATotalThatMovesWhileListingIsListedOnceMoreThenFailsWhenItKeepsMoving) {
  auto& idp = provider(120);
  ASSERT_EQ(sync().exit_code, 0);
  idp.set_fault(make_fault(FaultKind::shift_insert, 2, 1));
  const auto once = sync();
  ASSERT_EQ(once.exit_code, 0) << once.all();
  EXPECT_EQ(lines_with(once.err, "listing once more from the start").size(), 1u) << once.err;
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 121);

  const auto before = dump_data_tables();
  idp.set_fault(make_fault(FaultKind::shift_remove, 2));
  const auto failed = sync();
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_NE(failed.err.find("the total changed from"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("(the listing shifted on all 2 attempts)"), std::string::npos) << failed.err;
  EXPECT_SAME_DATA(before, dump_data_tables()) << "a failed run writes nothing";
}

TEST_F(ScimE2e, ARejectedTokenFailsTheRunNamingTheRequestAndNeverTheToken) {
  auto& idp = provider(10);
  const auto config = read_bytes(config_path());
  const auto token = idp.options().token;
  std::ofstream(config_path(), std::ios::trunc) << replace_first(config, token, token + "-wrong");
  const auto r = sync();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("idp: users: failed: GET " + idp.config_url() + "/Users startIndex=1 count=100: HTTP 401"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.all().find(token), std::string::npos) << "the token is never shown";
}

// What helps someone writing a definition: `check` locates each mistake in the
// definition's file; `check --connect` and `sync --dry-run` show the first users as the
// definition maps them, and which fields went to attributes.
TEST_F(ScimE2e, CheckAndDryRunShowHowTheDefinitionMapsTheFirstUsers) {
  auto& idp = provider(8);
  const auto first = idp.users().front();
  const auto shows_mapping = [&](const std::string& out) {
    EXPECT_NE(out.find("idp: the first 3 users as its definition maps them"), std::string::npos) << out;
    EXPECT_NE(out.find("  user " + external_id(idp, first.id) + "\n    username    " + first.username + "\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("    attributes  "), std::string::npos) << out;
    EXPECT_NE(out.find("meta"), std::string::npos) << out;
    EXPECT_EQ(out.find(idp.options().token), std::string::npos);
  };
  const auto check = run_rosterd({"check", "--connect", "--config", config_path()});
  EXPECT_EQ(check.exit_code, 0) << check.all();
  EXPECT_NE(check.out.find("idp                  connect ok"), std::string::npos) << check.out;
  shows_mapping(check.out);

  const auto dry = sync({"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.all();
  shows_mapping(dry.out);
  EXPECT_FALSE(std::filesystem::exists(db_path())) << "a dry run writes nothing";
}

TEST_F(ScimE2e, ADefinitionWithAMistakeIsRefusedAtItsLine) {
  auto& idp = provider(3);
  auto definition = read_bytes(shipped_definition("scim"));
  const auto at = definition.find("records: /Resources");
  ASSERT_NE(at, std::string::npos);
  definition.replace(at, std::string("records: /Resources").size(), "recods: /Resources");
  std::ofstream(m_dir.file("scim.yaml")) << definition;
  const auto line = 1 + std::count(definition.begin(), definition.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  const auto config = replace_first(read_bytes(config_path()), shipped_definition("scim"), m_dir.file("scim.yaml"));
  std::ofstream(config_path(), std::ios::trunc) << config;
  const auto check = run_rosterd({"check", "--config", config_path()});
  EXPECT_EQ(check.exit_code, 2) << check.all();
  EXPECT_NE(check.err.find(m_dir.file("scim.yaml") + ":" + std::to_string(line) +
                           ": recods: unknown key (did you mean \"records\"?)"),
            std::string::npos)
      << check.err;
  EXPECT_NE(check.err.find("records: is required"), std::string::npos) << check.err;
  static_cast<void>(idp);
}

}  // namespace
}  // namespace rosterd::testing
