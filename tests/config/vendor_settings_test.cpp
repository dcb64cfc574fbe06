// Vendor settings checked by the loader from what the schema declares (SettingSpec kinds
// and ranges, the ways a type authenticates): no source object takes part, only a
// table of schemas defined here.

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

const std::vector<SourceTypeSchema> k_declared_types = {
    {.type = "pager",
     .settings = {secret_setting("token"), text_setting("user"), secret_setting("password"),
                  whole_number_setting("page_size", 1, 1000), number_setting("rate", 0, 100, LowerBound::exclusive),
                  duration_setting("pause")},
     .datasets = {"users"},
     .default_datasets = {"users"},
     .volatile_fields = {},
     .credentials = {{"token"}, {"user", "password"}}},
    {.type = "keyed",
     .settings = {secret_setting("api_key"), whole_number_setting("page_size", 1, 50)},
     .datasets = {"users"},
     .default_datasets = {"users"},
     .volatile_fields = {},
     .credentials = {{"api_key"}}},
};

class VendorSettingsTest : public ConfigTest {
 protected:
  // The problems of loading `yaml` from the configuration file, one text each.
  std::vector<std::string> problems_of(const std::string& yaml) {
    write("rosterd.yaml", yaml);
    try {
      (void)load_config(config_path(), k_declared_types, m_env);
    } catch (const ConfigError& error) {
      std::vector<std::string> texts;
      for (const auto& problem : error.problems()) texts.push_back(problem.text());
      return texts;
    }
    return {};
  }
};

TEST_F(VendorSettingsTest, APageSizeOfZeroFailsInLoadConfigWithFileLineAndKey) {
  write("rosterd.yaml",
        "database: db\n"
        "sources:\n"
        "  - name: a\n"
        "    type: pager\n"
        "    url: https://a.example\n"
        "    token: t\n"
        "    page_size: 0\n");
  try {
    (void)load_config(config_path(), k_declared_types, m_env);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(7, "sources[0].page_size: \"0\" is out of range (1..1000)"));
    EXPECT_EQ(error.location().file, config_path());
    EXPECT_EQ(error.location().line, 7);
    EXPECT_EQ(error.key(), "sources[0].page_size");
  }
}

TEST_F(VendorSettingsTest, EachKindIsCheckedAtItsOwnLine) {
  EXPECT_EQ(problems_of("database: db\n"
                        "sources:\n"
                        "  - {name: a, type: pager, url: 'https://a.example', token: t,\n"
                        "     page_size: ten,\n"
                        "     rate: 0,\n"
                        "     pause: soon}\n"
                        "  - {name: b, type: pager, url: 'https://b.example', token: t, rate: 100.5}\n"
                        "  - {name: c, type: pager, url: 'https://c.example', token: t, rate: 0.01, pause: 0s,\n"
                        "     page_size: 1000}\n"),
            (std::vector<std::string>{
                at(4, "sources[0].page_size: \"ten\" is not a whole number"),
                at(5, "sources[0].rate: \"0\" is out of range (more than 0, at most 100)"),
                at(6, "sources[0].pause: \"soon\" is not a duration (use 30s, 5m, 1h or seconds)"),
                at(7, "sources[1].rate: \"100.5\" is out of range (more than 0, at most 100)"),
            }));
}

TEST_F(VendorSettingsTest, ACredentialIsNeverQuoted) {
  const std::vector<SourceTypeSchema> types = {{.type = "pager",
                                                .settings = {secret_setting("token"), [] {
                                                               auto page_size = whole_number_setting("page_size", 1, 10);
                                                               page_size.secret = true;
                                                               return page_size;
                                                             }()},
                                                .datasets = {"users"},
                                                .default_datasets = {"users"},
                                                .volatile_fields = {},
                                                .credentials = {}}};
  try {
    (void)parse_config(
        "database: db\nsources:\n  - {name: a, type: pager, url: 'https://a.example',\n"
        "     page_size: s3cr3t}\n",
        config_path(), types, m_env);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(4, "sources[0].page_size: the value is not a whole number"));
  }
}

TEST_F(VendorSettingsTest, ADefaultIsCheckedAgainstEveryTypeThatTakesItOnce) {
  // 60 suits pager (1..1000) but not keyed (1..50).
  EXPECT_EQ(problems_of("database: db\n"
                        "defaults:\n"
                        "  page_size: 60\n"
                        "sources:\n"
                        "  - {name: a, type: pager, url: 'https://a.example', token: t}\n"
                        "  - {name: b, type: keyed, url: 'https://b.example', api_key: k}\n"),
            std::vector<std::string>{at(3, "defaults.page_size: \"60\" is out of range (1..50)")});
}

TEST_F(VendorSettingsTest, CredentialsAreCheckedAgainstTheWaysTheTypeAuthenticates) {
  const std::string head = "database: db\nsources:\n";
  EXPECT_EQ(problems_of(head + "  - {name: a, type: pager, url: 'https://a.example'}\n"),
            std::vector<std::string>{at(3, "sources[0]: type pager needs token, or user and password")});
  EXPECT_EQ(problems_of(head + "  - {name: a, type: pager, url: 'https://a.example', token: t,\n"
                               "     password: p}\n"),
            std::vector<std::string>{at(4, "sources[0].password: give either token or user + password, not both")});
  EXPECT_EQ(problems_of(head + "  - {name: a, type: pager, url: 'https://a.example', user: u}\n"),
            std::vector<std::string>{at(3, "sources[0].password: is required for type pager")});
  EXPECT_EQ(problems_of(head + "  - {name: a, type: keyed, url: 'https://a.example',\n     api_key: ''}\n"),
            std::vector<std::string>{at(4, "sources[0].api_key: is empty")});
  EXPECT_EQ(problems_of(head + "  - {name: a, type: keyed, url: 'https://a.example', api_key: k}\n"),
            std::vector<std::string>{});
}

TEST_F(VendorSettingsTest, WhatASourceLacksIsNotJudgedWhenAKeyThatCouldSupplyItHadAProblem) {
  const std::string head = "database: db\nsources:\n";
  // The mistyped key is the problem, not a missing api_key.
  EXPECT_EQ(
      problems_of(head + "  - name: a\n    type: keyed\n    url: https://a.example\n    apikey: k\n"),
      std::vector<std::string>{at(6, "sources[0].apikey: unknown key for type keyed (did you mean \"api_key\"?)")});
  // A credential whose reference cannot be read is not also missing.
  EXPECT_EQ(problems_of(head + "  - name: a\n    type: keyed\n    url: https://a.example\n"
                               "    api_key: ${env:NOT_SET}\n")
                .size(),
            1u);
  // Nor is one whose default had a problem, and that problem is listed once.
  EXPECT_EQ(problems_of("database: db\ndefaults:\n  api_key: ${env:NOT_SET}\nsources:\n"
                        "  - {name: a, type: keyed, url: 'https://a.example'}\n"
                        "  - {name: b, type: keyed, url: 'https://b.example'}\n")
                .size(),
            1u);
}

TEST_F(VendorSettingsTest, AnEmptyCredentialInDefaultsIsOneProblemForAllItsSources) {
  EXPECT_EQ(problems_of("database: db\ndefaults:\n  api_key: ''\nsources:\n"
                        "  - {name: a, type: keyed, url: 'https://a.example'}\n"
                        "  - {name: b, type: keyed, url: 'https://b.example'}\n"),
            std::vector<std::string>{at(3, "defaults.api_key: is empty")});
}

}  // namespace
}  // namespace rosterd::config::testing
