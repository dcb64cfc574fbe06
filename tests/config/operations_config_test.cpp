// `metrics:` and `retention:` (README, "Monitoring" and "Retention").

#include <chrono>

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_sources = R"(
sources:
  - name: acme
    type: worksection
    url: https://acme.worksection.com
    api_key: key-0123456789
)";

TEST_F(ConfigTest, ReadsMetricsAndRetention) {
  std::filesystem::create_directories(path("textfiles"));
  const Config config = parse("database: roster.db\n"
                              "metrics:\n"
                              "  listen: 127.0.0.1:9464\n"
                              "  textfile: textfiles/rosterd.prom\n"
                              "retention:\n"
                              "  sync_runs: 90d\n"
                              "  agent_status_log: 30d\n"
                              "  user_stats: forever\n" +
                              k_sources);
  EXPECT_EQ(config.metrics.host, "127.0.0.1");
  EXPECT_EQ(config.metrics.port, 9464);
  EXPECT_FALSE(config.metrics.allow_non_loopback);
  EXPECT_EQ(config.metrics.textfile, path("textfiles/rosterd.prom"));
  EXPECT_EQ(config.retention.size(), 2u);  // forever is no retention at all
  EXPECT_EQ(config.retention.at("sync_runs"), 90 * 24h);
  EXPECT_EQ(config.retention.at("agent_status_log"), 30 * 24h);
}

TEST_F(ConfigTest, WithoutMetricsAndRetentionNothingIsServedOrDeleted) {
  const Config config = parse("database: roster.db\n" + k_sources);
  EXPECT_TRUE(config.metrics.host.empty());
  EXPECT_TRUE(config.metrics.textfile.empty());
  EXPECT_TRUE(config.retention.empty());
}

TEST_F(ConfigTest, ReadsIpv6AndLocalhostListenAddresses) {
  EXPECT_EQ(parse("database: r.db\nmetrics: {listen: \"[::1]:9464\"}\n" + k_sources).metrics.host, "::1");
  EXPECT_EQ(parse("database: r.db\nmetrics: {listen: \"localhost:0\"}\n" + k_sources).metrics.port, 0);
}

TEST_F(ConfigTest, RefusesANonLoopbackListenAddressUnlessAllowed) {
  EXPECT_EQ(error_of("database: r.db\nmetrics:\n  listen: 0.0.0.0:9464\n" + k_sources),
            config_path() +
                ":3: metrics.listen: 0.0.0.0 is not a loopback address: the metrics would be served to other hosts, "
                "without authentication; set allow_non_loopback: true under metrics: if that is meant");
  const Config allowed =
      parse("database: r.db\nmetrics:\n  listen: 10.0.0.5:9464\n  allow_non_loopback: true\n" + k_sources);
  EXPECT_EQ(allowed.metrics.host, "10.0.0.5");
  EXPECT_TRUE(allowed.metrics.allow_non_loopback);
}

TEST_F(ConfigTest, ReportsEachMistakeInMetricsAndRetentionAtItsLine) {
  const std::string error = error_of("database: r.db\n"
                                     "metrics:\n"
                                     "  listen: 127.0.0.1\n"
                                     "  textfil: /tmp/x.prom\n"
                                     "  allow_non_loopback: yes\n"
                                     "retention:\n"
                                     "  sync_run: 30d\n"
                                     "  changes: 10m\n"
                                     "  user_versions: 1y\n"
                                     "  agent_status_log: soon\n" +
                                     k_sources);
  for (const std::string expected : {
           ":3: metrics.listen: \"127.0.0.1\" is not HOST:PORT (127.0.0.1:9464)",
           ":4: metrics.textfil: unknown key (did you mean \"textfile\"?)",
           ":5: metrics.allow_non_loopback: \"yes\" is not true or false",
           ":7: retention.sync_run: not a table retention applies to (did you mean \"sync_runs\"?) (it applies to "
           "sync_runs, agent_status_log, user_stats, changes)",
           ":8: retention.changes: \"10m\" is less than 1h",
           ":9: retention.user_versions: history is kept forever",
           ":10: retention.agent_status_log: \"soon\" is not a duration",
       }) {
    EXPECT_NE(error.find(expected), std::string::npos) << expected << "\nin:\n" << error;
  }
}

TEST_F(ConfigTest, ATextfileMustEndInPromAndItsDirectoryExist) {
  EXPECT_NE(error_of("database: r.db\nmetrics: {textfile: rosterd.txt}\n" + k_sources)
                .find("must end in .prom (node_exporter's textfile collector reads only those)"),
            std::string::npos);
  EXPECT_NE(error_of("database: r.db\nmetrics: {textfile: missing/rosterd.prom}\n" + k_sources)
                .find("the directory " + path("missing") + " does not exist"),
            std::string::npos);
}

}  // namespace
}  // namespace rosterd::config::testing
