// Provable history: rounds of vendor changes (adds, updates of every normalized field
// and of attributes, removals, restores) across the four vendor types, a real
// `rosterd sync` after each, and then, for every round:
//  (a) `rosterd users --as-of <round time>` is exactly that round's vendor listing,
//      normalized as computed independently from the simulator's users;
//  (b) no user ever has more than one open version, and versions chain without gaps;
//  (c) replaying `changes` from empty, reading each whole-record state (added,
//      restored, removed) from the user version the row names, reproduces the `users`
//      table exactly.
// The changes are random (history_changes.hpp), except that a coverage schedule makes
// every kind of change happen in every run, so that the coverage check at the end can
// neither fail nor pass by luck.
//
// ctest runs fixed seeds (FixedSeeds/...). Random seeds are the soak, which ctest leaves
// out (tests/e2e/CMakeLists.txt): `cmake --build build --target history_soak`, or
//   build/tests/e2e/history_property_test --gtest_filter='HistorySoak.*' --gtest_repeat=20
// Each run prints its seed; ROSTERD_SEED=<seed> (with the same ROSTERD_HISTORY_ROUNDS)
// replays it.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "audit_support.hpp"
#include "harness.hpp"
#include "history_changes.hpp"

namespace rosterd::testing {
namespace {

constexpr int k_fixed_seed_rounds = 100;
constexpr int k_soak_rounds = 200;
// 3678606507 once failed the coverage check (no round changed attributes.dialer) although
// the history was exact; with the coverage schedule it passes.
constexpr std::uint64_t k_fixed_seeds[] = {3678606507ULL, 1ULL, 20260301ULL};

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// A user as the changes replay and the users table both describe it: every column
// as canonical JSON, attributes per key.
struct Replayed {
  std::map<std::string, std::string> columns;  // username..user_group, active, portfolios
  std::map<std::string, std::string> attributes;
  std::string first_seen_at, updated_at, removed_at = "<null>";
  bool operator==(const Replayed&) const = default;
};

const std::vector<std::string> k_text_columns = {"username",  "full_name", "email",     "phone",
                                                 "extension", "role",      "user_group"};

Replayed from_snapshot(const std::string& snapshot) {
  simdjson::dom::parser parser;
  const auto doc = parser.parse(simdjson::padded_string(snapshot)).get_object().value();
  Replayed r;
  for (const auto& c : k_text_columns) r.columns[c] = canonical_json(doc[c].value());
  r.columns["active"] = canonical_json(doc["active"].value());
  r.columns["portfolios"] = canonical_json(doc["portfolios"].value());
  const simdjson::dom::object attributes = doc["attributes"].get_object().value();  // bound: no dangling range
  for (auto [key, value] : attributes) r.attributes[std::string(key)] = canonical_json(value);
  return r;
}

// The presence attributes each source keeps current but out of history (the source
// types' default volatile_fields).
const std::map<std::string, std::set<std::string>> k_volatile = {
    {"flo", {"agent.status"}}, {"sw", {"is_online", "last_login_time", "last_seen", "login_ip"}}};

std::map<std::string, std::string> attribute_map(const std::string& json) {
  simdjson::dom::parser parser;
  const simdjson::dom::object attributes = parser.parse(simdjson::padded_string(json)).get_object().value();
  std::map<std::string, std::string> out;
  for (auto [k, v] : attributes) out[std::string(k)] = canonical_json(v);
  return out;
}

// A source's stored attributes without its volatile ones: what history holds.
std::map<std::string, std::string> history_attributes(const std::string& source, const std::string& json) {
  auto out = attribute_map(json);
  if (const auto it = k_volatile.find(source); it != k_volatile.end()) {
    for (const auto& key : it->second) out.erase(key);
  }
  return out;
}

std::string column_json(const std::string& field, const std::string& stored) {
  if (stored == "<null>") return "null";
  return canonical_json(field == "active" || field == "portfolios" ? stored : json_literal(stored));
}

// The user rows of `changes` matching `where`, in the order written: id, changed_at,
class HistoryProperty : public E2eTest {
 protected:
  // source, entity_key, change, field, old_value, new_value ('<null>' for NULL), each
  // whole-record state (added, restored, removed) read from the version the row names.
  std::string user_change_rows(const std::string& where) const {
    return "SELECT id, changed_at, source, entity_key, change, field, old_value, new_value FROM " +
           changes_with_states() + " WHERE entity = 'user' AND " + where + " ORDER BY id";
  }

  // Runs `rounds` rounds of changes from `seed`, each synced, then checks (a), (b), (c)
  // and that every scheduled kind of change reached the changes log.
  void check_history(std::uint64_t seed, int rounds) {
    std::printf(
        "history property: seed %llu, %d rounds (replay: ROSTERD_SEED=%llu ROSTERD_HISTORY_ROUNDS=%d "
        "build/tests/e2e/history_property_test --gtest_filter='HistorySoak.*')\n",
        static_cast<unsigned long long>(seed), rounds, static_cast<unsigned long long>(seed), rounds);
    std::fflush(stdout);
    RecordProperty("seed", std::to_string(seed));
    SCOPED_TRACE("ROSTERD_SEED=" + std::to_string(seed));

    run_rounds(seed, rounds);
    if (HasFatalFailure()) return;
    check_rounds();
    check_versions();
    check_replay();
    check_coverage();
  }

  void run_rounds(std::uint64_t seed, int rounds) {
    m_sources = {{&add_tenant("dialer", "crocodial", 10, seed % 1000 + 1), "crocodial"},
                 {&add_tenant("projects", "worksection", 8, seed % 1000 + 2), "worksection"},
                 {&add_tenant("flo", "smartflo", 10, seed % 1000 + 3), "smartflo"},
                 {&add_tenant("sw", "class4", 10, seed % 1000 + 4), "class4"}};
    write_config({{*m_sources[0].tenant, {{"datasets", "[users]"}}},
                  {*m_sources[1].tenant},
                  {*m_sources[2].tenant, {{"page_size", "4"}}, true},
                  {*m_sources[3].tenant, {{"page_size", "4"}}, true}},
                 "  max_remove_ratio: 1\n");

    Edits edits(seed);
    RandomChanges random(edits);
    std::vector<CoverageSchedule> schedules(m_sources.begin(), m_sources.end());
    for (const auto& schedule : schedules) {
      ASSERT_LT(schedule.remaining(), static_cast<std::size_t>(rounds))
          << "ROSTERD_HISTORY_ROUNDS=" << rounds << " leaves no room for the coverage schedule";
    }
    for (int round = 0; round < rounds; ++round) {
      for (std::size_t i = 0; round > 0 && i < m_sources.size(); ++i) {
        // A phase is due at random, and surely once the rounds left are as many as its phases left.
        const auto rounds_left = static_cast<std::size_t>(rounds - round);
        const bool due = schedules[i].remaining() >= rounds_left || edits.pick(2) == 0;
        schedules[i].round(m_sources[i], edits, m_history.back().second, due);
        random.round(m_sources[i]);
      }
      const auto r = sync();
      ASSERT_EQ(r.exit_code, 0) << "round " << round << ":\n" << r.all();
      m_history.emplace_back(now_timestamp(), listing_now());
    }
    for (const auto& schedule : schedules) EXPECT_EQ(schedule.remaining(), 0u) << "the coverage schedule finished";
  }

  // The moment after each round's sync, and the listing then.
  [[nodiscard]] const std::vector<std::pair<std::string, Listing>>& rounds() const { return m_history; }

 private:
  Listing listing_now() const {
    Listing out;
    for (const auto& s : m_sources) out.merge(listing_of(s));
    return out;
  }

  // What `rosterd users --as-of` reports, in the terms of Expected (extras: the
  // attributes that `expected` names). Fails on a user listed twice.
  Listing reported_at(const std::string& at, const Listing& expected) {
    const auto r = run_rosterd({"users", "--as-of", at, "--format", "json", "--database", db_location()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser parser;
    Listing out;
    for (auto u : parser.parse(r.out).get_array()) {
      const std::pair key{text_or_null(u["source"]), text_or_null(u["external_id"])};
      Expected e;
      for (const char* c : {"username", "full_name", "email", "phone", "extension", "role", "user_group", "active"}) {
        e.columns.push_back(text_or_null(u[c]));
      }
      e.portfolios = canonical_json(u["portfolios"].value());
      if (const auto wanted = expected.find(key); wanted != expected.end()) {
        for (const auto& [name, json] : wanted->second.extras) {
          auto attribute = u["attributes"][name];
          e.extras[name] = attribute.error() == simdjson::SUCCESS ? canonical_json(attribute.value()) : "<missing>";
        }
      }
      EXPECT_TRUE(out.emplace(key, std::move(e)).second)
          << "(b) two versions of " << key.first << "/" << key.second << " at " << at;
    }
    return out;
  }

  // (a) and (b): every round's moment shows exactly that round's listing.
  void check_rounds() {
    for (std::size_t i = 0; i < m_history.size(); ++i) {
      const auto& [at, expected] = m_history[i];
      const auto reported = reported_at(at, expected);
      if (reported != expected) {
        std::string diff;
        for (const auto& [key, e] : expected) {
          const auto got = reported.find(key);
          if (got == reported.end())
            diff += "\n  missing " + key.first + "/" + key.second;
          else if (got->second != e)
            diff += "\n  differs " + key.first + "/" + key.second;
        }
        for (const auto& [key, e] : reported) {
          if (expected.count(key) == 0) diff += "\n  extra " + key.first + "/" + key.second;
        }
        ADD_FAILURE() << "(a) round " << i << " at " << at << ":" << diff;
        break;
      }
    }
  }

  // (b) Versions: one open per user, chained without gaps, the open one holding the row.
  void check_versions() {
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT 1 FROM user_versions WHERE valid_to IS NULL GROUP BY source, "
                    "external_id HAVING count(*) > 1) AS t"),
              0)
        << "(b) one open version per user";
    EXPECT_EQ(
        count("SELECT count(*) FROM users u WHERE (SELECT count(*) FROM user_versions v WHERE v.source = u.source "
              "AND v.external_id = u.external_id AND v.valid_to IS NULL AND v.version = u.version) <> 1"),
        0)
        << "(b) the open version is the one users names";
    EXPECT_EQ(
        count("SELECT count(*) FROM user_versions v WHERE (v.valid_to IS NOT NULL AND v.valid_to <= v.valid_from) "
              "OR (v.version > 1 AND NOT EXISTS (SELECT 1 FROM user_versions p WHERE p.source = v.source AND "
              "p.external_id = v.external_id AND p.version = v.version - 1 AND p.valid_to = v.valid_from)) "
              "OR (v.version = 1 AND v.op <> 'added')"),
        0)
        << "(b) versions 1, 2, 3, ... each ending where the next begins";
    EXPECT_EQ(count("SELECT count(*) FROM users u JOIN user_versions v ON v.source = u.source AND "
                    "v.external_id = u.external_id AND v.valid_to IS NULL WHERE NOT (" +
                    same("u.username", "v.username") + " AND " + same("u.full_name", "v.full_name") + " AND " +
                    same("u.email", "v.email") + " AND " + same("u.phone", "v.phone") + " AND " +
                    same("u.extension", "v.extension") + " AND " + same("u.role", "v.role") + " AND " +
                    same("u.user_group", "v.user_group") + " AND " + same("u.active", "v.active") + " AND " +
                    same("CAST(u.portfolios AS TEXT)", "CAST(v.portfolios AS TEXT)") +
                    " AND (u.removed_at IS NOT NULL) = (v.op = 'removed'))"),
              0)
        << "(b) the open version holds the users row";
    for (const auto& row : rows("SELECT u.source, u.external_id, u.attributes, v.attributes FROM users u JOIN "
                                "user_versions v ON v.source = u.source AND v.external_id = u.external_id AND "
                                "v.valid_to IS NULL")) {
      EXPECT_EQ(history_attributes(row[0], row[2]), history_attributes(row[0], row[3]))
          << "(b) the open version holds the users row's attributes but its volatile ones: " << row[0] << "/" << row[1];
      EXPECT_EQ(history_attributes(row[0], row[3]), attribute_map(row[3])) << "history holds no volatile field";
    }
  }

  // (c) Replaying the changes log from empty reproduces the users table.
  void check_replay() {
    std::map<std::pair<std::string, std::string>, Replayed> replay;
    std::string problems;
    for (const auto& c : rows(user_change_rows("TRUE"))) {
      const std::pair key{c[2], c[3]};
      const auto& kind = c[4];
      auto found = replay.find(key);
      const bool known = found != replay.end();
      const bool removed = known && found->second.removed_at != "<null>";
      if (kind == "added" || kind == "restored") {
        if ((kind == "added") == known || (kind == "restored" && !removed))
          problems += "\n  change " + c[0] + " " + kind;
        auto state = from_snapshot(c[7]);
        state.first_seen_at = known ? found->second.first_seen_at : c[1];
        state.updated_at = c[1];
        replay[key] = std::move(state);
      } else if (kind == "removed") {
        const auto last = from_snapshot(c[6]);
        if (!known || removed || last.columns != found->second.columns || last.attributes != found->second.attributes) {
          problems += "\n  change " + c[0] + ": removal of a state the log does not hold";
        }
        if (!known) continue;
        found->second.removed_at = found->second.updated_at = c[1];
      } else {
        if (!known || removed) {
          problems += "\n  change " + c[0] + ": update of an absent user";
          continue;
        }
        auto& state = found->second;
        const auto& field = c[5];
        const bool attribute = field.rfind("attributes.", 0) == 0;
        auto& slot_map = attribute ? state.attributes : state.columns;
        const auto slot = attribute ? field.substr(11) : field;
        const auto old_value =
            attribute ? (c[6] == "<null>" ? "<absent>" : canonical_json(c[6])) : column_json(field, c[6]);
        const auto current = slot_map.count(slot) != 0 ? slot_map[slot] : "<absent>";
        if (current != old_value)
          problems += "\n  change " + c[0] + ": " + field + " was " + current + ", not " + old_value;
        if (attribute && c[7] == "<null>") {
          slot_map.erase(slot);
        } else {
          slot_map[slot] = attribute ? canonical_json(c[7]) : column_json(field, c[7]);
        }
        state.updated_at = c[1];
      }
    }
    EXPECT_EQ(problems, "") << "(c) the log is consistent with itself";

    std::map<std::pair<std::string, std::string>, Replayed> table;
    for (const auto& u : rows("SELECT source, external_id, username, full_name, email, phone, extension, role, "
                              "user_group, active, attributes, portfolios, first_seen_at, updated_at, removed_at "
                              "FROM users")) {
      Replayed r;
      for (std::size_t i = 0; i < k_text_columns.size(); ++i)
        r.columns[k_text_columns[i]] = column_json(k_text_columns[i], u[2 + i]);
      r.columns["active"] = column_json("active", u[9]);
      r.columns["portfolios"] = column_json("portfolios", u[11]);
      r.attributes = history_attributes(u[0], u[10]);
      r.first_seen_at = u[12];
      r.updated_at = u[13];
      r.removed_at = u[14];
      table[{u[0], u[1]}] = std::move(r);
    }
    EXPECT_EQ(table.size(), replay.size());
    for (const auto& [key, state] : table) {
      const auto replayed = replay.find(key);
      if (replayed == replay.end() || !(replayed->second == state)) {
        ADD_FAILURE() << "(c) replaying changes does not give users' row " << key.first << "/" << key.second;
      }
    }
  }

  // Every kind of change the coverage schedule makes is in the changes log, for every
  // source: each column the vendor maps, portfolios, each attribute set, changed and
  // dropped, an addition after the first sync, a removal, a plain restore and a restore
  // of a user changed while away.
  void check_coverage() {
    const auto first_sync = m_history.front().first;
    for (const auto& s : m_sources) {
      SCOPED_TRACE(s.name());
      const auto where = "SELECT count(*) FROM changes WHERE entity = 'user' AND source = '" + s.name() + "' AND ";
      for (const auto column : mapped_columns(s.vendor)) {
        EXPECT_GT(count(where + "field = '" + k_columns[column] + "'"), 0) << k_columns[column];
      }
      if (s.vendor == "crocodial") {
        EXPECT_GT(count(where + "field = 'portfolios'"), 0) << "portfolios";
      }
      for (const auto& key : attribute_keys(s.vendor)) {
        const auto field = where + "field = 'attributes." + key + "' AND ";
        EXPECT_GT(count(field + "old_value IS NOT NULL AND new_value IS NOT NULL"), 0) << key << " changed";
        if (key == "dialer") continue;
        EXPECT_GT(count(field + "old_value IS NULL AND new_value IS NOT NULL"), 0) << key << " set";
        EXPECT_GT(count(field + "old_value IS NOT NULL AND new_value IS NULL"), 0) << key << " dropped";
      }
      EXPECT_GT(count(where + "change = 'added' AND changed_at > '" + first_sync + "'"), 0) << "added";
      EXPECT_GT(count(where + "change = 'removed'"), 0) << "removed";

      // Restores, told apart by whether the user came back as it left.
      std::map<std::string, Replayed> left;  // entity_key -> the state it was removed in
      int plain = 0, changed = 0;
      for (const auto& c :
           rows(user_change_rows("source = '" + s.name() + "' AND change IN ('removed', 'restored')"))) {
        if (c[4] == "removed") {
          left[c[3]] = from_snapshot(c[6]);
        } else if (const auto was = left.find(c[3]); was != left.end()) {
          const auto back = from_snapshot(c[7]);
          (back.columns == was->second.columns && back.attributes == was->second.attributes ? plain : changed) += 1;
        }
      }
      EXPECT_GT(plain, 0) << "restored as it left";
      EXPECT_GT(changed, 0) << "restored after a change while away";
    }
  }

  std::vector<Source> m_sources;
  std::vector<std::pair<std::string, Listing>> m_history;  // (round time, vendor listing)
};

// Each fixed seed on each engine: the same rounds give the same history in both.
class HistoryPropertyAtSeed : public HistoryProperty,
                              public ::testing::WithParamInterface<std::tuple<Engine, std::uint64_t>> {
 protected:
  HistoryPropertyAtSeed() { use_engine(std::get<0>(GetParam())); }
};

TEST_P(HistoryPropertyAtSeed, EveryRoundIsReconstructedExactlyFromHistory) {
  check_history(std::get<1>(GetParam()),
                static_cast<int>(env_number("ROSTERD_HISTORY_ROUNDS", k_fixed_seed_rounds)));
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, HistoryPropertyAtSeed,
                         ::testing::Combine(k_engines, ::testing::ValuesIn(k_fixed_seeds)),
                         [](const ::testing::TestParamInfo<std::tuple<Engine, std::uint64_t>>& param) {
                           return engine_name(std::get<0>(param.param)) + "_seed_" +
                                  std::to_string(std::get<1>(param.param));
                         });

// The soak: a random seed (or ROSTERD_SEED) each time, on SQLite, or on PostgreSQL with
// ROSTERD_SOAK_ENGINE=postgresql (the test server: ROSTERD_TEST_POSTGRES). Not part of
// ctest's run.
class HistorySoak : public HistoryProperty {
 protected:
  HistorySoak() {
    const char* engine = std::getenv("ROSTERD_SOAK_ENGINE");
    if (engine != nullptr && std::string_view(engine) == "postgresql") use_engine(Engine::postgresql);
  }
};

TEST_F(HistorySoak, RandomSeed) {
  std::random_device device;
  const auto random_seed = (std::uint64_t{device()} << 32) | device();
  check_history(env_number("ROSTERD_SEED", random_seed),
                static_cast<int>(env_number("ROSTERD_HISTORY_ROUNDS", k_soak_rounds)));
}

// rosterd migrate: a SQLite database with a randomized history copied into PostgreSQL
// answers every point-in-time query exactly as the file does.
class HistoryMigrate : public HistoryProperty {};

TEST_F(HistoryMigrate, ACopiedDatabaseAnswersEveryQueryAsTheFileDoes) {
  run_rounds(20260301ULL, 40);
  ASSERT_FALSE(HasFatalFailure());
  PgTestDatabase target;
  const auto migrated = run_rosterd({"migrate", "--config", config_path(), "--to", target.uri()});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.all();
  EXPECT_NE(migrated.out.find("user_versions"), std::string::npos) << migrated.out;

  const auto both = [&](std::vector<std::string> args) {
    auto on_file = args, on_server = args;
    on_file.insert(on_file.end(), {"--database", db_path()});
    on_server.insert(on_server.end(), {"--database", target.uri()});
    const auto file = run_rosterd(on_file), server = run_rosterd(on_server);
    EXPECT_EQ(file.exit_code, 0) << file.err;
    EXPECT_EQ(server.exit_code, 0) << server.err;
    EXPECT_EQ(file.out, server.out) << "rosterd " << args[0] << " differs";
  };
  for (const auto& [at, listing] : rounds()) both({"users", "--as-of", at, "--all", "--format", "json"});
  both({"users", "--all", "--format", "json"});
  both({"changes", "--since", "2000-01-01T00:00:00Z", "--limit", "0", "--json"});
  for (const auto& user : rows("SELECT source, external_id FROM users ORDER BY source, external_id")) {
    both({"history", user[1], "--source", user[0], "--match", "id", "--json"});
  }

  // Copying again is refused: the target holds data now, which migrate never replaces.
  const auto again = run_rosterd({"migrate", "--config", config_path(), "--to", target.uri()});
  EXPECT_EQ(again.exit_code, 1) << again.all();
  EXPECT_NE(again.err.find("holds rosterd data already"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace rosterd::testing
