// Monitoring end to end (README, "Monitoring"): the metrics endpoint of `rosterd run`
// checked by promtool and scraped by a real Prometheus server, and the textfile of
// `rosterd sync` for node_exporter. Waits poll (eventually()); no fixed sleep.

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <httplib.h>
#include <simdjson.h>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

bool have_program(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell_output command line; its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> shell_output(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A port nothing listens on now, for a server that cannot be told to pick its own.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A program in the background, its output in a file; terminated at destruction.
class Background {
 public:
  Background(std::vector<std::string> args, const std::string& log) {
    auto argv = c_strings(args);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawnp(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    if (!eventually([&] { return ::waitpid(m_pid, &status, WNOHANG) == m_pid; }, 10s)) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &status, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

 private:
  pid_t m_pid = -1;
};

// The value of the sample `series` (name and labels exactly as exposed), or nullopt.
std::optional<double> sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

class MonitoringTest : public E2eTest {
 protected:
  // Adds a top-level `metrics:` block to the configuration write_config() wrote.
  void add_metrics(const std::string& block) {
    std::ofstream(config_path(), std::ios::app) << "metrics:\n" << block;
  }
  std::unique_ptr<RosterdProcess> start_daemon() {
    return std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  }
  // The port the daemon says it serves its metrics on.
  static int metrics_port(const RosterdProcess& daemon) {
    int port = 0;
    eventually(
        [&] {
          std::smatch match;
          const auto err = daemon.err();
          if (!std::regex_search(err, match, std::regex(R"(serving http://127\.0\.0\.1:(\d+)/metrics)"))) return false;
          port = std::stoi(match[1]);
          return true;
        },
        15s);
    return port;
  }
  std::int64_t finished_runs() {
    if (!database_exists()) return 0;
    try {
      return count("SELECT count(*) FROM sync_runs WHERE status <> 'running'");
    } catch (const std::exception&) {
      return 0;  // no schema yet
    }
  }
  // promtool's verdict on an exposition: empty when it has nothing to say.
  std::string promtool_check(const std::string& exposition) {
    const auto file = m_dir.file("scraped.prom");
    std::ofstream(file) << exposition;
    const auto [status, output] = shell_output("promtool check metrics < " + file);
    return status == 0 && output.empty() ? "" : "exit " + std::to_string(status) + ": " + output;
  }
};

class MonitoringE2e : public MonitoringTest, public ::testing::WithParamInterface<Engine> {
 protected:
  MonitoringE2e() { use_engine(GetParam()); }
};

TEST_P(MonitoringE2e, TheEndpointServesWhatPromtoolAcceptsAndWhatTheDatabaseHolds) {
  if (!have_program("promtool")) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test-tools)";
  auto& acme = add_tenant("acme", "smartflo", 30, 1);
  auto& broken = add_tenant("broken", "worksection", 5, 2);
  auto& flaky = add_tenant("flaky", "class4", 10, 3);
  sim::Fault auth;
  auth.kind = sim::FaultKind::auth_failure;
  broken.set_fault(auth);
  sim::Fault unavailable;
  unavailable.times = 1;  // 503 once: one retry
  flaky.set_fault(unavailable);
  write_config({{acme, {}, true}, {broken}, {flaky, {}, true}}, "  interval: 1h\n");
  add_metrics("  listen: 127.0.0.1:0\n");
  auto daemon = start_daemon();
  const int port = metrics_port(*daemon);
  ASSERT_GT(port, 0) << daemon->err();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 3; }, 60s)) << daemon->err();

  const auto text = http_get(base + "/metrics");
  EXPECT_EQ(promtool_check(text), "");
  const auto at = [&](const std::string& series) { return sample(text, series); };
  EXPECT_EQ(at(R"(rosterd_runs_total{source="acme",dataset="users",status="ok"})"), 1);
  EXPECT_EQ(at(R"(rosterd_runs_total{source="acme",dataset="users",status="failed"})"), 0);
  EXPECT_GE(at(R"(rosterd_runs_total{source="broken",dataset="users",status="failed"})").value_or(0), 1);  // and retried
  EXPECT_EQ(at(R"(rosterd_runs_total{source="flaky",dataset="users",status="ok"})"), 1);
  EXPECT_EQ(at(R"(rosterd_records_fetched_total{source="acme",dataset="users"})"), 30);
  EXPECT_EQ(at(R"(rosterd_changes_total{source="acme",dataset="users",kind="added"})"), 30);
  EXPECT_EQ(at(R"(rosterd_http_retries_total{source="flaky"})"), 1);
  EXPECT_EQ(at(R"(rosterd_http_requests_total{source="flaky",status="5xx"})"), 1);
  EXPECT_GE(at(R"(rosterd_http_requests_total{source="flaky",status="2xx"})").value_or(0), 1);
  EXPECT_EQ(at(R"(rosterd_http_response_bytes_total{source="acme"})"),
            count("SELECT bytes FROM sync_runs WHERE source = 'acme'"));
  EXPECT_EQ(at(R"(rosterd_run_duration_seconds_count{source="acme",dataset="users"})"), 1);
  EXPECT_EQ(at(R"(rosterd_removal_guard_refusals_total{source="acme",dataset="users"})"), 0);

  // What the database holds: the same on both engines.
  EXPECT_EQ(at(R"(rosterd_users{source="acme",state="listed"})"), 30);
  EXPECT_EQ(at(R"(rosterd_users{source="acme",state="removed"})"), 0);
  EXPECT_EQ(at(R"(rosterd_users{source="acme",state="active"})"),
            count("SELECT count(*) FROM users WHERE source = 'acme' AND removed_at IS NULL AND active = " +
                  std::string(engine() == Engine::sqlite ? "1" : "true")));
  EXPECT_EQ(at(R"(rosterd_users{source="broken",state="listed"})"), 0);
  EXPECT_EQ(at(R"(rosterd_last_run_status{source="broken",dataset="users",status="failed"})"), 1);
  EXPECT_EQ(at(R"(rosterd_last_run_status{source="broken",dataset="users",status="ok"})"), 0);
  EXPECT_EQ(at(R"(rosterd_last_success_timestamp_seconds{source="broken",dataset="users"})"), std::nullopt);
  const auto now = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  const auto success = at(R"(rosterd_last_success_timestamp_seconds{source="acme",dataset="users"})");
  ASSERT_TRUE(success.has_value()) << text;
  EXPECT_NEAR(*success, now, 120);
  EXPECT_GE(at(R"(rosterd_last_run_timestamp_seconds{source="broken",dataset="users"})").value_or(0), *success - 120);
  EXPECT_EQ(at(R"(rosterd_source_interval_seconds{source="acme",dataset="users"})"), 3600);
  EXPECT_GT(at("rosterd_database_size_bytes").value_or(0), 0);
  EXPECT_GT(at("process_resident_memory_bytes").value_or(0), 0);
  EXPECT_GT(at("process_open_fds").value_or(0), 0);
  EXPECT_EQ(at(R"(rosterd_build_info{version=")" ROSTERD_VERSION R"("})"), 1);
  // No user data in the labels: no username, e-mail or id of the vendor's.
  for (const auto& user : acme.users()) {
    EXPECT_EQ(text.find("\"" + user.username + "\""), std::string::npos) << user.username;
    EXPECT_EQ(text.find(user.email), std::string::npos) << user.email;
  }

  EXPECT_EQ(http_get(base + "/healthz"), "ok\n");
  EXPECT_EQ(http_get(base + "/readyz"), "ready\n");

  // The endpoint keeps no stop waiting.
  daemon->signal(SIGTERM);
  const auto exit = daemon->wait(5s);
  ASSERT_TRUE(exit.has_value()) << "did not stop within 5 s\n" << daemon->err();
  EXPECT_EQ(*exit, 0) << daemon->err();
}

INSTANTIATE_TEST_SUITE_P(Engines, MonitoringE2e, k_engines, engine_test_name);

class PrometheusE2e : public MonitoringTest {};

// The real thing: Prometheus scrapes `rosterd run`, with the shipped rules loaded, and
// its queries return what rosterd did.
TEST_F(PrometheusE2e, APrometheusServerScrapesTheDaemonAndLoadsTheRules) {
  if (!have_program("prometheus")) GTEST_SKIP() << "prometheus is not installed (scripts/install-deps.sh --test-tools)";
  auto& acme = add_tenant("acme", "class4", 25, 4);
  write_config({{acme, {}, true}}, "  interval: 1h\n");
  add_metrics("  listen: 127.0.0.1:0\n");
  auto daemon = start_daemon();
  const int port = metrics_port(*daemon);
  ASSERT_GT(port, 0) << daemon->err();

  const auto rules = std::string(ROSTERD_SOURCE_DIR) + "/monitoring/rosterd.rules.yml";
  std::ofstream(m_dir.file("prometheus.yml")) << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                              << "rule_files:\n  - " << rules << "\n"
                                              << "scrape_configs:\n  - job_name: rosterd\n    static_configs:\n"
                                              << "      - targets: ['127.0.0.1:" << port << "']\n";
  std::string api;
  std::unique_ptr<Background> prometheus;
  // The port is free when chosen; should another process take it first, choose again.
  for (int attempt = 0; attempt < 3 && api.empty(); ++attempt) {
    const int web = free_port();
    prometheus = std::make_unique<Background>(
        std::vector<std::string>{"prometheus", "--config.file=" + m_dir.file("prometheus.yml"),
                                 "--storage.tsdb.path=" + m_dir.file("tsdb-" + std::to_string(attempt)),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(web)},
        m_dir.file("prometheus.log"));
    const std::string candidate = "http://127.0.0.1:" + std::to_string(web);
    if (eventually([&] { return http_get(candidate + "/-/ready").find("Ready") != std::string::npos; }, 30s)) {
      api = candidate;
    }
  }
  ASSERT_FALSE(api.empty()) << read_bytes(m_dir.file("prometheus.log"));

  // The value of an instant query with one result, or "" until it has one.
  const auto query = [&](const std::string& promql) -> std::string {
    const auto body = http_get(api + "/api/v1/query?query=" + httplib::detail::encode_query_param(promql));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return "";
    simdjson::dom::array result;
    if (doc["data"]["result"].get(result) != simdjson::SUCCESS || result.size() != 1) return "";
    std::string_view value;
    if (result.at(0)["value"].at(1).get(value) != simdjson::SUCCESS) return "";
    return std::string(value);
  };
  EXPECT_TRUE(eventually([&] { return query(R"(up{job="rosterd"})") == "1"; }, 60s))
      << read_bytes(m_dir.file("prometheus.log"));
  EXPECT_TRUE(eventually([&] { return query(R"(rosterd_users{source="acme",state="listed"})") == "25"; }, 60s))
      << query(R"(rosterd_users{source="acme",state="listed"})");
  EXPECT_TRUE(eventually(
      [&] { return query(R"(rosterd_runs_total{source="acme",dataset="users",status="ok"})") == "1"; }, 60s));
  EXPECT_EQ(query(R"(sum(rosterd_changes_total{source="acme",kind="added"}))"), "25");
  // The rules loaded and evaluate: with a successful run just now, nothing is pending or
  // firing once the target is up (RosterdAbsent is pending until the first scrape).
  EXPECT_NE(http_get(api + "/api/v1/rules").find("\"name\":\"RosterdSourceNotSyncing\""), std::string::npos);
  EXPECT_TRUE(eventually([&] { return query(R"(count(ALERTS{alertname=~"Rosterd.*"}))").empty(); }, 30s))
      << http_get(api + "/api/v1/alerts");

  daemon->signal(SIGTERM);
  EXPECT_TRUE(daemon->wait(5s).has_value()) << daemon->err();
}

// `rosterd sync` from a timer: the textfile node_exporter reads, replaced whole after
// each sync, the refusals of the mass-removal guard on it.
TEST_F(PrometheusE2e, SyncWritesATextfileForNodeExporter) {
  if (!have_program("promtool")) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test-tools)";
  auto& sw = add_tenant("sw", "class4", 20, 9);
  write_config({{sw, {}, true}}, "  max_remove_ratio: 0.25\n");
  std::filesystem::create_directories(m_dir.file("textfiles"));
  const auto textfile = m_dir.file("textfiles/rosterd.prom");
  add_metrics("  textfile: " + textfile + "\n");

  ASSERT_EQ(sync().exit_code, 0);
  auto text = read_bytes(textfile);
  EXPECT_EQ(promtool_check(text), "");
  EXPECT_EQ(sample(text, R"(rosterd_runs_total{source="sw",dataset="users",status="ok"})"), 1);
  EXPECT_EQ(sample(text, R"(rosterd_users{source="sw",state="listed"})"), 20);
  EXPECT_EQ(sample(text, R"(rosterd_last_run_status{source="sw",dataset="users",status="ok"})"), 1);
  EXPECT_EQ(sample(text, "process_resident_memory_bytes"), std::nullopt) << "a one-shot process's figures say little";
  EXPECT_EQ(std::filesystem::status(textfile).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::others_read);

  const auto users = sw.users();
  for (int i = 2; i < 8; ++i) sw.remove_user(users[static_cast<std::size_t>(i)].id);  // 6 of 20 = 30%
  const auto refused = sync();
  EXPECT_EQ(refused.exit_code, 1) << refused.all();
  text = read_bytes(textfile);
  EXPECT_EQ(promtool_check(text), "");
  EXPECT_EQ(sample(text, R"(rosterd_removal_guard_refusals_total{source="sw",dataset="users"})"), 1);
  EXPECT_EQ(sample(text, R"(rosterd_runs_total{source="sw",dataset="users",status="ok"})"), 0) << "this sync's";
  EXPECT_EQ(sample(text, R"(rosterd_last_run_status{source="sw",dataset="users",status="refused"})"), 1);
  EXPECT_EQ(sample(text, R"(rosterd_users{source="sw",state="listed"})"), 20) << "nothing was removed";
  // Only the textfile is left in the collector's directory: no temporary file.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(m_dir.file("textfiles"))) {
    files.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{"rosterd.prom"});

  // A textfile that cannot be replaced (a directory in its place) fails the sync, naming it.
  std::filesystem::remove(textfile);
  std::filesystem::create_directory(textfile);
  const auto unwritable = sync({"--force"});
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.all();
  EXPECT_NE(unwritable.err.find("cannot write the metrics textfile " + textfile + ": rename"), std::string::npos)
      << unwritable.err;
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 14) << "the runs themselves were applied";
}

}  // namespace
}  // namespace rosterd::testing
