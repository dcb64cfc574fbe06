// `rosterd demo` as a user meets it: it creates a new database and refuses any path
// that holds something already (the file, or a -wal, -shm or -journal beside it),
// leaving it byte for byte as it was; and its output, all on stdout, reads in order:
// round 1 as counts per source, rounds 2 and 3 as the changes rosterd recorded, then a
// recap whose every path exists once the demo has ended.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

namespace fs = std::filesystem;

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The files at `path` and beside it that SQLite would use: each one's name, size and a
// hash of its bytes (equal descriptions: the same bytes, short enough to print).
std::string database_files(const std::string& path) {
  std::string out;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (!fs::exists(fs::symlink_status(path + suffix))) continue;
    const auto bytes = read_bytes(path + suffix);
    out += fmt::format("{}{}: {} bytes, hash {:016x}\n", path, suffix, bytes.size(), std::hash<std::string>{}(bytes));
  }
  return out;
}

// The current directory for one test (each ctest test is its own process).
class InDirectory {
 public:
  explicit InDirectory(const fs::path& dir) : m_previous(fs::current_path()) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(m_previous); }
  InDirectory(const InDirectory&) = delete;
  InDirectory& operator=(const InDirectory&) = delete;

 private:
  fs::path m_previous;
};

class DemoE2e : public E2eTest {
 protected:
  // A refusal: exit status 2, nothing on stdout (nothing started), an error naming
  // `path` and the ways on.
  static void expect_refused(const ProcessResult& r, const std::string& path) {
    EXPECT_EQ(r.exit_code, 2) << r.all();
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("already exist"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--database PATH"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("remove it yourself"), std::string::npos) << r.err;
  }
};

TEST_F(DemoE2e, AnExistingTextFileIsLeftUnchanged) {
  const auto path = m_dir.file("notes.db");
  write_text(path, "my notes, not a database\n");
  const auto before = database_files(path);

  expect_refused(run_rosterd({"demo", "--database", path}), path);
  EXPECT_EQ(database_files(path), before);
}

TEST_F(DemoE2e, AnExistingRosterdDatabaseIsLeftUnchanged) {
  auto& tenant = add_tenant("acme", "class4", 12);
  write_config({{tenant}});
  ASSERT_EQ(sync().exit_code, 0);
  tenant.update_user(tenant.users().front().id, [](sim::SimUser& u) { u.role = "Admin"; });
  ASSERT_EQ(sync().exit_code, 0);        // a history worth keeping
  const auto data = dump_data_tables();  // a reader: before the bytes, since it may touch -shm
  const auto before = database_files(db_path());
  ASSERT_NE(before.find(db_path() + ": "), std::string::npos);

  expect_refused(run_rosterd({"demo", "--database", db_path()}), db_path());
  EXPECT_EQ(database_files(db_path()), before);
  EXPECT_SAME_DATA(data, dump_data_tables());
}

// On PostgreSQL the demo fills an empty database, and refuses one that holds rosterd data.
TEST_F(DemoE2e, FillsAnEmptyPostgresqlDatabaseAndRefusesOneWithData) {
  use_engine(Engine::postgresql);
  const auto demo = run_rosterd({"demo", "--database", db_location()});
  ASSERT_EQ(demo.exit_code, 0) << demo.all();
  EXPECT_NE(demo.out.find("Round 3: 1 restored"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("The database is " + db_location() + "; it stays when the demo ends."), std::string::npos)
      << demo.out;
  EXPECT_NE(demo.out.find("psql '" + db_location() + "'"), std::string::npos) << demo.out;
  EXPECT_EQ(count("SELECT count(DISTINCT source) FROM current_users"), 4);
  const auto data = dump_data_tables();

  const auto again = run_rosterd({"demo", "--database", db_location()});
  EXPECT_EQ(again.exit_code, 2) << again.all();
  EXPECT_EQ(again.out, "");
  EXPECT_NE(again.err.find("already holds a rosterd database"), std::string::npos) << again.err;
  EXPECT_SAME_DATA(data, dump_data_tables());
}

TEST_F(DemoE2e, AFileBesideThePathIsRefusedAndLeftUnchanged) {
  for (const std::string suffix : {"-wal", "-shm", "-journal"}) {
    SCOPED_TRACE(suffix);
    const auto path = m_dir.file("beside" + suffix + ".db");
    write_text(path + suffix, "left by another database\n");

    expect_refused(run_rosterd({"demo", "--database", path}), path + suffix);
    EXPECT_FALSE(fs::exists(fs::symlink_status(path))) << "the database was created";
    EXPECT_EQ(read_bytes(path + suffix), "left by another database\n");
  }
}

TEST_F(DemoE2e, ADanglingSymlinkIsRefusedAndNotFollowed) {
  const auto path = m_dir.file("link.db");
  const auto target = m_dir.file("elsewhere.db");
  fs::create_symlink(target, path);

  expect_refused(run_rosterd({"demo", "--database", path}), path);
  EXPECT_TRUE(fs::is_symlink(path));
  EXPECT_FALSE(fs::exists(target)) << "the demo wrote through the link";
}

TEST_F(DemoE2e, AnEarlierDemosDefaultDatabaseIsRefused) {
  InDirectory here(m_dir.path());
  const auto first = run_rosterd({"demo"});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  const auto path = m_dir.file("rosterd-demo.db");
  const auto before = database_files(path);
  ASSERT_NE(before.find(path + ": "), std::string::npos);

  const auto again = run_rosterd({"demo"});
  expect_refused(again, path);
  EXPECT_EQ(database_files(path), before);
}

TEST_F(DemoE2e, KeepIsGoneWithAnExplanation) {
  const auto path = m_dir.file("new.db");
  const auto r = run_rosterd({"demo", "--keep", "--database", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--keep is gone"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path));
}

// The runs of round `round` (0-based): each dataset's round-th run.
std::string runs_of_round(int round) {
  return "(SELECT r.id FROM sync_runs r WHERE (SELECT count(*) FROM sync_runs p WHERE p.source = r.source AND "
         "p.dataset = r.dataset AND p.id < r.id) = " +
         std::to_string(round) + ")";
}

// "1 added, 3 updated, 1 removed" for one round, from the database.
std::string totals(const std::vector<std::string>& sums) {
  std::string out;
  const char* words[] = {"added", "updated", "removed", "restored"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (sums[i] != "0") out += (out.empty() ? "" : ", ") + sums[i] + " " + words[i];
  }
  return out.empty() ? "no changes" : out;
}

TEST_F(DemoE2e, OutputReadsInOrderOnStdout) {
  const auto path = db_path();  // where count() and rows() look
  const auto r = run_rosterd({"demo", "--database", path});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.err, "") << "everything the demo says goes to stdout";

  // Sections, in order.
  std::vector<std::string> sections(5);  // preamble, round 1, 2, 3, recap
  std::size_t section = 0;
  for (const auto& line : split_lines(r.out)) {
    if (line.rfind("== ", 0) == 0) {
      ++section;
      ASSERT_LT(section, sections.size()) << line;
      const char* expected[] = {"", "== Round 1", "== Round 2", "== Round 3", "== Recap"};
      EXPECT_EQ(line.rfind(expected[section], 0), 0u) << line;
    }
    sections[section] += line + "\n";
  }
  ASSERT_EQ(section, 4u) << r.out;

  // Round 1: a line per source with the counts rosterd recorded, and no line per record.
  const auto first = rows("SELECT source, dataset, added FROM sync_runs WHERE id IN " + runs_of_round(0));
  ASSERT_EQ(first.size(), 7u);  // CrocoDial's four datasets, and users of the three others
  for (const auto& run : first) {
    EXPECT_TRUE(has_line(sections[1], {run[0], run[2] + " " + run[1]})) << run[0] << " " << run[1] << "\n"
                                                                        << sections[1];
  }
  EXPECT_EQ(lines_with(sections[1], ": user ").size(), 0u) << sections[1];
  const auto lines = split_lines(sections[1]);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const auto& line) { return !line.empty(); }), 5)
      << sections[1];

  // Rounds 2 and 3: a line for every change rosterd recorded in that round.
  for (std::size_t round = 1; round <= 2; ++round) {
    const auto changes = rows(
        "SELECT DISTINCT c.source, c.entity_key, c.change FROM changes c WHERE c.entity = "
        "'user' AND c.run_id IN " +
        runs_of_round(static_cast<int>(round)));
    ASSERT_FALSE(changes.empty()) << "round " << round + 1;
    for (const auto& c : changes) {
      EXPECT_TRUE(has_line(sections[round + 1], {c[0] + ": user " + c[1] + " ", c[2]}))
          << c[0] << " " << c[1] << " " << c[2] << "\n"
          << sections[round + 1];
    }
    EXPECT_EQ(lines_with(sections[round + 1], ": user ").size(), changes.size()) << sections[round + 1];
  }
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'restored' AND run_id IN " + runs_of_round(2)), 1);

  // The recap: each round's totals as recorded, the database, the commands to try.
  for (int round = 0; round <= 2; ++round) {
    const auto sums = rows("SELECT sum(added), sum(updated), sum(removed), sum(restored) FROM sync_runs WHERE id IN " +
                           runs_of_round(round))
                          .at(0);
    EXPECT_TRUE(has_line(sections[4], {"Round " + std::to_string(round + 1) + ": " + totals(sums)})) << sections[4];
  }
  EXPECT_NE(sections[4].find("The database is " + path), std::string::npos) << sections[4];
  EXPECT_TRUE(has_line(sections[4], {" changes --database " + path})) << sections[4];
  EXPECT_TRUE(has_line(sections[4], {"sqlite3 -readonly " + path, "current_users"})) << sections[4];

  // Every path printed is still there; the demo's temporary configuration is never shown.
  const std::regex absolute_path(R"((^|[\s'"(])(/[^\s'";,()]+))");
  int paths = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), absolute_path); it != std::sregex_iterator(); ++it) {
    auto printed = (*it)[2].str();
    while (!printed.empty() && printed.back() == '.') printed.pop_back();  // end of a sentence
    ++paths;
    EXPECT_TRUE(fs::exists(printed)) << "printed, but gone: " << printed;
  }
  EXPECT_GT(paths, 0);
  EXPECT_EQ(r.out.find("rosterd.yaml"), std::string::npos) << "the temporary configuration's path was printed";
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status <> 'ok'"), 0);
}

}  // namespace
}  // namespace rosterd::testing
