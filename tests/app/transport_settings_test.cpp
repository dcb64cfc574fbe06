// What a source's transport is built with: its timeouts, size cap and CA, and its
// retries.

#include <gtest/gtest.h>

#include "app/configured_source.hpp"

namespace rosterd::app {
namespace {

using namespace std::chrono_literals;

TEST(TransportSettings, ComeFromTheSourcesConfiguration) {
  config::SourceConfig source;
  source.name = "acme";
  source.timeout = 20s;
  source.connect_timeout = 5s;
  source.max_response_bytes = 1 << 20;
  source.ca_file = "/etc/ssl/private-ca.pem";
  source.retries = 7;

  const auto options = http_options(source);
  EXPECT_EQ(options.timeout, 20s);
  EXPECT_EQ(options.connect_timeout, 5s);
  EXPECT_EQ(options.low_speed_time, 10s) << "stalled after half the timeout";
  EXPECT_EQ(options.max_response_bytes, 1u << 20);
  EXPECT_EQ(options.ca_file, "/etc/ssl/private-ca.pem");

  const auto policy = retry_policy(source);
  EXPECT_EQ(policy.retries, 7);
  EXPECT_EQ(policy.source, "acme");
}

TEST(TransportSettings, TheConnectTimeoutNeverExceedsTheTimeoutAndAStallTakesAtLeastASecond) {
  config::SourceConfig source;
  source.timeout = 1500ms;
  source.connect_timeout = 10s;
  const auto options = http_options(source);
  EXPECT_EQ(options.connect_timeout, 1500ms);
  EXPECT_EQ(options.low_speed_time, 1000ms);
}

}  // namespace
}  // namespace rosterd::app
