// Provable history: hundreds of rounds of random vendor changes (adds, updates of
// every normalized field and of attributes, removals, restores) across the four
// vendor types, a real `rosterd sync` after each, and then, for every round:
//  (a) `rosterd users --as-of <round time>` is exactly that round's vendor listing,
//      normalized as computed independently from the simulator's users;
//  (b) no user ever has more than one open version, and versions chain without gaps;
//  (c) replaying `changes` from empty reproduces the `users` table exactly.
// The seed is printed; ROSTERD_SEED=<seed> replays a failure (ROSTERD_HISTORY_ROUNDS
// changes the number of rounds).

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;
using sim::Vendor;

constexpr int k_default_rounds = 200;
constexpr std::size_t k_min_listed = 3;  // an empty listing is refused whatever the ratio

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// Vendor text worth storing: quotes, backslashes, commas, RTL, combining marks, emoji.
const std::vector<std::string> k_names = {"Ann",
                                          "Zo\xc3\xab",
                                          "O'Neil \"Q\"",
                                          "Back\\slash",
                                          "a, b",
                                          "\xe6\x9d\x8e \xe5\xb0\x8f",
                                          "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85",
                                          "Jos\xc3\xa9 \xf0\x9f\x98\x80",
                                          "Dev  Two Spaces",
                                          "Smith"};

// One round's expectation of one user: the normalized columns, the portfolio set as
// JSON, and the attributes it was served with (key -> canonical JSON).
struct Expected {
  std::vector<std::string> columns;
  std::string portfolios;
  std::map<std::string, std::string> extras;
  bool operator==(const Expected&) const = default;
};
using Listing = std::map<std::pair<std::string, std::string>, Expected>;  // (source, id) -> expected

std::string portfolios_json(Vendor vendor, std::vector<std::string> codes) {
  if (vendor != Vendor::crocodial) return "null";
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::string out = "[";
  for (const auto& c : codes) out += (out.size() > 1 ? "," : "") + json_literal(c);
  return out + "]";
}

struct Source {
  sim::Tenant* tenant;
  Vendor vendor;
  std::vector<std::int64_t> removed;
};

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : m_rng(seed) {}

  void round(Source& s) {
    const auto ops = pick(3);
    for (std::size_t i = 0; i < ops; ++i) one(s);
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(m_rng() % n); }
  template <class T>
  const T& any(const std::vector<T>& items) {
    return items[pick(items.size())];
  }
  std::string number() { return std::to_string(1000 + pick(9000)); }

  void one(Source& s) {
    const auto listed = s.tenant->users();
    const auto roll = pick(100);
    if (roll < 15) {
      const auto added = s.tenant->add_user();
      if (pick(2) == 0) update(s, added.id);
    } else if (roll < 30 && listed.size() > k_min_listed) {
      const auto id = any(listed).id;
      s.tenant->remove_user(id);
      s.removed.push_back(id);
    } else if (roll < 45 && !s.removed.empty()) {
      const auto at = pick(s.removed.size());
      if (pick(3) == 0) update(s, s.removed[at]);  // changed while away
      s.tenant->restore_user(s.removed[at]);
      s.removed.erase(s.removed.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      update(s, any(listed).id);
    }
  }

  // Changes one to three fields of a user, normalized or attribute.
  void update(Source& s, std::int64_t id) {
    const auto n = 1 + pick(3);
    for (std::size_t i = 0; i < n; ++i) {
      const auto field = pick(13);  // 10 and up: an attribute
      s.tenant->update_user(id, [&](SimUser& u) { edit(s.vendor, u, field); });
    }
  }

  void edit(Vendor vendor, SimUser& u, std::size_t field) {
    switch (field) {
      case 0:
        u.username = vendor == Vendor::smartflo && pick(2) == 0 ? "Agent." + number() + "@Flo.Example.com"
                                                                : "user." + number() + any(k_names);
        break;
      case 1:
        u.first_name = any(k_names);
        break;
      case 2:
        u.last_name = pick(5) == 0 ? "" : any(k_names);
        break;
      case 3:
        u.email = vendor != Vendor::worksection && pick(4) == 0 ? "" : "Person." + number() + "@Example.COM";
        break;
      case 4:
        u.phone = any(std::vector<std::string>{"", "+91 98765 43210", "5550100", "+1-555-0199"});
        break;
      case 5:
        u.extension = any(std::vector<std::string>{"", "1001", "2345", "ext-7"});
        break;
      case 6:
        u.role = role(vendor);
        break;
      case 7:
        u.group = any(std::vector<std::string>{"", "Sales", "QA Team", "admin", "client"});
        break;
      case 8:
        u.active = !u.active;
        break;
      case 9:
        u.portfolios.clear();
        for (const char* code : {"AMI", "IST", "PTR", "BNK", "TEL", "INS", "ZZZ"}) {
          if (pick(3) == 0) u.portfolios.emplace_back(code);
        }
        break;
      default:
        attribute(vendor, u);
        break;
    }
  }

  std::string role(Vendor vendor) {
    switch (vendor) {
      case Vendor::crocodial:
        return any(std::vector<std::string>{"1", "7", "8", "9", "Admin"});
      case Vendor::worksection:
        return any(std::vector<std::string>{"user", "Guest", "reader", "Team Admin"});
      case Vendor::smartflo:
        return any(std::vector<std::string>{"Agent", "Supervisor", "Quality", "Admin"});
      case Vendor::class4:
        return any(std::vector<std::string>{"Client", "Agent", "Admin", "QA Lead"});
    }
    return "user";
  }

  // Sets, changes or drops one served attribute (a present one is dropped half the time).
  void attribute(Vendor vendor, SimUser& u) {
    const std::vector<std::string> keys{"x_note", "x_level", "x_flags", "dialer"};
    const auto& key = keys[pick(vendor == Vendor::crocodial ? 4 : 3)];
    if (key != "dialer" && u.extra_json.count(key) != 0 && pick(2) == 0) {
      u.extra_json.erase(key);
    } else if (key == "dialer") {
      u.extra_json[key] = pick(2) == 0 ? "0" : "1";  // CrocoDial's permission flag
    } else if (key == "x_level") {
      u.extra_json[key] = std::to_string(pick(5)) + (pick(2) == 0 ? ".5" : "");
    } else if (key == "x_flags") {
      u.extra_json[key] = pick(2) == 0 ? "[1,\"two\",{\"b\":null,\"a\":true}]" : "{\"z\":1,\"y\":[]}";
    } else {
      u.extra_json[key] = json_literal(any(k_names) + "\n" + number());
    }
  }

  std::mt19937_64 m_rng;
};

class HistoryProperty : public E2eTest {
 protected:
  Listing listing_now(const std::vector<Source>& sources) {
    Listing out;
    for (const auto& s : sources) {
      const auto phones =
          s.vendor == Vendor::worksection ? worksection_phones(*s.tenant) : std::map<std::string, std::string>{};
      for (const auto& u : s.tenant->users()) {
        Expected e{expected_columns(s.vendor, u, phones), canonical_json(portfolios_json(s.vendor, u.portfolios)), {}};
        for (const auto& [key, json] : u.extra_json) e.extras[key] = canonical_json(json);
        out[{s.tenant->options().name, std::to_string(u.id)}] = std::move(e);
      }
    }
    return out;
  }

  // What `rosterd users --as-of` reports, in the terms of Expected (extras: the
  // attributes that `expected` names). Fails on a user listed twice.
  Listing reported_at(const std::string& at, const Listing& expected) {
    const auto r = run_rosterd({"users", "--as-of", at, "--format", "json", "--database", db_path()});
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
};

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

TEST_F(HistoryProperty, EveryRoundIsReconstructedExactlyFromHistory) {
  const auto seed = env_number("ROSTERD_SEED", std::random_device{}());
  const auto rounds = static_cast<int>(env_number("ROSTERD_HISTORY_ROUNDS", k_default_rounds));
  std::printf("history property: seed %llu, %d rounds (ROSTERD_SEED=%llu replays it)\n",
              static_cast<unsigned long long>(seed), rounds, static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("ROSTERD_SEED=" + std::to_string(seed));

  std::vector<Source> sources{
      {&add_tenant("dialer", Vendor::crocodial, 10, seed % 1000 + 1), Vendor::crocodial, {}},
      {&add_tenant("projects", Vendor::worksection, 8, seed % 1000 + 2), Vendor::worksection, {}},
      {&add_tenant("flo", Vendor::smartflo, 10, seed % 1000 + 3), Vendor::smartflo, {}},
      {&add_tenant("sw", Vendor::class4, 10, seed % 1000 + 4), Vendor::class4, {}}};
  write_config({{*sources[0].tenant, {{"datasets", "[users]"}}},
                {*sources[1].tenant},
                {*sources[2].tenant, {{"page_size", "4"}}, true},
                {*sources[3].tenant, {{"page_size", "4"}}, true}},
               "  max_remove_ratio: 1\n");

  Mutator mutator(seed);
  std::vector<std::pair<std::string, Listing>> history;  // (round time, vendor listing)
  for (int round = 0; round < rounds; ++round) {
    if (round > 0) {
      for (auto& s : sources) mutator.round(s);
    }
    const auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << "round " << round << ":\n" << r.all();
    history.emplace_back(now_timestamp(), listing_now(sources));
  }

  // (a) and (b): every round's moment shows exactly that round's listing.
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& [at, expected] = history[i];
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
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT 1 FROM user_versions WHERE valid_to IS NULL GROUP BY source, "
                  "external_id HAVING count(*) > 1)"),
            0)
      << "(b) one open version per user";
  EXPECT_EQ(count("SELECT count(*) FROM users u WHERE (SELECT count(*) FROM user_versions v WHERE v.source = u.source "
                  "AND v.external_id = u.external_id AND v.valid_to IS NULL AND v.version = u.version) <> 1"),
            0)
      << "(b) the open version is the one users names";
  EXPECT_EQ(count("SELECT count(*) FROM user_versions v WHERE (v.valid_to IS NOT NULL AND v.valid_to <= v.valid_from) "
                  "OR (v.version > 1 AND NOT EXISTS (SELECT 1 FROM user_versions p WHERE p.source = v.source AND "
                  "p.external_id = v.external_id AND p.version = v.version - 1 AND p.valid_to = v.valid_from)) "
                  "OR (v.version = 1 AND v.op <> 'added')"),
            0)
      << "(b) versions 1, 2, 3, ... each ending where the next begins";
  EXPECT_EQ(count("SELECT count(*) FROM users u JOIN user_versions v ON v.source = u.source AND "
                  "v.external_id = u.external_id AND v.valid_to IS NULL WHERE NOT (u.username IS v.username AND "
                  "u.full_name IS v.full_name AND u.email IS v.email AND u.phone IS v.phone AND u.extension IS "
                  "v.extension AND u.role IS v.role AND u.user_group IS v.user_group AND u.active IS v.active AND "
                  "u.portfolios IS v.portfolios AND (u.removed_at IS NOT NULL) = (v.op = 'removed'))"),
            0)
      << "(b) the open version holds the users row";
  for (const auto& row : rows("SELECT u.source, u.external_id, u.attributes, v.attributes FROM users u JOIN "
                              "user_versions v ON v.source = u.source AND v.external_id = u.external_id AND "
                              "v.valid_to IS NULL")) {
    EXPECT_EQ(history_attributes(row[0], row[2]), history_attributes(row[0], row[3]))
        << "(b) the open version holds the users row's attributes but its volatile ones: " << row[0] << "/" << row[1];
    EXPECT_EQ(history_attributes(row[0], row[3]), attribute_map(row[3])) << "history holds no volatile field";
  }

  // (c) Replaying the changes log from empty reproduces the users table.
  std::map<std::pair<std::string, std::string>, Replayed> replay;
  std::string problems;
  for (const auto& c : rows("SELECT id, changed_at, source, entity_key, change, coalesce(field, '<null>'), "
                            "coalesce(old_value, '<null>'), coalesce(new_value, '<null>') FROM changes "
                            "WHERE entity = 'user' ORDER BY id")) {
    const std::pair key{c[2], c[3]};
    const auto& kind = c[4];
    auto found = replay.find(key);
    const bool known = found != replay.end();
    const bool removed = known && found->second.removed_at != "<null>";
    if (kind == "added" || kind == "restored") {
      if ((kind == "added") == known || (kind == "restored" && !removed)) problems += "\n  change " + c[0] + " " + kind;
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
                            "user_group, coalesce(active, '<null>'), attributes, coalesce(portfolios, '<null>'), "
                            "first_seen_at, updated_at, coalesce(removed_at, '<null>') FROM users")) {
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
  // The rounds exercised what they claim to.
  EXPECT_GE(count("SELECT count(*) FROM changes WHERE change = 'restored'"), rounds / 20) << "the rounds did restore";
  if (rounds >= 100) {
    for (const char* field : {"username", "full_name", "email", "phone", "extension", "role", "user_group", "active",
                              "portfolios", "attributes.dialer", "attributes.x_note", "attributes.x_flags"}) {
      EXPECT_GT(count(std::string("SELECT count(*) FROM changes WHERE field = '") + field + "'"), 0) << field;
    }
    EXPECT_GT(count("SELECT count(*) FROM changes WHERE field LIKE 'attributes.x_%' AND new_value IS NULL"), 0)
        << "attributes dropped";
    EXPECT_GT(count("SELECT count(*) FROM changes WHERE field LIKE 'attributes.x_%' AND old_value IS NOT NULL AND "
                    "new_value IS NOT NULL"),
              0)
        << "attributes changed";
  }
  EXPECT_GE(count("SELECT count(*) FROM changes WHERE field LIKE 'attributes.%'"), rounds / 10);
}

}  // namespace
}  // namespace rosterd::testing
