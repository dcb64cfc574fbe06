// The buffer a body arrives in: whatever its size and however it is sent (length,
// chunks, gzip), a CurlClient body keeps k_body_padding spare bytes for the parser
// and never has more capacity than the cap plus that padding, through the retrying
// and counting decorators too.

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

#include "builders.hpp"
#include "http/counting_client.hpp"
#include "http/curl_client.hpp"
#include "http/retrying_client.hpp"
#include "test_server.hpp"

namespace rosterd::http {
namespace {

using testing::TestServer;

constexpr std::uint64_t k_cap = 1 << 20;

// Distinct bytes, so that a body put together wrongly cannot compare equal.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return out;
}

const std::vector<std::size_t>& sizes() {
  static const std::vector<std::size_t> all = {
      0, 1, 63, 64, 16 * 1024 - 64, 16 * 1024, 100'000, k_cap / 2, k_cap / 2 + 1, k_cap - 1, k_cap};
  return all;
}

class CurlBodyTest : public ::testing::Test {
 protected:
  CurlBodyTest() {
    // ?n=SIZE&how=length|chunked|gzip
    m_server.server().Get("/body", [](const httplib::Request& req, httplib::Response& res) {
      const auto body = pattern(std::stoul(req.get_param_value("n")));
      const auto how = req.get_param_value("how");
      if (how == "chunked") {
        res.set_chunked_content_provider(
            "application/octet-stream", [body](std::size_t offset, httplib::DataSink& sink) {
              if (offset < body.size()) {
                sink.write(body.data() + offset, std::min<std::size_t>(body.size() - offset, 7000));
              } else {
                sink.done();
              }
              return true;
            });
      } else if (how == "gzip") {
        res.set_header("Content-Encoding", "gzip");
        res.set_content(testing::gzip(body), "application/octet-stream");
      } else {
        res.set_content(body, "application/octet-stream");
      }
    });
    m_server.start();
  }

  static void expect_padded_within_cap(const std::string& body, std::size_t size) {
    EXPECT_EQ(body.size(), size);
    EXPECT_GE(body.capacity() - body.size(), k_body_padding) << "size " << size;
    EXPECT_LE(body.capacity(), k_cap + k_body_padding) << "size " << size;
  }

  TestServer m_server;
};

TEST_F(CurlBodyTest, EveryBodyKeepsParsePaddingAndStaysWithinTheCap) {
  CurlClient client(testing::options_with([](Options& o) { o.max_response_bytes = k_cap; }));
  for (const char* how : {"length", "chunked", "gzip"}) {
    for (const auto size : sizes()) {
      SCOPED_TRACE(std::string(how) + " " + std::to_string(size));
      auto result = client.send(testing::get(m_server.url("/body?n=" + std::to_string(size) + "&how=" + how)));
      ASSERT_TRUE(result.ok()) << result.error().message;
      EXPECT_TRUE(result->body == pattern(size));
      expect_padded_within_cap(result->body, size);
    }
  }
}

// A body whose length is announced and at most half the cap arrives in one buffer of
// exactly that length and the padding: never copied into a larger one while it arrives.
TEST_F(CurlBodyTest, AnAnnouncedLengthIsReceivedInOneBufferOfThatLength) {
  CurlClient client(testing::options_with([](Options& o) { o.max_response_bytes = k_cap; }));
  for (const auto size : {std::size_t{1}, std::size_t{100'000}, std::size_t{k_cap / 2}}) {
    auto result = client.send(testing::get(m_server.url("/body?n=" + std::to_string(size) + "&how=length")));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->body.capacity(), size + k_body_padding) << "size " << size;
  }
  // Larger than half the cap: grown step by step, within the cap as always.
  auto large = client.send(testing::get(m_server.url("/body?n=" + std::to_string(k_cap / 2 + 1) + "&how=length")));
  ASSERT_TRUE(large.ok()) << large.error().message;
  EXPECT_NE(large->body.capacity(), k_cap / 2 + 1 + k_body_padding);
  expect_padded_within_cap(large->body, k_cap / 2 + 1);
}

TEST_F(CurlBodyTest, TheRetryingAndCountingClientsHandTheBufferOnUnchanged) {
  int calls = 0;
  m_server.server().Get("/flaky", [&calls](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 503;
      res.set_content("busy", "text/plain");
      return;
    }
    const auto body = pattern(k_cap - 1);
    res.set_chunked_content_provider("application/octet-stream", [body](std::size_t offset, httplib::DataSink& sink) {
      if (offset < body.size()) {
        sink.write(body.data() + offset, std::min<std::size_t>(body.size() - offset, 64 * 1024));
      } else {
        sink.done();
      }
      return true;
    });
  });
  class NoWait final : public Sleeper {
   public:
    bool sleep_for(std::chrono::milliseconds, std::stop_token) override { return true; }
  } no_wait;
  // The order the runner builds: RetryingClient -> CountingClient -> CurlClient.
  CurlClient curl(testing::options_with([](Options& o) { o.max_response_bytes = k_cap; }));
  TransferCounters counters;
  CountingClient counting(curl, counters);
  RetryingClient retrying(counting, testing::retries(2), no_wait);
  auto result = retrying.send(testing::get(m_server.url("/flaky")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(counters.requests, 2);
  EXPECT_TRUE(result->body == pattern(k_cap - 1));
  expect_padded_within_cap(result->body, k_cap - 1);
}

}  // namespace
}  // namespace rosterd::http
