// Valid configurations: every key, defaults and their precedence, relative paths.

#include <chrono>

#include "config_fixture.hpp"
#include "core/secrets.hpp"

namespace rosterd::config::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(ConfigTest, ReadsEveryKeyOfAValidConfiguration) {
  write("ca/bundle.pem", "-----BEGIN CERTIFICATE-----\n");
  write("ws.key", "ws-key-0123456789\n");
  write("creds/sf-token", "sf-token-abcdef");
  m_env.credentials_directory = path("creds");
  m_vars["CROCO_PASS"] = "croco-pass-9876";

  const Config config = parse(R"(database: state/roster.db
log_level: debug
concurrency: 8
defaults:
  interval: 10m
  retries: 2
sources:
  - name: acme-dialer
    type: crocodial
    url: https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php
    user: apiuser
    password: ${env:CROCO_PASS}
    datasets: [users, campaigns, agent_status]
    interval: 5m
    timeout: 45s
    connect_timeout: 3s
    retries: 0
    max_remove_ratio: 0.25
    drop_fields: [phone_pass, notes]
    ca_file: ca/bundle.pem
    max_response_bytes: 8MiB
  - name: acme_projects
    type: worksection
    url: http://127.0.0.1:8080
    api_key: ${file:ws.key}
  - name: smartflo-1
    type: smartflo
    url: https://api-smartflo.tatateleservices.com
    token: ${credential:sf-token}
    page_size: 100
)");

  EXPECT_EQ(config.path, config_path());
  EXPECT_EQ(config.database, path("state/roster.db"));
  EXPECT_EQ(config.log_level, core::LogLevel::debug);
  EXPECT_EQ(config.concurrency, 8);
  EXPECT_TRUE(config.warnings.empty());
  ASSERT_EQ(config.sources.size(), 3u);

  const SourceConfig& dialer = config.sources[0];
  EXPECT_EQ(dialer.name, "acme-dialer");
  EXPECT_EQ(dialer.type, "crocodial");
  EXPECT_EQ(dialer.url, "https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php");
  EXPECT_EQ(dialer.location.line, 8);
  EXPECT_EQ(dialer.key_path, "sources[0]");
  EXPECT_EQ(dialer.datasets, (std::vector<std::string>{"users", "campaigns", "agent_status"}));
  EXPECT_EQ(dialer.interval, 5min);
  EXPECT_EQ(dialer.timeout, 45s);
  EXPECT_EQ(dialer.connect_timeout, 3s);
  EXPECT_EQ(dialer.retries, 0);
  EXPECT_DOUBLE_EQ(dialer.max_remove_ratio, 0.25);
  EXPECT_EQ(dialer.drop_fields, (std::vector<std::string>{"phone_pass", "notes"}));
  EXPECT_EQ(dialer.ca_file, path("ca/bundle.pem"));
  EXPECT_EQ(dialer.max_response_bytes, 8u << 20);
  ASSERT_NE(dialer.setting("user"), nullptr);
  EXPECT_EQ(dialer.setting("user")->value, "apiuser");
  EXPECT_FALSE(dialer.setting("user")->secret);
  const Setting& password = dialer.require("password");
  EXPECT_EQ(password.value, "croco-pass-9876");
  EXPECT_TRUE(password.secret);
  EXPECT_EQ(password.key_path, "sources[0].password");
  EXPECT_EQ(password.location.file, config_path());
  EXPECT_EQ(password.location.line, 12);

  const SourceConfig& projects = config.sources[1];
  EXPECT_EQ(projects.interval, 10min);  // from defaults
  EXPECT_EQ(projects.retries, 2);       // from defaults
  EXPECT_EQ(projects.timeout, 30s);     // built in
  EXPECT_EQ(projects.datasets, std::vector<std::string>{"users"});
  EXPECT_EQ(projects.require("api_key").value, "ws-key-0123456789");  // one trailing newline removed
  EXPECT_TRUE(projects.require("api_key").secret);
  EXPECT_TRUE(projects.ca_file.empty());
  EXPECT_EQ(projects.max_response_bytes, 64u << 20);

  const SourceConfig& smartflo = config.sources[2];
  EXPECT_EQ(smartflo.require("token").value, "sf-token-abcdef");
  EXPECT_EQ(smartflo.setting_int("page_size", 50, 1, 1000), 100);
  // A schema without default_datasets syncs every dataset of the type.
  EXPECT_EQ(smartflo.datasets, std::vector<std::string>{"users"});

  EXPECT_EQ(config.find_source("smartflo-1"), &config.sources[2]);
  EXPECT_EQ(config.find_source("nope"), nullptr);
  EXPECT_EQ(config.secret_values(),
            (std::vector<std::string>{"croco-pass-9876", "ws-key-0123456789", "sf-token-abcdef"}));
}

TEST_F(ConfigTest, UsesTheTypesDefaultDatasetsAndBuiltInValues) {
  const Config config = parse(
      "database: /var/lib/rosterd/roster.db\nsources:\n"
      "  - {name: a, type: crocodial, url: 'https://x.example', user: u, password: pppp}\n");
  const SourceConfig& source = config.sources.at(0);
  EXPECT_EQ(config.database, "/var/lib/rosterd/roster.db");
  EXPECT_EQ(config.log_level, core::LogLevel::info);
  EXPECT_EQ(config.concurrency, 4);
  EXPECT_EQ(source.datasets, (std::vector<std::string>{"users", "portfolios", "profiles", "campaigns"}));
  EXPECT_EQ(source.interval, 15min);
  EXPECT_EQ(source.timeout, 30s);
  EXPECT_EQ(source.connect_timeout, 10s);
  EXPECT_EQ(source.retries, 4);
  EXPECT_DOUBLE_EQ(source.max_remove_ratio, 0.5);
}

TEST_F(ConfigTest, SourceValuesOverrideDefaultsWhichOverrideBuiltIns) {
  const Config config = parse(R"(database: db
defaults:
  interval: 1h
  timeout: 20s
  page_size: 250
  datasets: [users]
sources:
  - {name: a, type: smartflo, url: 'https://a.example', token: tttt, interval: 2m, page_size: 10}
  - {name: b, type: smartflo, url: 'https://b.example', token: tttt}
  - {name: c, type: worksection, url: 'https://c.example', api_key: kkkk}
  - {name: d, type: crocodial, url: 'https://d.example', datasets: [portfolios]}
)");
  const SourceConfig& a = config.sources.at(0);
  const SourceConfig& b = config.sources.at(1);
  const SourceConfig& c = config.sources.at(2);
  const SourceConfig& d = config.sources.at(3);
  EXPECT_EQ(a.interval, 2min);
  EXPECT_EQ(b.interval, 1h);
  EXPECT_EQ(a.timeout, 20s);
  EXPECT_EQ(a.connect_timeout, 10s);
  EXPECT_EQ(a.setting_int("page_size", 0, 1, 1000), 10);
  EXPECT_EQ(b.setting_int("page_size", 0, 1, 1000), 250);
  // The default's own location, so that a bad default is reported where it is written.
  EXPECT_EQ(b.setting("page_size")->key_path, "defaults.page_size");
  EXPECT_EQ(b.setting("page_size")->location.line, 5);
  // worksection has no page_size: the default does not reach it.
  EXPECT_EQ(c.setting("page_size"), nullptr);
  EXPECT_EQ(c.datasets, std::vector<std::string>{"users"});
  EXPECT_EQ(d.datasets, std::vector<std::string>{"portfolios"});
  EXPECT_EQ(d.setting_int("page_size", 0, 1, 1000), 250);
}

TEST_F(ConfigTest, ADefaultSecretIsSecretAndAppliesToTypesThatAcceptIt) {
  m_vars["SHARED_PASS"] = "shared-pass-5555";
  const Config config = parse(R"(database: db
defaults:
  password: ${env:SHARED_PASS}
sources:
  - {name: a, type: crocodial, url: 'https://a.example', user: u}
  - {name: b, type: worksection, url: 'https://b.example', api_key: kkkk}
)");
  EXPECT_TRUE(config.sources.at(0).require("password").secret);
  EXPECT_EQ(config.sources.at(0).require("password").value, "shared-pass-5555");
  EXPECT_EQ(config.sources.at(1).setting("password"), nullptr);
  EXPECT_EQ(core::secrets().redact("x shared-pass-5555 y"), "x *** y");
}

TEST_F(ConfigTest, ResolvesRelativePathsAgainstTheConfigurationsDirectory) {
  write("certs/ca.pem", "pem");
  write("keys/ws.key", "relative-key-1111");
  const Config config = parse(R"(database: ../elsewhere/./roster.db
sources:
  - name: a
    type: worksection
    url: https://a.example
    api_key: ${file:keys/ws.key}
    ca_file: ./certs/ca.pem
)");
  EXPECT_EQ(config.database, (m_dir.parent_path() / "elsewhere/roster.db").string());
  EXPECT_EQ(config.sources.at(0).ca_file, path("certs/ca.pem"));
  EXPECT_EQ(config.sources.at(0).require("api_key").value, "relative-key-1111");
}

TEST_F(ConfigTest, AConfigurationWithoutSourcesLoadsWithAWarning) {
  const Config config = parse("database: db\n");
  EXPECT_TRUE(config.sources.empty());
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_NE(config.warnings[0].find("no sources are configured"), std::string::npos);
}

TEST_F(ConfigTest, LoadConfigReadsTheFileAndReportsAMissingOne) {
  write("rosterd.yaml", "database: db\nlog_level: warn\nsources: []\n");
  const Config config = load_config(config_path(), k_types, m_env);
  EXPECT_EQ(config.log_level, core::LogLevel::warn);
  EXPECT_EQ(config.database, path("db"));

  try {
    (void)load_config(path("missing.yaml"), k_types, m_env);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, path("missing.yaml") + ": cannot read: No such file or directory");
  }
}

}  // namespace
}  // namespace rosterd::config::testing
