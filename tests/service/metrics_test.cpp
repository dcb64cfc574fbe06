// The exposition format, the counting of runs, and the endpoint's three paths. promtool
// and a real Prometheus check the whole in tests/e2e/monitoring_e2e_test.cpp.
#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "metrics/families.hpp"
#include "metrics/registry.hpp"
#include "metrics/run_metrics.hpp"
#include "service/metrics_server.hpp"

namespace rosterd {
namespace {

using metrics::Family;
using metrics::Registry;
using metrics::Type;

const Family k_requests{"test_requests_total", "Requests.", Type::counter, {"source", "status"}};
const Family k_size{"test_size_bytes", "Size \\ in\nbytes.", Type::gauge, {}};
const Family k_seconds{"test_seconds", "Durations.", Type::histogram, {"source"}, {0.5, 1, 5}};

TEST(MetricsRegistry, RendersFamiliesInNameOrderWithHelpAndType) {
  Registry registry;
  registry.add(k_requests, {"acme", "2xx"}, 3);
  registry.add(k_requests, {"acme", "5xx"});
  registry.add(k_requests, {"acme", "2xx"});
  registry.set(k_size, {}, 1048576);
  EXPECT_EQ(registry.render(),
            "# HELP test_requests_total Requests.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{source=\"acme\",status=\"2xx\"} 4\n"
            "test_requests_total{source=\"acme\",status=\"5xx\"} 1\n"
            "# HELP test_size_bytes Size \\\\ in\\nbytes.\n"
            "# TYPE test_size_bytes gauge\n"
            "test_size_bytes 1048576\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  for (const double value : {0.2, 0.5, 0.7, 3.0, 60.0}) registry.observe(k_seconds, {"acme"}, value);
  EXPECT_EQ(registry.render(),
            "# HELP test_seconds Durations.\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{source=\"acme\",le=\"0.5\"} 2\n"
            "test_seconds_bucket{source=\"acme\",le=\"1\"} 3\n"
            "test_seconds_bucket{source=\"acme\",le=\"5\"} 4\n"
            "test_seconds_bucket{source=\"acme\",le=\"+Inf\"} 5\n"
            "test_seconds_sum{source=\"acme\"} 64.4\n"
            "test_seconds_count{source=\"acme\"} 5\n");
}

TEST(MetricsRegistry, EscapesLabelValuesAndFormatsSpecialValues) {
  EXPECT_EQ(metrics::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(metrics::format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(metrics::format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(metrics::format_value(0.0 / 0.0), "NaN");
  EXPECT_EQ(metrics::format_value(1765000000.0), "1765000000");
  EXPECT_EQ(metrics::format_value(0.25), "0.25");
}

TEST(MetricsRegistry, CountersNeverGoDownAndWrongLabelCountsAreRefused) {
  Registry registry;
  registry.add(k_requests, {"acme", "2xx"}, 2);
  registry.add(k_requests, {"acme", "2xx"}, -5);
  EXPECT_NE(registry.render().find("status=\"2xx\"} 2\n"), std::string::npos);
  EXPECT_THROW(registry.add(k_requests, {"acme"}), std::logic_error);
}

TEST(MetricsRegistry, ForgetDropsTheSeriesOfARemovedSource) {
  Registry registry;
  registry.add(k_requests, {"acme", "2xx"});
  registry.add(k_requests, {"beta", "2xx"});
  registry.forget("acme");
  const auto text = registry.render();
  EXPECT_EQ(text.find("acme"), std::string::npos);
  EXPECT_NE(text.find("beta"), std::string::npos);
  // The family stays declared.
  EXPECT_NE(text.find("# TYPE test_requests_total counter"), std::string::npos);
}

TEST(MetricsRegistry, AFamilyInTwoRegistriesIsRefused) {
  Registry a;
  Registry b;
  a.set(k_size, {}, 1);
  b.set(k_size, {}, 2);
  EXPECT_THROW((void)Registry::render({&a, &b}), std::logic_error);
}

TEST(MetricsFamilies, FollowPrometheusNamingConventions) {
  for (const auto* family : metrics::families::all()) {
    const std::string name(family->name);
    SCOPED_TRACE(name);
    EXPECT_TRUE(name.starts_with("rosterd_") || name.starts_with("process_"));
    EXPECT_EQ(family->type == Type::counter, name.ends_with("_total"));
    EXPECT_FALSE(family->help.empty());
    for (const auto label : family->labels) {
      // No user data in labels: only these.
      EXPECT_TRUE(label == "source" || label == "dataset" || label == "status" || label == "kind" ||
                  label == "state" || label == "table" || label == "version")
          << label;
    }
  }
}

// README, "Monitoring", lists every metric, and nothing that is not one.
TEST(MetricsFamilies, TheReadmeListsEveryMetric) {
  std::ifstream readme(ROSTERD_SOURCE_DIR "/README.md");
  std::stringstream whole;
  whole << readme.rdbuf();
  const auto text = whole.str();
  const auto start = text.find("\n## Monitoring\n");
  ASSERT_NE(start, std::string::npos);
  const auto section = text.substr(start, text.find("\n## ", start + 1) - start);
  std::set<std::string> listed;
  const std::regex name(R"(`((rosterd|process)_[a-z_]+)`)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), name); it != std::sregex_iterator(); ++it) {
    listed.insert((*it)[1]);
  }
  std::set<std::string> defined;
  for (const auto* family : metrics::families::all()) defined.insert(std::string(family->name));
  EXPECT_EQ(listed, defined);
}

TEST(RunMetrics, CountsOutcomesChangesRequestsAndRefusals) {
  Registry registry;
  sync::RunOutcome ok;
  ok.status = store::RunStatus::ok;
  ok.counts.fetched = 120;
  ok.counts.added = 3;
  ok.counts.removed = 1;
  ok.elapsed = std::chrono::milliseconds{1500};
  ok.transfer.requests = 4;
  ok.transfer.bytes = 5000;
  ok.transfer.retries = 1;
  ok.transfer.by_class[2] = 3;
  ok.transfer.by_class[5] = 1;
  metrics::count_run(registry, "acme", model::Dataset::users, ok);
  sync::RunOutcome refused;
  refused.status = store::RunStatus::refused;
  refused.counts.removed = 90;  // planned, not written
  metrics::count_run(registry, "acme", model::Dataset::users, refused);

  const auto text = registry.render();
  for (const char* line : {
           "rosterd_runs_total{source=\"acme\",dataset=\"users\",status=\"ok\"} 1\n",
           "rosterd_runs_total{source=\"acme\",dataset=\"users\",status=\"refused\"} 1\n",
           "rosterd_removal_guard_refusals_total{source=\"acme\",dataset=\"users\"} 1\n",
           "rosterd_records_fetched_total{source=\"acme\",dataset=\"users\"} 120\n",
           "rosterd_changes_total{source=\"acme\",dataset=\"users\",kind=\"added\"} 3\n",
           "rosterd_changes_total{source=\"acme\",dataset=\"users\",kind=\"removed\"} 1\n",
           "rosterd_http_requests_total{source=\"acme\",status=\"2xx\"} 3\n",
           "rosterd_http_requests_total{source=\"acme\",status=\"5xx\"} 1\n",
           "rosterd_http_retries_total{source=\"acme\"} 1\n",
           "rosterd_http_response_bytes_total{source=\"acme\"} 5000\n",
           "rosterd_run_duration_seconds_bucket{source=\"acme\",dataset=\"users\",le=\"2.5\"} 2\n",
           "rosterd_run_duration_seconds_count{source=\"acme\",dataset=\"users\"} 2\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  // The refused run's planned removals were not written.
  EXPECT_NE(text.find("kind=\"removed\"} 1\n"), std::string::npos);
}

TEST(MetricsServer, ServesMetricsHealthAndReadiness) {
  std::atomic<bool> healthy = true;  // read on the server's threads
  std::atomic<bool> ready = false;
  service::MetricsServer server(
      "127.0.0.1", 0,
      {[] { return std::string("test_up 1\n"); },
       [&]() -> std::optional<std::string> {
         if (healthy) return std::nullopt;
         return std::string("the database cannot be read");
       },
       [&] { return ready.load(); }});
  httplib::Client client("127.0.0.1", server.port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->body, "test_up 1\n");
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");

  EXPECT_EQ(client.Get("/healthz")->status, 200);
  healthy = false;
  auto unhealthy = client.Get("/healthz");
  EXPECT_EQ(unhealthy->status, 503);
  EXPECT_EQ(unhealthy->body, "the database cannot be read\n");

  EXPECT_EQ(client.Get("/readyz")->status, 503);
  ready = true;
  EXPECT_EQ(client.Get("/readyz")->status, 200);
  EXPECT_EQ(client.Get("/other")->status, 404);
}

TEST(MetricsServer, AFailingCollectionIsA500NamingTheProblem) {
  service::MetricsServer server("127.0.0.1", 0,
                                {[]() -> std::string { throw std::runtime_error("roster.db: disk I/O error"); },
                                 [] { return std::optional<std::string>(); }, [] { return true; }});
  httplib::Client client("127.0.0.1", server.port());
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, "cannot collect the metrics: roster.db: disk I/O error\n");
}

TEST(MetricsServer, AnAddressInUseIsRefusedNamingIt) {
  service::MetricsServer first("127.0.0.1", 0,
                               {[] { return std::string(); }, [] { return std::optional<std::string>(); },
                                [] { return true; }});
  try {
    service::MetricsServer second("127.0.0.1", first.port(),
                                  {[] { return std::string(); }, [] { return std::optional<std::string>(); },
                                   [] { return true; }});
    FAIL() << "listened twice on one port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rosterd
