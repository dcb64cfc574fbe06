// Value parsers, the vendor-setting getters, and where the configuration file is found.

#include "config/suggest.hpp"
#include "config/values.hpp"
#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

using namespace std::chrono_literals;

TEST(ByteSize, AcceptsPlainBytesAndDecimalOrBinaryUnits) {
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("512KB"), 512'000u);
  EXPECT_EQ(parse_byte_size("64 MiB"), 64u << 20);
  EXPECT_EQ(parse_byte_size("2GB"), 2'000'000'000u);
  EXPECT_EQ(parse_byte_size("1gib"), 1u << 30);
  for (const char* bad : {"", "MiB", "-1", "1.5MiB", "10 TB", "12XB", "99999999999999999999GiB"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
}

TEST(Numbers, AreWholeOrFiniteAndNothingElse) {
  EXPECT_EQ(parse_integer("-12"), -12);
  EXPECT_FALSE(parse_integer("12abc").has_value());
  EXPECT_FALSE(parse_integer("").has_value());
  EXPECT_EQ(parse_number("0.25"), 0.25);
  EXPECT_FALSE(parse_number("nan").has_value());
  EXPECT_FALSE(parse_number("inf").has_value());
  EXPECT_FALSE(parse_number("0.5x").has_value());
}

TEST(SourceNames, AreLowerCaseLettersDigitsUnderscoreAndDash) {
  EXPECT_TRUE(is_valid_source_name("acme-dialer_2"));
  for (const char* bad : {"", "Acme", "a b", "a.b", "a/b", "ä"}) EXPECT_FALSE(is_valid_source_name(bad)) << bad;
}

TEST(Urls, AreHttpOrHttpsWithAHostAndNoCredentials) {
  EXPECT_EQ(url_problem("https://api.example.com/v1"), "");
  EXPECT_EQ(url_problem("HTTP://127.0.0.1:8000"), "");
  EXPECT_NE(url_problem("file:///etc/passwd"), "");
  EXPECT_NE(url_problem("https:/x"), "");
  EXPECT_NE(url_problem("https://:8000/"), "");
  EXPECT_NE(url_problem("https://a b"), "");
  EXPECT_NE(url_problem("https://u:p@host/"), "");
}

TEST(Suggestions, OnlyForObviousTypos) {
  const std::vector<std::string> keys = {"interval", "timeout", "retries"};
  EXPECT_EQ(closest_match("intervall", keys), "interval");
  EXPECT_EQ(closest_match("retires", keys), "retries");
  EXPECT_EQ(closest_match("colour", keys), std::nullopt);
  EXPECT_EQ(closest_match("ab", std::vector<std::string>{"db"}), std::nullopt);  // half the word changed
}

TEST_F(ConfigTest, SettingGettersUseFallbacksAndReportAtTheSettingsLine) {
  const Config config = parse(R"(database: db
sources:
  - name: a
    type: smartflo
    url: https://a.example
    page_size: "5000"
    login_ttl: 50m
    email: ops@example.com
)");
  const SourceConfig& source = config.sources.at(0);
  EXPECT_EQ(source.setting_int("page_size", 100, 1, 10000), 5000);
  EXPECT_EQ(source.setting_duration("login_ttl", 1h), 50min);
  EXPECT_EQ(source.setting_duration("missing", 1h), 1h);
  EXPECT_EQ(source.setting_number("missing", 0.5, 0, 1), 0.5);
  EXPECT_EQ(source.setting_int("missing", 7, 0, 10), 7);
  try {
    (void)source.setting_int("page_size", 100, 1, 1000);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(6, "sources[0].page_size: \"5000\" is out of range (1..1000)"));
    EXPECT_EQ(error.location().line, 6);
    EXPECT_EQ(error.key(), "sources[0].page_size");
  }
  try {
    (void)source.setting_duration("email", 1h);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()},
              at(8, "sources[0].email: \"ops@example.com\" is not a duration (use 30s, 5m, 1h or seconds)"));
  }
  try {
    (void)source.require("token");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(3, "sources[0].token: is required for type smartflo"));
  }
}

TEST_F(ConfigTest, RequireRejectsAnEmptyValue) {
  m_vars["EMPTY"] = "";
  const Config config = parse(
      "database: db\nsources:\n  - {name: a, type: smartflo, url: 'https://a.example',\n"
      "     token: '${env:EMPTY}'}\n");
  try {
    (void)config.sources.at(0).require("token");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(4, "sources[0].token: is empty"));
  }
}

TEST(ConfigPath, CommandLineThenEnvironmentThenDefault) {
  std::optional<std::string> env_value;
  Environment env;
  env.get_env = [&](const std::string& name) { return name == "ROSTERD_CONFIG" ? env_value : std::nullopt; };
  EXPECT_EQ(resolve_config_path(std::nullopt, env), "/etc/rosterd/rosterd.yaml");
  env_value = "";
  EXPECT_EQ(resolve_config_path(std::nullopt, env), "/etc/rosterd/rosterd.yaml");
  env_value = "/srv/rosterd.yaml";
  EXPECT_EQ(resolve_config_path(std::nullopt, env), "/srv/rosterd.yaml");
  EXPECT_EQ(resolve_config_path(std::string{"./mine.yaml"}, env), "./mine.yaml");
}

TEST(ConfigErrorText, LeavesOutUnknownParts) {
  EXPECT_STREQ(ConfigError(Location{"/etc/r.yaml", 3}, "k", "bad").what(), "/etc/r.yaml:3: k: bad");
  EXPECT_STREQ(ConfigError(Location{"/etc/r.yaml", 0}, "k", "bad").what(), "/etc/r.yaml: k: bad");
  EXPECT_STREQ(ConfigError(Location{}, "", "bad").what(), "bad");
}

}  // namespace
}  // namespace rosterd::config::testing
