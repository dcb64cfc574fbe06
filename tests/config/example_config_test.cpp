// config/rosterd.example.yaml stays loadable and keeps showing every key.

#include <fstream>
#include <sstream>

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

using namespace std::chrono_literals;

// The vendor keys of SPEC 4, as the source registry declares them.
const std::vector<SourceTypeSchema> k_spec_types = {
    {"crocodial",
     {"user", "password"},
     {"password"},
     {"users", "portfolios", "profiles", "campaigns"},
     {"users", "portfolios", "profiles", "campaigns"}},
    {"worksection", {"api_key"}, {"api_key"}, {"users"}, {"users"}},
    {"smartflo", {"token", "email", "password", "page_size"}, {"token", "password"}, {"users"}, {"users"}},
    {"class4", {"user", "password", "token", "page_size"}, {"password", "token"}, {"users"}, {"users"}},
};

TEST_F(ConfigTest, TheExampleConfigurationLoads) {
  std::ifstream example(ROSTERD_SOURCE_DIR "/config/rosterd.example.yaml");
  ASSERT_TRUE(example) << "config/rosterd.example.yaml is missing";
  std::stringstream text;
  text << example.rdbuf();
  write("rosterd.yaml", text.str());
  write("worksection.key", "example-ws-key\n");
  write("switch-ca.pem", "-----BEGIN CERTIFICATE-----\n");
  write("creds/vendor_smartflo-token", "example-smartflo-token");
  m_env.credentials_directory = path("creds");
  m_vars["ACME_CROCO_PASS"] = "example-croco-pass";
  m_vars["SWITCH_PASS"] = "example-switch-pass";

  const Config config = load_config(config_path(), k_spec_types, m_env);
  EXPECT_TRUE(config.warnings.empty());
  EXPECT_EQ(config.database, "/var/lib/rosterd/roster.db");
  ASSERT_EQ(config.sources.size(), 4u);
  EXPECT_EQ(config.sources[0].datasets.size(), 4u);
  EXPECT_EQ(config.sources[1].require("api_key").value, "example-ws-key");
  EXPECT_EQ(config.sources[2].require("token").value, "example-smartflo-token");
  const SourceConfig& switch_source = config.sources[3];
  EXPECT_EQ(switch_source.ca_file, path("switch-ca.pem"));
  EXPECT_EQ(switch_source.max_response_bytes, 16u << 20);
  EXPECT_EQ(switch_source.interval, 15min);  // from defaults
  EXPECT_EQ(config.secret_values().size(), 4u);
}

}  // namespace
}  // namespace rosterd::config::testing
