// config/rosterd.example.yaml stays loadable and keeps showing every key, and it loads with
// what the bundled unit gives rosterd: its credentials, and no environment variables.

#include <fstream>
#include <regex>
#include <sstream>

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

using namespace std::chrono_literals;

// The vendor keys, as the source registry declares them.
const std::vector<SourceTypeSchema> k_spec_types = {
    {.type = "crocodial",
     .settings = text_settings({"user", "password"}, {"password"}),
     .datasets = {"users", "portfolios", "profiles", "campaigns"},
     .default_datasets = {"users", "portfolios", "profiles", "campaigns"}},
    {.type = "worksection", .settings = text_settings({"api_key"}, {"api_key"}), .datasets = {"users"},
     .default_datasets = {"users"}},
    {.type = "smartflo",
     .settings = text_settings({"token", "email", "password", "page_size"}, {"token", "password"}),
     .datasets = {"users"},
     .default_datasets = {"users"}},
    {.type = "class4",
     .settings = text_settings({"user", "password", "token", "page_size"}, {"password", "token"}),
     .datasets = {"users"},
     .default_datasets = {"users"}},
};

TEST_F(ConfigTest, TheExampleConfigurationLoads) {
  std::ifstream example(ROSTERD_SOURCE_DIR "/config/rosterd.example.yaml");
  ASSERT_TRUE(example) << "config/rosterd.example.yaml is missing";
  std::stringstream text;
  text << example.rdbuf();
  write("rosterd.yaml", text.str());
  // As LoadCredential=vendor:/etc/rosterd/credentials hands them over; no environment.
  write("creds/vendor_croco-password", "example-croco-pass");
  write("creds/vendor_worksection-key", "example-ws-key\n");
  write("creds/vendor_smartflo-token", "example-smartflo-token");
  write("creds/vendor_switch-password", "example-switch-pass");
  m_env.credentials_directory = path("creds");
  ASSERT_TRUE(m_vars.empty());

  const Config config = load_config(config_path(), k_spec_types, m_env);
  EXPECT_TRUE(config.warnings.empty());
  EXPECT_EQ(config.database, "/var/lib/rosterd/roster.db");
  ASSERT_EQ(config.sources.size(), 4u);
  EXPECT_EQ(config.sources[0].datasets.size(), 4u);
  EXPECT_EQ(config.sources[0].require("password").value, "example-croco-pass");
  EXPECT_EQ(config.sources[1].require("api_key").value, "example-ws-key");
  EXPECT_EQ(config.sources[2].require("token").value, "example-smartflo-token");
  const SourceConfig& switch_source = config.sources[3];
  EXPECT_EQ(switch_source.require("password").value, "example-switch-pass");
  EXPECT_EQ(switch_source.max_response_bytes, 16u << 20);
  EXPECT_EQ(switch_source.interval, 15min);  // from defaults
  EXPECT_EQ(config.secret_values().size(), 4u);
}

// The commented `metrics:` and `retention:` blocks are valid once uncommented (all but the
// textfile, whose directory exists only where node_exporter is installed).
TEST_F(ConfigTest, TheExamplesMetricsAndRetentionBlocksLoadUncommented) {
  std::ifstream example(ROSTERD_SOURCE_DIR "/config/rosterd.example.yaml");
  std::string text;
  int uncommented = 0;
  const std::regex commented(R"(^# ((metrics|retention):.*|  (listen|sync_runs|agent_status_log|user_stats|changes):.*)$)");
  for (std::string line; std::getline(example, line);) {
    std::smatch match;
    if (std::regex_match(line, match, commented)) {
      line = match[1];
      ++uncommented;
    }
    text += line + "\n";
  }
  EXPECT_EQ(uncommented, 7);
  write("rosterd.yaml", text);
  write("creds/vendor_croco-password", "example-croco-pass");
  write("creds/vendor_worksection-key", "example-ws-key\n");
  write("creds/vendor_smartflo-token", "example-smartflo-token");
  write("creds/vendor_switch-password", "example-switch-pass");
  m_env.credentials_directory = path("creds");
  const Config config = load_config(config_path(), k_spec_types, m_env);
  EXPECT_EQ(config.metrics.host, "127.0.0.1");
  EXPECT_EQ(config.metrics.port, 9464);
  EXPECT_EQ(config.retention.size(), 3u);  // changes: forever
}

}  // namespace
}  // namespace rosterd::config::testing
