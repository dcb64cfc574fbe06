// A configuration's problems as the real binary reports them: every problem of the
// file in one run (check, sync, run and a SIGHUP reload alike), one per line as
// `file:line: key: problem`; a tab in the indentation named as such; an interval
// below 30 s accepted with a warning.

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

class ConfigReportE2e : public E2eTest {
 protected:
  void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  // Three sources with four problems: a mistyped key in each of the first two, an
  // unknown type and a bad duration in the third.
  void write_broken_config(const std::string& path) {
    write_file(path,
               "database: roster.db\n"                    // 1
               "sources:\n"                               // 2
               "  - name: dialer\n"                       // 3
               "    type: crocodial\n"                    // 4
               "    url: http://127.0.0.1:1/x\n"          // 5
               "    user: u\n"                            // 6
               "    pasword: p\n"                         // 7
               "  - name: projects\n"                     // 8
               "    type: worksection\n"                  // 9
               "    url: http://127.0.0.1:1\n"            // 10
               "    apikey: k\n"                          // 11
               "  - name: switch\n"                       // 12
               "    type: clas4\n"                        // 13
               "    url: http://127.0.0.1:1\n"            // 14
               "    interval: 5x\n");                     // 15
  }
  std::vector<std::string> expected_problems(const std::string& path) {
    return {
        path + ":7: sources[0].pasword: unknown key for type crocodial (did you mean \"password\"?)",
        path + ":11: sources[1].apikey: unknown key for type worksection (did you mean \"api_key\"?)",
        path + ":13: sources[2].type: unknown type \"clas4\" (did you mean \"class4\"?) "
               "(known types: class4, crocodial, rest, smartflo, worksection)",
        path + ":15: sources[2].interval: \"5x\" is not a duration (use 30s, 5m, 1h or seconds)",
    };
  }
};

TEST_F(ConfigReportE2e, CheckSyncAndRunReportEveryProblemOnALineOfItsOwn) {
  const auto path = m_dir.file("broken.yaml");
  write_broken_config(path);
  std::vector<std::string> expected{"rosterd: " + path + " has 4 errors:"};
  for (const auto& line : expected_problems(path)) expected.push_back(line);

  for (const std::string command : {"check", "sync", "run"}) {
    const auto r = run_rosterd({command, "--config", path}, 30s);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_EQ(split_lines(r.err), expected) << command << ":\n" << r.err;
    EXPECT_EQ(r.out, "") << command;
  }
  EXPECT_FALSE(std::filesystem::exists(m_dir.file("roster.db"))) << "a refused configuration opens no database";
}

TEST_F(ConfigReportE2e, AReloadRejectsABrokenFileNamingEveryProblem) {
  auto& tenant = add_tenant("ws", "worksection", 3);
  write_config({{tenant}}, "  interval: 1h\n");
  RosterdProcess daemon({"run", "--config", config_path()});
  ASSERT_TRUE(eventually([&] { return !lines_with(daemon.err(), "ws: users: ok").empty(); }, 15s)) << daemon.err();

  write_broken_config(config_path());
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return !lines_with(daemon.err(), "reload rejected").empty(); }, 10s)) << daemon.err();
  const auto rejected = lines_with(daemon.err(), "reload rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].find("still running the previous configuration: " + config_path() + " has 4 errors:"),
            std::string::npos)
      << rejected[0];
  const auto lines = split_lines(daemon.err());
  for (const auto& problem : expected_problems(config_path())) {
    EXPECT_EQ(std::count(lines.begin(), lines.end(), problem), 1) << problem << "\nin:\n" << daemon.err();
  }
  EXPECT_FALSE(daemon.wait(0ms).has_value()) << "the daemon keeps running the previous configuration";
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(5s), std::optional<int>{0}) << daemon.err();
}

TEST_F(ConfigReportE2e, CheckReportsTheVendorSettingsOfEverySource) {
  // Valid YAML and keys; what each vendor needs is wrong in two sources.
  const auto path = m_dir.file("settings.yaml");
  write_file(path,
             "database: roster.db\n"
             "sources:\n"
             "  - {name: a, type: class4, url: 'http://127.0.0.1:1'}\n"
             "  - name: b\n"
             "    type: smartflo\n"
             "    url: http://127.0.0.1:1\n"
             "    token: ${env:ROSTERD_TEST_TOKEN}\n"
             "    page_size: 0\n");
  const auto r = run_rosterd({"check", "--config", path}, 30s, {{"ROSTERD_TEST_TOKEN", "a-token-value"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(split_lines(r.err), (std::vector<std::string>{
                                    "rosterd: " + path + " has 2 errors:",
                                    path + ":3: sources[0]: type class4 needs token, or user and password",
                                    path + ":8: sources[1].page_size: \"0\" is out of range (1..1000)",
                                }))
      << r.err;
}

TEST_F(ConfigReportE2e, ATabInTheIndentationIsNamedWithItsLine) {
  const auto path = m_dir.file("tabbed.yaml");
  write_file(path, "database: roster.db\nsources:\n  - name: a\n\t  type: class4\n");
  const auto r = run_rosterd({"check", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rosterd: " + path + ":4: tabs are not allowed for indentation in YAML; indent this line with spaces\n");
}

TEST_F(ConfigReportE2e, AnIntervalBelowThirtySecondsIsAcceptedWithAWarningThatSaysWhy) {
  auto& tenant = add_tenant("ws", "worksection", 3);
  auto& other = add_tenant("sw", "class4", 3);
  write_config({{tenant}, {other, {{"interval", "20s"}}}}, "  interval: 10s\n");
  const auto check = run_rosterd({"check", "--config", config_path()});
  ASSERT_EQ(check.exit_code, 0) << check.all();
  const auto warnings = lines_with(check.err, "is below 30s");
  ASSERT_EQ(warnings.size(), 2u) << "the default and the source that sets its own:\n" << check.err;
  EXPECT_NE(warnings[0].find(config_path() + ":4: defaults.interval: 10s is below 30s: accepted, but vendors "
                                             "rate-limit their APIs"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("sources[1].interval: 20s is below 30s"), std::string::npos) << warnings[1];
  for (const auto& warning : warnings) EXPECT_NE(warning.find("HTTP 429"), std::string::npos) << warning;
  EXPECT_TRUE(has_line(check.out, {"ws", "every 10s"})) << check.out;
  EXPECT_TRUE(has_line(check.out, {"sw", "every 20s"})) << check.out;

  const auto r = sync();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(lines_with(r.err, "is below 30s").size(), 2u) << r.err;
}

}  // namespace
}  // namespace rosterd::testing
