// `rosterd sync --dry-run` must print exactly the changes the real run then writes:
// one line per changed record, every changed field of an update on its line, all of
// them however many. These tests parse the dry run's lines and compare them with the
// rows the real run wrote, for every vendor type and every kind of change.

#include <SQLiteCpp/Database.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <tuple>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

// One change as a line shows it and as the rows record it. Values in canonical JSON
// (text columns as JSON strings), so that spellings cannot differ.
struct FieldChange {
  std::string field, old_value, new_value;
  bool operator==(const FieldChange&) const = default;
};
struct ChangeRecord {
  std::string source, entity, key;
  std::optional<std::string> label;
  std::string kind;
  std::vector<FieldChange> fields;
  bool operator==(const ChangeRecord&) const = default;
};

std::ostream& operator<<(std::ostream& out, const ChangeRecord& c) {
  out << c.source << ": " << c.entity << " " << c.key << " (" << c.label.value_or("-") << ") " << c.kind;
  for (const auto& f : c.fields) out << " | " << f.field << " " << f.old_value << " -> " << f.new_value;
  return out;
}

bool is_json_field(const std::string& field) {
  return field == "active" || field == "portfolios" || field.rfind("attributes.", 0) == 0;
}

// A stored value as canonical JSON: "null", a JSON string for a text column.
std::string canonical_value(const std::string& field, const std::string& stored) {
  if (stored == "<null>") return "null";
  return canonical_json(is_json_field(field) ? stored : json_literal(stored));
}

// Reads one change line: `source: entity key[ (label)] kind[: field old -> new, ...]`.
class LineReader {
 public:
  explicit LineReader(std::string_view line) : m_line(line) {}

  ChangeRecord read() {
    ChangeRecord c;
    c.source = until(": ");
    c.entity = until(" ");
    c.key = word();
    if (take(" (")) {
      c.label = peek('"') ? decoded(json_token()) : until_char(')');
      if (c.label && peek(')')) ++m_pos;
    }
    expect(" ");
    c.kind = word_until_colon();
    if (take(": ")) {
      do {
        FieldChange f;
        f.field = until(" ");
        f.old_value = canonical_json(json_token());
        expect(" -> ");
        f.new_value = canonical_json(json_token());
        c.fields.push_back(std::move(f));
      } while (take(", "));
    }
    if (m_pos != m_line.size()) throw std::runtime_error("trailing text in: " + std::string(m_line));
    return c;
  }

 private:
  bool peek(char c) const { return m_pos < m_line.size() && m_line[m_pos] == c; }
  bool take(std::string_view text) {
    if (m_line.substr(m_pos, text.size()) != text) return false;
    m_pos += text.size();
    return true;
  }
  void expect(std::string_view text) {
    if (!take(text)) throw std::runtime_error("expected '" + std::string(text) + "' in: " + std::string(m_line));
  }
  std::string until(std::string_view end) {
    const auto at = m_line.find(end, m_pos);
    if (at == std::string_view::npos)
      throw std::runtime_error("no '" + std::string(end) + "' in: " + std::string(m_line));
    std::string out(m_line.substr(m_pos, at - m_pos));
    m_pos = at + end.size();
    return out;
  }
  std::string until_char(char end) {
    const auto at = m_line.find(end, m_pos);
    std::string out(m_line.substr(m_pos, at - m_pos));
    m_pos = at;
    return out;
  }
  std::string word() {
    const auto at = std::min(m_line.find(' ', m_pos), m_line.size());
    std::string out(m_line.substr(m_pos, at - m_pos));
    m_pos = at;
    return out;
  }
  std::string word_until_colon() {
    const auto at = std::min(m_line.find(':', m_pos), m_line.size());
    std::string out(m_line.substr(m_pos, at - m_pos));
    m_pos = at;
    return out;
  }
  // The extent of one JSON value: a string, an object or array, or a literal.
  std::string json_token() {
    const auto start = m_pos;
    int depth = 0;
    bool in_string = false;
    for (; m_pos < m_line.size(); ++m_pos) {
      const char c = m_line[m_pos];
      if (in_string) {
        if (c == '\\') {
          ++m_pos;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) {
            ++m_pos;
            break;
          }
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++m_pos;
          break;
        }
      } else if (depth == 0 && (c == ',' || c == ' ' || c == ')')) {
        break;
      }
    }
    return std::string(m_line.substr(start, m_pos - start));
  }
  static std::string decoded(const std::string& json_string) {
    simdjson::dom::parser parser;
    return std::string(parser.parse(simdjson::padded_string(json_string)).get_string().value());
  }

  std::string_view m_line;
  std::size_t m_pos = 0;
};

// The dry run's change lines (not its summary lines), read.
std::vector<ChangeRecord> read_lines(const std::string& out) {
  std::vector<ChangeRecord> records;
  for (const auto& line : split_lines(out)) {
    const auto colon = line.find(": ");
    const auto rest = colon == std::string::npos ? std::string() : line.substr(colon + 2);
    const bool change = rest.rfind("user ", 0) == 0 || rest.rfind("portfolio ", 0) == 0 ||
                        rest.rfind("profile ", 0) == 0 || rest.rfind("campaign ", 0) == 0;
    if (change) records.push_back(LineReader(line).read());
  }
  return records;
}

// What differs between two snapshots, in the order rosterd lists fields: the
// columns in snapshot order, then attributes by key, then portfolios.
std::vector<FieldChange> snapshot_diff(const std::string& before_json, const std::string& after_json) {
  simdjson::dom::parser p1, p2;
  const auto before = p1.parse(simdjson::padded_string(before_json)).get_object().value();
  const auto after = p2.parse(simdjson::padded_string(after_json)).get_object().value();
  std::vector<FieldChange> out;
  auto add = [&](const std::string& field, std::optional<simdjson::dom::element> b,
                 std::optional<simdjson::dom::element> a) {
    const auto bt = b ? canonical_json(*b) : "null";
    const auto at = a ? canonical_json(*a) : "null";
    if (bt != at) out.push_back({field, bt, at});
  };
  for (auto [key, value] : after) {
    if (key == "attributes" || key == "portfolios") continue;
    add(std::string(key), before[key].value(), value);
  }
  std::map<std::string, std::pair<std::optional<simdjson::dom::element>, std::optional<simdjson::dom::element>>> attrs;
  // Bound first: ranging over .value() of a temporary result would dangle.
  const simdjson::dom::object before_attributes = before["attributes"].get_object().value();
  const simdjson::dom::object after_attributes = after["attributes"].get_object().value();
  for (auto [key, value] : before_attributes) attrs[std::string(key)].first = value;
  for (auto [key, value] : after_attributes) attrs[std::string(key)].second = value;
  for (const auto& [key, pair] : attrs) add("attributes." + key, pair.first, pair.second);
  if (after["portfolios"].error() == simdjson::SUCCESS)
    add("portfolios", before["portfolios"].value(), after["portfolios"].value());
  return out;
}

class DryRunE2e : public EngineE2eTest {
 protected:
  // The changes the runs after `run_id` wrote, one record per changed record, in the
  // order written.
  std::vector<ChangeRecord> written_after(std::int64_t run_id) {
    const auto changes = rows(
        "SELECT c.run_id, c.source, c.entity, c.entity_key, c.change, coalesce(c.field, '<null>'), "
        "coalesce(c.old_value, '<null>'), coalesce(c.new_value, '<null>'), "
        "CASE c.entity WHEN 'user' THEN (SELECT username FROM user_versions v WHERE v.source = c.source AND "
        "  v.external_id = c.entity_key AND v.version = c.version) "
        "WHEN 'portfolio' THEN (SELECT name FROM portfolios WHERE source = c.source AND code = c.entity_key) "
        "WHEN 'profile' THEN (SELECT name FROM profiles WHERE source = c.source AND profile_id = c.entity_key) "
        "ELSE (SELECT name FROM campaigns WHERE source = c.source AND campaign_id = c.entity_key) END "
        "FROM " +
        changes_with_states("c") + " WHERE c.run_id > " + std::to_string(run_id) + " ORDER BY c.id");
    std::vector<ChangeRecord> out;
    std::string group;
    for (const auto& r : changes) {
      const auto this_group = r[0] + "/" + r[2] + "/" + r[3];
      if (this_group != group) {
        ChangeRecord c{r[1], r[2], r[3], r[8] == "<null>" ? std::nullopt : std::optional(r[8]), r[4], {}};
        if (r[4] == "restored") c.fields = snapshot_diff(removal_snapshot(r[1], r[2], r[3], r[0]), r[7]);
        out.push_back(std::move(c));
        group = this_group;
      }
      if (r[4] == "updated")
        out.back().fields.push_back({r[5], canonical_value(r[5], r[6]), canonical_value(r[5], r[7])});
    }
    return out;
  }
  // The snapshot the latest removal before `run` recorded.
  std::string removal_snapshot(const std::string& source, const std::string& entity, const std::string& key,
                               const std::string& run) {
    return value("SELECT old_value FROM " + changes_with_states() + " WHERE source = '" + source + "' AND entity = '" +
                 entity + "' AND entity_key = '" + key + "' AND change = 'removed' AND run_id < " + run +
                 " ORDER BY id DESC LIMIT 1");
  }
  std::int64_t last_run() { return count("SELECT coalesce(max(id), 0) FROM sync_runs"); }

  // Dry run, then the real run; the dry run's lines must be the real run's rows.
  void expect_dry_run_exact(std::size_t at_least) {
    const bool fresh = !database_exists();
    const auto file_before = database_bytes();
    const auto runs_before = fresh ? 0 : last_run();
    const auto dry = sync({"--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << dry.all();
    // Not a byte: no database created, no migration, not even a sync_runs row.
    if (fresh) {
      EXPECT_FALSE(database_exists());
    } else {
      EXPECT_TRUE(database_bytes() == file_before) << "the dry run wrote to the database or its WAL";
    }
    const auto printed = read_lines(dry.out);
    const auto real = sync();
    ASSERT_EQ(real.exit_code, 0) << real.all();
    const auto written = written_after(runs_before);
    ASSERT_GE(written.size(), at_least);
    EXPECT_EQ(printed.size(), written.size()) << dry.out;
    for (std::size_t i = 0; i < std::min(printed.size(), written.size()); ++i) {
      EXPECT_EQ(printed[i], written[i]) << "change " << i;
    }
    // Each summary line counts what the real run recorded.
    for (const auto& run : rows("SELECT source, dataset, fetched, added, updated, removed, restored, unchanged "
                                "FROM sync_runs WHERE id > " +
                                std::to_string(runs_before))) {
      EXPECT_TRUE(has_line(dry.out, {run[0] + ": " + run[1] + ": ok",
                                     "fetched " + run[2] + ", added " + run[3] + ", updated " + run[4] + ", removed " +
                                         run[5] + ", restored " + run[6] + ", unchanged " + run[7],
                                     "(dry run: nothing written)"}))
          << run[0] << " " << run[1] << "\n"
          << dry.out;
    }
  }
};

TEST_P(DryRunE2e, AFirstSyncPrintsEveryAdditionOfEveryVendor) {
  auto& dialer = add_tenant("dialer", "crocodial", 12, 1);
  auto& projects = add_tenant("projects", "worksection", 8, 2);
  auto& flo = add_tenant("flo", "smartflo", 9, 3);
  auto& sw = add_tenant("sw", "class4", 9, 4);
  write_config({{dialer}, {projects}, {flo, {{"page_size", "4"}}}, {sw, {{"page_size", "4"}}}});
  expect_dry_run_exact(38);
}

TEST_P(DryRunE2e, EveryKindOfChangePrintsExactlyWhatTheRealRunWrites) {
  sim::TenantOptions unusual;
  unusual.unusual_text = true;
  unusual.name = "flo";
  unusual.vendor = "smartflo";
  unusual.users = 14;
  unusual.seed = 21;
  auto& flo = m_sim.add_tenant(unusual);
  unusual.name = "sw";
  unusual.vendor = "class4";
  unusual.seed = 22;
  auto& sw = m_sim.add_tenant(unusual);
  auto& dialer = add_tenant("dialer", "crocodial", 14, 23);
  auto& projects = add_tenant("projects", "worksection", 10, 24);
  write_config({{dialer}, {projects}, {flo, {{"page_size", "5"}}}, {sw, {{"page_size", "5"}}}},
               "  max_remove_ratio: 1\n");
  ASSERT_EQ(sync().exit_code, 0);
  const auto d = dialer.users(), p = projects.users(), f = flo.users(), s = sw.users();
  sw.remove_user(s[2].id);
  sw.remove_user(s[3].id);
  flo.remove_user(f[2].id);
  ASSERT_EQ(sync().exit_code, 0);

  // Updates of every normalized field and of attributes, removals, restores (one
  // with changes made while removed), additions, and CrocoDial's named entities.
  dialer.update_user(d[1].id, [](SimUser& u) {
    u.username = "renamed \"quoted\" \\ name";
    u.active = !u.active;
    u.extension = "4711";
    u.role = "Admin";
    u.portfolios = {"AMI", "ZZZ"};
    u.extra_json["dialer"] = "7";
    u.extra_json["x_note"] = "\"line one\\nline two, with -> arrow\"";
  });
  dialer.update_user(d[2].id, [](SimUser& u) { u.extension = ""; });
  dialer.remove_user(d[3].id);
  dialer.add_user();
  auto portfolios = dialer.portfolios();
  portfolios[0].name = "Renamed (portfolio), \"quoted\"";
  portfolios.push_back({"NEW", "New portfolio"});
  portfolios.erase(portfolios.begin() + 1);
  dialer.set_portfolios(portfolios);
  projects.update_user(p[1].id, [](SimUser& u) {
    u.email = "Someone.Else@Example.com";
    u.group = "";
    u.first_name = "Zoë";
    u.phone = "+1 555 0199";
  });
  projects.update_user(p[2].id, [](SimUser& u) { u.role = "guest"; });
  flo.update_user(f[1].id, [](SimUser& u) {
    u.username = "not-an-address";
    u.extension = "";
    u.phone = "+919999999999";
  });
  flo.update_user(f[2].id, [](SimUser& u) { u.last_name = "Changed While Away"; });
  flo.restore_user(f[2].id);
  sw.update_user(s[1].id, [](SimUser& u) {
    u.first_name = "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85";
    u.email = "";
    u.group = "admin";
    u.extra_json["x_rate"] = "12.50";
  });
  sw.restore_user(s[2].id);
  sw.update_user(s[3].id, [](SimUser& u) { u.email = "back@example.com"; });
  sw.restore_user(s[3].id);
  for (int i = 0; i < 110; ++i) sw.add_user();  // more than the 100 lines a real run logs
  expect_dry_run_exact(120);
}

INSTANTIATE_TEST_SUITE_P(Engines, DryRunE2e, k_engines, engine_test_name);

using DryRunSqliteE2e = E2eTest;

TEST_F(DryRunSqliteE2e, ADatabaseAtAnOlderSchemaIsNotMigratedByADryRun) {
  auto& flo = add_tenant("flo", "smartflo", 5, 3);
  write_config({{flo}});
  ASSERT_EQ(sync().exit_code, 0);
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 1");
  }
  const auto before = database_bytes();
  const auto dry = sync({"--dry-run"});
  EXPECT_EQ(dry.exit_code, 1) << dry.all();
  EXPECT_NE(dry.err.find("schema version 1 is older"), std::string::npos) << dry.err;
  EXPECT_NE(dry.err.find("run `rosterd sync` once first"), std::string::npos) << dry.err;
  EXPECT_TRUE(database_bytes() == before);
}

}  // namespace
}  // namespace rosterd::testing
