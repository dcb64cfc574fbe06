#pragma once
// The vendor changes of the history property test (history_property_test.cpp), and what
// rosterd must store for them:
//  - RandomChanges: adds, updates of every normalized field and of attributes, removals
//    and restores, drawn from the run's seed;
//  - CoverageSchedule: per source, every kind of change the test's coverage check names
//    (every normalized column the vendor maps, portfolios, each attribute set, changed
//    and dropped, an addition, a removal, a plain restore, a restore of a user changed
//    while away), each made at least once per run by construction: a change is repeated
//    until the expected listing differs from the last synced one, and random changes
//    leave the users it works on alone.
// Header-only: each e2e test file is its own executable.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {

inline constexpr std::size_t k_min_listed = 3;  // an empty listing is refused whatever the ratio

// Vendor text worth storing: quotes, backslashes, commas, RTL, combining marks, emoji.
inline const std::vector<std::string> k_names = {"Ann",
                                                 "Zo\xc3\xab",
                                                 "O'Neil \"Q\"",
                                                 "Back\\slash",
                                                 "a, b",
                                                 "\xe6\x9d\x8e \xe5\xb0\x8f",
                                                 "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85",
                                                 "Jos\xc3\xa9 \xf0\x9f\x98\x80",
                                                 "Dev  Two Spaces",
                                                 "Smith"};

// The normalized columns, in the order of expected_columns() (harness.hpp).
inline const std::vector<std::string> k_columns = {"username",  "full_name", "email",      "phone",
                                                   "extension", "role",      "user_group", "active"};

// The columns each vendor fills from its listing (README, "Where each normalized column
// comes from"); the others are NULL whatever the vendor serves.
inline std::vector<std::size_t> mapped_columns(const std::string& vendor) {
  if (vendor == "crocodial") return {0, 1, 4, 5, 7};
  if (vendor == "worksection") return {0, 1, 2, 3, 5, 6};
  if (vendor == "smartflo") return {0, 1, 2, 3, 4, 5, 7};
  if (vendor == "class4") return {0, 1, 2, 5, 6, 7};
  return {};
}

// Vendor attributes the changes set, change and drop; `dialer` (CrocoDial's permission
// flag, "0" or "1") only on CrocoDial, and never dropped.
inline std::vector<std::string> attribute_keys(const std::string& vendor) {
  std::vector<std::string> keys{"x_note", "x_level", "x_flags"};
  if (vendor == "crocodial") keys.emplace_back("dialer");
  return keys;
}

// One round's expectation of one user: the normalized columns, the portfolio set as
// JSON, and the attributes it was served with (key -> canonical JSON).
struct Expected {
  std::vector<std::string> columns;
  std::string portfolios;
  std::map<std::string, std::string> extras;
  bool operator==(const Expected&) const = default;
};
using UserKey = std::pair<std::string, std::string>;  // (source, external id)
using Listing = std::map<UserKey, Expected>;

inline std::string portfolios_json(const std::string& vendor, std::vector<std::string> codes) {
  if (vendor != "crocodial") return "null";
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::string out = "[";
  for (const auto& c : codes) out += (out.size() > 1 ? "," : "") + json_literal(c);
  return out + "]";
}

struct Source {
  sim::Tenant* tenant;
  std::string vendor;
  std::vector<std::int64_t> removed{};  // removed by random changes: candidates for a random restore
  std::set<std::int64_t> pinned{};      // users the coverage schedule works on: random changes skip them

  [[nodiscard]] std::string name() const { return tenant->options().name; }
  [[nodiscard]] UserKey key(std::int64_t id) const { return {name(), std::to_string(id)}; }
};

// What rosterd must store for `s`'s current vendor listing, computed from the simulator
// independently of rosterd's code.
inline Listing listing_of(const Source& s) {
  const auto phones = s.vendor == "worksection" ? worksection_phones(*s.tenant) : std::map<std::string, std::string>{};
  Listing out;
  for (const auto& u : s.tenant->users()) {
    Expected e{expected_columns(s.vendor, u, phones), canonical_json(portfolios_json(s.vendor, u.portfolios)), {}};
    for (const auto& [key, json] : u.extra_json) e.extras[key] = canonical_json(json);
    out[s.key(u.id)] = std::move(e);
  }
  return out;
}

// Random vendor edits, from one seeded generator.
class Edits {
 public:
  explicit Edits(std::uint64_t seed) : m_rng(seed) {}

  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(m_rng() % n); }
  template <class T>
  const T& any(const std::vector<T>& items) {
    return items[pick(items.size())];
  }

  // Edits 0..9 change one served field (0 username, 1 first name, 2 last name, 3 e-mail,
  // 4 phone, 5 extension, 6 role, 7 group, 8 active, 9 portfolios) to a random value,
  // which may be the one it had; 10 and up set or drop a random attribute.
  static constexpr std::size_t k_edit_kinds = 13;
  void edit(const std::string& vendor, sim::SimUser& u, std::size_t field) {
    switch (field) {
      case 0: {
        // The operands of + are unsequenced: each draw in a statement of its own, so that
        // every compiler makes the same edits from one seed.
        if (vendor == "smartflo" && pick(2) == 0) {
          u.username = "Agent." + number() + "@Flo.Example.com";
        } else {
          const auto n = number();
          u.username = "user." + n + any(k_names);
        }
        break;
      }
      case 1:
        u.first_name = any(k_names);
        break;
      case 2:
        u.last_name = pick(5) == 0 ? "" : any(k_names);
        break;
      case 3:
        u.email = vendor != "worksection" && pick(4) == 0 ? "" : "Person." + number() + "@Example.COM";
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
      default: {
        // Sets, changes or drops one served attribute (a present one is dropped half the time).
        const auto keys = attribute_keys(vendor);
        const auto& key = any(keys);
        if (key != "dialer" && u.extra_json.count(key) != 0 && pick(2) == 0) {
          u.extra_json.erase(key);
        } else {
          set_attribute(u, key);
        }
        break;
      }
    }
  }

  // The edits that can change `column` (an index into k_columns) for `vendor`.
  static std::vector<std::size_t> edits_of(const std::string& vendor, std::size_t column) {
    switch (column) {
      case 0:
        return {vendor == "worksection" ? std::size_t{3} : std::size_t{0}};
      case 1:
        return {1, 2};
      case 2:
        return {vendor == "smartflo" ? std::size_t{0} : std::size_t{3}};
      default:
        return {column + 1};  // phone 4, extension 5, role 6, group 7, active 8
    }
  }

  // Gives `key` a random value (maybe the one it had).
  void set_attribute(sim::SimUser& u, const std::string& key) {
    if (key == "dialer") {
      u.extra_json[key] = pick(2) == 0 ? "0" : "1";
    } else if (key == "x_level") {
      const auto whole = pick(5);
      u.extra_json[key] = std::to_string(whole) + (pick(2) == 0 ? ".5" : "");
    } else if (key == "x_flags") {
      u.extra_json[key] = pick(2) == 0 ? "[1,\"two\",{\"b\":null,\"a\":true}]" : "{\"z\":1,\"y\":[]}";
    } else {
      const auto& name = any(k_names);
      u.extra_json[key] = json_literal(name + "\n" + number());
    }
  }

 private:
  std::string number() { return std::to_string(1000 + pick(9000)); }

  std::string role(const std::string& vendor) {
    if (vendor == "crocodial") return any(std::vector<std::string>{"1", "7", "8", "9", "Admin"});
    if (vendor == "worksection") return any(std::vector<std::string>{"user", "Guest", "reader", "Team Admin"});
    if (vendor == "smartflo") return any(std::vector<std::string>{"Agent", "Supervisor", "Quality", "Admin"});
    if (vendor == "class4") return any(std::vector<std::string>{"Client", "Agent", "Admin", "QA Lead"});
    return "user";
  }

  std::mt19937_64 m_rng;
};

// Zero to two random changes per source and round; a pinned user is never touched.
class RandomChanges {
 public:
  explicit RandomChanges(Edits& edits) : m_edits(edits) {}

  void round(Source& s) {
    const auto ops = m_edits.pick(3);
    for (std::size_t i = 0; i < ops; ++i) one(s);
  }

 private:
  void one(Source& s) {
    std::vector<std::int64_t> listed;
    for (const auto& u : s.tenant->users()) {
      if (s.pinned.count(u.id) == 0) listed.push_back(u.id);
    }
    const auto all_listed = s.tenant->users().size();
    const auto roll = m_edits.pick(100);
    if (roll < 15 || listed.empty()) {
      const auto added = s.tenant->add_user();
      if (m_edits.pick(2) == 0) update(s, added.id);
    } else if (roll < 30 && all_listed > k_min_listed) {
      const auto id = m_edits.any(listed);
      s.tenant->remove_user(id);
      s.removed.push_back(id);
    } else if (roll < 45 && !s.removed.empty()) {
      const auto at = m_edits.pick(s.removed.size());
      if (m_edits.pick(3) == 0) update(s, s.removed[at]);  // changed while away
      s.tenant->restore_user(s.removed[at]);
      s.removed.erase(s.removed.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      update(s, m_edits.any(listed));
    }
  }

  // Changes one to three fields of a user, normalized or attribute.
  void update(Source& s, std::int64_t id) {
    const auto n = 1 + m_edits.pick(3);
    for (std::size_t i = 0; i < n; ++i) {
      const auto field = m_edits.pick(Edits::k_edit_kinds);
      s.tenant->update_user(id, [&](sim::SimUser& u) { m_edits.edit(s.vendor, u, field); });
    }
  }

  Edits& m_edits;
};

// One source's coverage schedule: a list of phases, at most one per round. A multi-phase
// step (an attribute set, changed, dropped and set again; a removal then a restore) keeps
// its user pinned from its first phase to the round after its last, so that what a phase
// relies on (the attribute is there, the user is removed) still holds when it runs.
class CoverageSchedule {
 public:
  explicit CoverageSchedule(const Source& s) {
    int step = 0;
    for (const auto column : mapped_columns(s.vendor)) m_phases.push_back({Action::change_column, ++step, column});
    if (s.vendor == "crocodial") m_phases.push_back({Action::change_portfolios, ++step});
    for (const auto& key : attribute_keys(s.vendor)) {
      ++step;
      m_phases.push_back({Action::change_attribute, step, 0, key});  // set, or changed
      m_phases.push_back({Action::change_attribute, step, 0, key});  // changed: old and new both present
      if (key == "dialer") continue;
      m_phases.push_back({Action::drop_attribute, step, 0, key});
      m_phases.push_back({Action::change_attribute, step, 0, key});  // set where it was absent
    }
    m_phases.push_back({Action::add_user, ++step});
    ++step;
    m_phases.push_back({Action::remove_user, step});
    m_phases.push_back({Action::restore_user, step});
    ++step;
    m_phases.push_back({Action::remove_user, step});
    m_phases.push_back({Action::change_and_restore_user, step});
  }

  [[nodiscard]] std::size_t remaining() const { return m_phases.size() - m_next; }

  // Runs before the round's random changes. Performs the next phase when `due` (the
  // caller makes it due once the rounds left are as many as the phases left), measured
  // against `synced`, the listing of the last sync.
  void round(Source& s, Edits& edits, const Listing& synced, bool due) {
    for (const auto id : m_release) s.pinned.erase(id);
    m_release.clear();
    if (!due || remaining() == 0) return;
    const auto& phase = m_phases[m_next++];
    if (phase.step != m_step) {
      m_step = phase.step;
      m_subject = phase.action == Action::add_user ? s.tenant->add_user().id : unpinned_listed_user(s, edits);
      m_removed_state.reset();
      s.pinned.insert(m_subject);
    }
    perform(phase, s, edits, synced);
    if (remaining() == 0 || m_phases[m_next].step != m_step) m_release.push_back(m_subject);
  }

 private:
  enum class Action {
    change_column,
    change_portfolios,
    change_attribute,
    drop_attribute,
    add_user,
    remove_user,
    restore_user,
    change_and_restore_user
  };
  struct Phase {
    Action action;
    int step;  // phases of one step share their user
    std::size_t column = 0;
    std::string key{};
  };
  static constexpr int k_max_tries = 200;

  // A random listed user. Listings never shrink below two users (random removals keep
  // k_min_listed, the schedule removes one user at a time), and the previous step's user
  // is released by now, so there is always one.
  static std::int64_t unpinned_listed_user(const Source& s, Edits& edits) {
    std::vector<std::int64_t> candidates;
    for (const auto& u : s.tenant->users()) {
      if (s.pinned.count(u.id) == 0) candidates.push_back(u.id);
    }
    if (candidates.empty()) {
      ADD_FAILURE() << s.name() << ": no user left for the coverage schedule";
      return s.tenant->add_user().id;
    }
    return edits.any(candidates);
  }

  // The expected state of the subject as the simulator serves it now.
  [[nodiscard]] std::optional<Expected> now(const Source& s) const {
    const auto listing = listing_of(s);
    const auto found = listing.find(s.key(m_subject));
    if (found == listing.end()) return std::nullopt;
    return found->second;
  }

  // Applies random edits of one kind until `changed(before, after)` holds.
  void edit_until(Source& s, Edits& edits, const std::vector<std::size_t>& kinds, const Expected& before,
                  const std::function<bool(const Expected&, const Expected&)>& changed, const std::string& what) {
    for (int i = 0; i < k_max_tries; ++i) {
      const auto kind = edits.any(kinds);
      s.tenant->update_user(m_subject, [&](sim::SimUser& u) { edits.edit(s.vendor, u, kind); });
      const auto after = now(s);
      if (after && changed(before, *after)) return;
    }
    ADD_FAILURE() << s.name() << ": the coverage schedule could not change " << what << " of user " << m_subject;
  }

  void set_attribute_until_changed(Source& s, Edits& edits, const std::string& key, const Expected& before) {
    const auto old_value = before.extras.count(key) != 0 ? before.extras.at(key) : "<absent>";
    for (int i = 0; i < k_max_tries; ++i) {
      s.tenant->update_user(m_subject, [&](sim::SimUser& u) { edits.set_attribute(u, key); });
      const auto after = now(s);
      if (after && after->extras.count(key) != 0 && after->extras.at(key) != old_value) return;
    }
    ADD_FAILURE() << s.name() << ": the coverage schedule could not change attribute " << key;
  }

  void perform(const Phase& phase, Source& s, Edits& edits, const Listing& synced) {
    const auto synced_state = synced.find(s.key(m_subject));
    const bool was_listed = synced_state != synced.end();
    if (phase.action != Action::add_user && phase.action != Action::restore_user &&
        phase.action != Action::change_and_restore_user && !was_listed) {
      ADD_FAILURE() << s.name() << ": the schedule's user " << m_subject << " was not listed at the last sync";
      return;
    }
    switch (phase.action) {
      case Action::change_column:
        edit_until(
            s, edits, Edits::edits_of(s.vendor, phase.column), synced_state->second,
            [&](const Expected& a, const Expected& b) { return a.columns[phase.column] != b.columns[phase.column]; },
            k_columns[phase.column]);
        break;
      case Action::change_portfolios:
        edit_until(
            s, edits, {9}, synced_state->second,
            [](const Expected& a, const Expected& b) { return a.portfolios != b.portfolios; }, "portfolios");
        break;
      case Action::change_attribute:
        set_attribute_until_changed(s, edits, phase.key, synced_state->second);
        break;
      case Action::drop_attribute:
        if (synced_state->second.extras.count(phase.key) == 0) {
          ADD_FAILURE() << s.name() << ": attribute " << phase.key << " to drop was not there";
        }
        s.tenant->update_user(m_subject, [&](sim::SimUser& u) { u.extra_json.erase(phase.key); });
        break;
      case Action::add_user:
        break;  // added when the step began
      case Action::remove_user:
        m_removed_state = synced_state->second;
        s.tenant->remove_user(m_subject);
        break;
      case Action::restore_user:
        s.tenant->restore_user(m_subject);
        break;
      case Action::change_and_restore_user: {
        // The same to rosterd as a change while away: it sees the user back, changed.
        s.tenant->restore_user(m_subject);
        std::vector<std::size_t> kinds;
        for (const auto column : mapped_columns(s.vendor)) {
          for (const auto kind : Edits::edits_of(s.vendor, column)) kinds.push_back(kind);
        }
        edit_until(
            s, edits, kinds, *m_removed_state,
            [](const Expected& a, const Expected& b) { return a.columns != b.columns; }, "a column while away");
        break;
      }
    }
  }

  std::vector<Phase> m_phases;
  std::size_t m_next = 0;
  int m_step = 0;
  std::int64_t m_subject = 0;
  std::optional<Expected> m_removed_state;  // the subject as last listed before its removal
  std::vector<std::int64_t> m_release;      // unpinned at the start of the next round
};

}  // namespace rosterd::testing
