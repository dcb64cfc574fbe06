// The command line as a user meets it: exit statuses (README, "Command line"), help, version,
// configuration errors naming file, line and key, `check`, and the log line cap.

#include <fstream>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

class CliE2e : public E2eTest {
 protected:
  void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
};

TEST_F(CliE2e, HelpAndVersionWorkEverywhere) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"}, {"sync", "--help"}, {"check", "--help"},
                                              {"demo", "--help"}}) {
    const auto r = run_rosterd(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("--config"), std::string::npos) << r.out;
  }
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--version"}, {"sync", "--version"}}) {
    const auto r = run_rosterd(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "rosterd " ROSTERD_VERSION "\n");
  }
}

TEST_F(CliE2e, UsageErrorsExitTwo) {
  EXPECT_EQ(run_rosterd({}).exit_code, 2);
  EXPECT_EQ(run_rosterd({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_rosterd({"sync", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(run_rosterd({"sync", "--config", m_dir.file("missing.yaml")}).exit_code, 2);
}

TEST_F(CliE2e, AConfigurationErrorNamesFileLineAndKey) {
  const auto path = m_dir.file("bad.yaml");
  write_text(path,
             "database: roster.db\n"
             "sources:\n"
             "  - name: acme\n"
             "    type: class4\n"
             "    url: http://127.0.0.1:1\n"
             "    token: abcdefgh\n"
             "    interval: 5x\n");
  const auto r = run_rosterd({"check", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":7: sources[0].interval"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("abcdefgh"), std::string::npos);

  write_text(path, "database: roster.db\nsources:\n  - name: acme\n    type: class4\n    url: http://127.0.0.1:1\n");
  const auto missing = run_rosterd({"sync", "--config", path});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("token"), std::string::npos) << "names the missing credential: " << missing.err;
}

TEST_F(CliE2e, UnknownSourceOrDatasetIsAUsageError) {
  auto& sw = add_tenant("sw", "class4", 3);
  write_config({{sw}});
  const auto source = sync({"--source", "nope"});
  EXPECT_EQ(source.exit_code, 2);
  EXPECT_NE(source.err.find("nope"), std::string::npos);
  EXPECT_EQ(sync({"--dataset", "portfolios"}).exit_code, 2) << "class4 has no portfolios";
  EXPECT_EQ(sync({"--dataset", "bogus"}).exit_code, 2);
}

TEST_F(CliE2e, CheckListsSourcesAndConnectAuthenticates) {
  auto& sw = add_tenant("sw", "class4", 3);
  auto& flo = add_tenant("flo", "smartflo", 3);
  write_config({{sw}, {flo}});
  const auto check = run_rosterd({"check", "--config", config_path()});
  EXPECT_EQ(check.exit_code, 0) << check.all();
  EXPECT_NE(check.out.find("sw"), std::string::npos);
  EXPECT_NE(check.out.find("class4"), std::string::npos);
  EXPECT_EQ(sw.stats().requests, 0u) << "check without --connect makes no request";

  const auto connect = run_rosterd({"check", "--connect", "--config", config_path()});
  EXPECT_EQ(connect.exit_code, 0) << connect.all();
  EXPECT_EQ(sw.stats().logins, 1u);
  EXPECT_EQ(flo.stats().logins, 1u);

  sim::Fault reject;
  reject.kind = sim::FaultKind::auth_failure;
  reject.endpoint = sim::Endpoint::login;
  sw.set_fault(reject);
  const auto refused = run_rosterd({"check", "--connect", "--config", config_path()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("sw"), std::string::npos);
  EXPECT_NE(refused.out.find("FAILED"), std::string::npos) << refused.out;
}

TEST_F(CliE2e, ABigRunLogsTheFirstHundredChangesAndCountsTheRest) {
  auto& ws = add_tenant("ws", "worksection", 150);
  write_config({{ws}});
  const auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(lines_with(r.err, "ws: user ").size(), 100u);
  EXPECT_EQ(lines_with(r.err, "... and 50 more changes").size(), 1u) << r.err;
  EXPECT_EQ(count("SELECT count(*) FROM changes"), 150) << "the table has them all";
}

}  // namespace
}  // namespace rosterd::testing
