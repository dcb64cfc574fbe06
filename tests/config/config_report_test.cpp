// One reading reports every problem it can find without guessing, in file order; a
// tab in the indentation is named as such; intervals below 30 s are warned about.

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

const std::string k_report_head = "database: db\nsources:\n";

class ConfigReportTest : public ConfigTest {
 protected:
  // The texts of the problems that parsing throws, or {"<no error>"}.
  std::vector<std::string> problems_of(const std::string& yaml) {
    try {
      (void)parse(yaml);
    } catch (const ConfigError& error) {
      std::vector<std::string> texts;
      for (const auto& problem : error.problems()) texts.push_back(problem.text());
      return texts;
    }
    return {"<no error>"};
  }
};

TEST_F(ConfigReportTest, ThreeBadKeysInThreeSourcesAreReportedTogether) {
  const std::string yaml = k_report_head +
                           "  - name: a\n    type: crocodial\n    url: https://a.example\n    pasword: x\n"
                           "  - name: b\n    type: worksection\n    url: https://b.example\n    apikey: x\n"
                           "  - name: c\n    type: smartflo\n    url: https://c.example\n    page_sise: 5\n";
  const std::vector<std::string> expected = {
      at(6, "sources[0].pasword: unknown key for type crocodial (did you mean \"password\"?)"),
      at(10, "sources[1].apikey: unknown key for type worksection (did you mean \"api_key\"?)"),
      at(14, "sources[2].page_sise: unknown key for type smartflo (did you mean \"page_size\"?)"),
  };
  EXPECT_EQ(problems_of(yaml), expected);
  EXPECT_EQ(error_of(yaml),
            config_path() + " has 3 errors:\n" + expected[0] + "\n" + expected[1] + "\n" + expected[2]);
}

TEST_F(ConfigReportTest, ABadDurationAndAnUnknownTypeAreBothReported) {
  EXPECT_EQ(problems_of(k_report_head + "  - name: a\n    type: crocodile\n    url: https://a.example\n"
                                 "  - name: b\n    type: worksection\n    url: https://b.example\n    interval: 5x\n"),
            (std::vector<std::string>{
                at(4, "sources[0].type: unknown type \"crocodile\" (did you mean \"crocodial\"?) "
                      "(known types: crocodial, smartflo, worksection)"),
                at(9, "sources[1].interval: \"5x\" is not a duration (use 30s, 5m, 1h or seconds)"),
            }));
}

TEST_F(ConfigReportTest, ASourceOfUnknownTypeHasOnlyItsSharedKeysJudged) {
  // Whether `pasword` or `datasets: [portfolios]` is wrong depends on the type: not
  // judged. `interval` means the same for every type: judged.
  EXPECT_EQ(problems_of(k_report_head + "  - name: a\n    type: crocodail\n    url: https://a.example\n"
                                 "    pasword: x\n    datasets: [portfolios]\n    interval: 5x\n"),
            (std::vector<std::string>{
                at(4, "sources[0].type: unknown type \"crocodail\" (did you mean \"crocodial\"?) "
                      "(known types: crocodial, smartflo, worksection)"),
                at(8, "sources[0].interval: \"5x\" is not a duration (use 30s, 5m, 1h or seconds)"),
            }));
}

TEST_F(ConfigReportTest, EveryIdentityKeyOfASourceIsCheckedOnItsOwn) {
  EXPECT_EQ(problems_of(k_report_head + "  - name: Acme\n    type: crocodial\n    url: ftp://a.example\n"
                                 "  - type: nope\n    url: https://b.example\n"),
            (std::vector<std::string>{
                at(3, "sources[0].name: \"Acme\" is not a valid name (use lower-case letters, digits, '_' and '-')"),
                at(5, "sources[0].url: \"ftp://a.example\" must start with http:// or https://"),
                at(6, "sources[1].name: is required"),
                at(6, "sources[1].type: unknown type \"nope\" (known types: crocodial, smartflo, worksection)"),
            }));
}

TEST_F(ConfigReportTest, ASourceWithProblemsStillCountsForDuplicateNames) {
  EXPECT_EQ(problems_of(k_report_head + "  - name: a\n    type: crocodial\n    url: https://a.example\n    retries: 99\n"
                                 "  - name: a\n    type: worksection\n    url: https://b.example\n"),
            (std::vector<std::string>{
                at(6, "sources[0].retries: \"99\" is out of range (0..20)"),
                at(7, "sources[1].name: \"a\" is already the name of sources[0] (line 3)"),
            }));
}

TEST_F(ConfigReportTest, ProblemsAtTheTopInDefaultsAndInSourcesComeInFileOrder) {
  EXPECT_EQ(problems_of("sorces: []\nlog_level: loud\nlog_level: debug\ndefaults:\n  timeout: never\n  retries: 2\n"
                        "sources:\n  - acme\n  - name: b\n    type: worksection\n    url: https://b.example\n"
                        "    timeout: 0s\n"),
            (std::vector<std::string>{
                config_path() + ": database: is required (the SQLite file rosterd writes, or a postgresql:// URI)",
                at(1, "sorces: unknown key (did you mean \"sources\"?)"),
                at(2, "log_level: \"loud\" is not a log level (trace, debug, info, warn or error)"),
                at(3, "log_level: duplicate key (first given at line 2)"),
                at(5, "defaults.timeout: \"never\" is not a duration (use 30s, 5m, 1h or seconds)"),
                at(8, "sources[0]: expected a map of keys, got a string"),
                at(12, "sources[1].timeout: \"0s\" must be greater than 0"),
            }));
}

TEST_F(ConfigReportTest, ABadDefaultValueIsReportedAtTheDefault) {
  EXPECT_EQ(problems_of("database: db\ndefaults:\n  retries: 99\n  datasets: [users, nope]\n" + std::string("sources:\n") +
                        "  - name: a\n    type: worksection\n    url: https://a.example\n"
                        "  - name: b\n    type: worksection\n    url: https://b.example\n    datasets: [users]\n"),
            (std::vector<std::string>{
                at(3, "defaults.retries: \"99\" is out of range (0..20)"),
                at(4,
                   "defaults.datasets[1]: \"nope\" is not a dataset of type worksection (it has: users) "
                   "(the default for sources[0] \"a\"; give it its own datasets)"),
            }));
}

TEST_F(ConfigReportTest, EveryProblemIsOneLineWhateverTheValueHolds) {
  EXPECT_EQ(problems_of("database: db\nlog_level: \"loud\\nline two\"\nconcurrency: |\n  5\n  x\n"),
            (std::vector<std::string>{
                at(2, "log_level: \"loud\\nline two\" is not a log level (trace, debug, info, warn or error)"),
                at(3, "concurrency: \"5\\nx\\n\" is not a whole number"),
            }));
  EXPECT_EQ(error_of("database: db\nlog_level: \"\\tx\\x01\"\n"),
            at(2, "log_level: \"\\tx\\x01\" is not a log level (trace, debug, info, warn or error)"));
}

TEST_F(ConfigReportTest, ALongListIsCutInWhatButKeptWhole) {
  std::string yaml = "database: db\n";
  for (int i = 0; i < 60; ++i) yaml += "unknown_" + std::to_string(i) + ": 1\n";
  try {
    (void)parse(yaml);
    FAIL() << "accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.problems().size(), 60u);
    const std::string text = error.what();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(ConfigError::k_max_listed) + 1) << text;
    EXPECT_TRUE(text.starts_with(config_path() + " has 60 errors:\n" + at(2, "unknown_0: unknown key\n"))) << text;
    EXPECT_TRUE(text.ends_with("\n... and 10 more")) << text;
  }
}

TEST_F(ConfigReportTest, ATabInTheIndentationIsNamedWithItsLine) {
  const std::string tab_problem = "tabs are not allowed for indentation in YAML; indent this line with spaces";
  EXPECT_EQ(error_of("database: db\nsources:\n\t- name: a\n"), at(3, tab_problem));
  EXPECT_EQ(error_of("database: db\ndefaults:\n\tinterval: 5m\n"), at(3, tab_problem));
  EXPECT_EQ(error_of("database: db\ndefaults:\n  interval: 5m\n\ttimeout: 1s\n"), at(4, tab_problem));
  EXPECT_EQ(error_of(k_report_head + "  - name: a\n    type: worksection\n  \t  url: https://a.example\n"), at(5, tab_problem));
  EXPECT_EQ(error_of("database: db\n\t# a comment\nlog_level: info\n"), at(2, tab_problem));
  // Tabs elsewhere are no indentation: between a key and its value, inside a block scalar.
  EXPECT_EQ(parse("database:\tdb\n").database, path("db"));
  EXPECT_EQ(parse("database: |\n  d\n  \tb\n").database, path("d\n\tb\n"));
  EXPECT_EQ(error_of("database: db\n\t# a comment\nlog_level: info: debug\n"), at(2, tab_problem));
  // Other syntax errors keep yaml-cpp's words and position.
  EXPECT_EQ(error_of("database: db\nlog_level: info: debug\n"), at(2, "invalid YAML: illegal map value (column 16)"));
}

TEST_F(ConfigReportTest, AnIntervalBelowThirtySecondsIsAcceptedWithAWarning) {
  const Config config = parse("database: db\ndefaults:\n  interval: 20s\nsources:\n"
                              "  - {name: a, type: worksection, url: 'https://a.example'}\n"
                              "  - {name: b, type: worksection, url: 'https://b.example', interval: 10}\n"
                              "  - {name: c, type: worksection, url: 'https://c.example', interval: 30s}\n");
  ASSERT_EQ(config.sources.size(), 3u);
  EXPECT_EQ(config.sources[0].interval, std::chrono::seconds{20});
  EXPECT_EQ(config.sources[1].interval, std::chrono::seconds{10});
  EXPECT_EQ(config.sources[2].interval, std::chrono::seconds{30});
  ASSERT_EQ(config.warnings.size(), 2u) << "once for the default, once for b; none for a (inherits) or c";
  EXPECT_TRUE(config.warnings[0].starts_with(at(3, "defaults.interval: 20s is below 30s: accepted, but vendors "
                                                   "rate-limit their APIs")))
      << config.warnings[0];
  EXPECT_TRUE(config.warnings[1].starts_with(at(6, "sources[1].interval: 10s is below 30s"))) << config.warnings[1];
  EXPECT_NE(config.warnings[1].find("HTTP 429"), std::string::npos) << config.warnings[1];
  EXPECT_TRUE(parse("database: db\ndefaults:\n  interval: 30s\n").warnings.size() == 1u)
      << "only the warning that no source is configured";
}

}  // namespace
}  // namespace rosterd::config::testing
