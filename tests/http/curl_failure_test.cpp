// How the real CurlClient fails: refused connections, total and low-speed
// timeouts, the byte cap, cancellation, and what error messages may contain.
// Stalling handlers park on the server's gate; nothing here sleeps.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <iostream>
#include <stop_token>

#include "builders.hpp"
#include "http/curl_client.hpp"
#include "test_server.hpp"

namespace rosterd::http {
namespace {

using namespace std::chrono_literals;
using testing::TestServer;

class CurlFailureTest : public ::testing::Test {
 protected:
  // A chunked body (no Content-Length, so no announced size) that writes `chunk`
  // until the client goes away or `total` bytes are sent; `bytes_sent` holds the
  // final count once `finished` is set.
  void serve_endless_chunks(const std::string& path, std::size_t chunk, std::uint64_t total) {
    m_server.server().Get(path, [this, chunk, total](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/octet-stream",
                                       [this, chunk, total](std::size_t, httplib::DataSink& sink) {
                                         const std::string block(chunk, 'x');
                                         while (m_bytes_sent < total && sink.write(block.data(), block.size()))
                                           m_bytes_sent += block.size();
                                         m_finished.set();
                                         if (m_bytes_sent >= total) sink.done();
                                         return m_bytes_sent >= total;
                                       });
    });
  }

  // Sends the headers, then stalls until the gate opens. (No body bytes: libcurl
  // averages the speed over a window of about 5 s, so after even a few bytes the
  // low-speed limit trips seconds later than LOW_SPEED_TIME.)
  void serve_stall_after_headers(const std::string& path) {
    m_server.server().Get(path, [this](const httplib::Request&, httplib::Response& res) {
      m_arrived.set();
      res.set_chunked_content_provider("text/plain", [this](std::size_t, httplib::DataSink& sink) {
        m_server.gate.wait();
        sink.done();
        return true;
      });
    });
  }

  // Accepts the request and answers nothing until the gate opens.
  void serve_silence(const std::string& path) {
    m_server.server().Get(path, [this](const httplib::Request&, httplib::Response& res) {
      m_arrived.set();
      m_server.gate.wait();
      res.set_content("late", "text/plain");
    });
  }

  std::atomic<std::uint64_t> m_bytes_sent{0};
  testing::Event m_finished;
  testing::Event m_arrived;
  // Declared last, so destroyed first: its destructor joins the handler threads,
  // which call m_arrived.set() and m_finished.set() (and touch m_bytes_sent) and
  // may still be inside them when the test body returns.
  TestServer m_server;
};

TEST_F(CurlFailureTest, ClosedPortIsAConnectionError) {
  CurlClient client;
  auto result = client.send(testing::get("http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/x"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::connection);
  EXPECT_NE(result.error().message.find("could not connect"), std::string::npos) << result.error().message;
}

TEST_F(CurlFailureTest, HttpsToAServerWithoutTlsIsATlsError) {
  m_server.server().Get("/x",
                        [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get("https://127.0.0.1:" + std::to_string(m_server.port()) + "/x"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::tls);
}

TEST_F(CurlFailureTest, SilentServerHitsTheTotalTimeout) {
  serve_silence("/slow");
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.timeout = 300ms; }));
  auto result = client.send(testing::get(m_server.url("/slow")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::timeout);
  EXPECT_NE(result.error().message.find("timed out"), std::string::npos) << result.error().message;
}

TEST_F(CurlFailureTest, StalledBodyHitsTheLowSpeedLimitBeforeTheTotalTimeout) {
  serve_stall_after_headers("/stall");
  m_server.start();
  // LOW_SPEED_TIME has whole-second resolution: 300 ms rounds up to 1 s, well
  // before the 20 s total timeout.
  CurlClient client(testing::options_with([](Options& o) {
    o.timeout = 20s;
    o.low_speed_time = 300ms;
  }));
  auto result = client.send(testing::get(m_server.url("/stall")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::timeout);
  EXPECT_NE(result.error().message.find("too slow"), std::string::npos) << result.error().message;
}

TEST_F(CurlFailureTest, ChunkedBodyOverTheCapIsTooLargeAndCutShort) {
  constexpr std::uint64_t k_offered = 512ull << 20;
  serve_endless_chunks("/huge", 64 << 10, k_offered);
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.max_response_bytes = 1 << 20; }));
  auto result = client.send(testing::get(m_server.url("/huge")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::too_large);
  EXPECT_EQ(result.error().message.find("announced"), std::string::npos) << result.error().message;
  // The server's writes fail once the client hangs up; the bound only keeps a
  // broken client from hanging the suite.
  ASSERT_TRUE(m_finished.wait_for(10s));
  RecordProperty("bytes_sent", std::to_string(m_bytes_sent.load()));
  EXPECT_LT(m_bytes_sent.load(), 64ull << 20) << "the transfer was not aborted early";
}

TEST_F(CurlFailureTest, AnnouncedLengthOverTheCapIsTooLarge) {
  m_server.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    // Not a type httplib would gzip: the Content-Length must announce 2 MiB.
    res.set_content(std::string(2 << 20, 'x'), "application/octet-stream");
  });
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.max_response_bytes = 1 << 20; }));
  auto result = client.send(testing::get(m_server.url("/big")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::too_large);
  EXPECT_NE(result.error().message.find("announced"), std::string::npos) << result.error().message;
}

TEST_F(CurlFailureTest, GzipBombIsCappedOnDecodedBytes) {
  const std::string bomb = testing::gzip(std::string(16 << 20, '\0'));
  ASSERT_LT(bomb.size(), 64U << 10);
  m_server.server().Get("/bomb", [&bomb](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(bomb, "application/json");
  });
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.max_response_bytes = 1 << 20; }));
  auto result = client.send(testing::get(m_server.url("/bomb")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::too_large);
}

TEST_F(CurlFailureTest, StopRequestEndsAStalledTransfer) {
  serve_stall_after_headers("/stall");
  m_server.start();
  // Timeouts far beyond the test's life: only the stop request can end it.
  CurlClient client(testing::options_with([](Options& o) {
    o.timeout = 60s;
    o.low_speed_time = 60s;
  }));
  std::stop_source stop;
  auto pending = std::async(std::launch::async,
                            [&] { return client.send(testing::get(m_server.url("/stall")), stop.get_token()); });
  m_arrived.wait();
  const auto stop_at = std::chrono::steady_clock::now();
  stop.request_stop();
  auto result = pending.get();
  const auto latency =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - stop_at);
  RecordProperty("stop_latency_us", std::to_string(latency.count()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::cancelled);
}

TEST_F(CurlFailureTest, StopRequestEndsAWaitForTheFirstByte) {
  serve_silence("/silent");
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.timeout = 60s; }));
  std::stop_source stop;
  auto pending = std::async(std::launch::async,
                            [&] { return client.send(testing::get(m_server.url("/silent")), stop.get_token()); });
  m_arrived.wait();
  stop.request_stop();
  auto result = pending.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::cancelled);
}

TEST_F(CurlFailureTest, AlreadyStoppedRequestIsNotSent) {
  std::atomic<int> requests{0};
  m_server.server().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    res.set_content("x", "text/plain");
  });
  m_server.start();
  CurlClient client;
  std::stop_source stop;
  stop.request_stop();
  auto result = client.send(testing::get(m_server.url("/x")), stop.get_token());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::cancelled);
  EXPECT_EQ(requests.load(), 0);
}

// Worksection signs the query (hash=...), CrocoDial may put goPass there; tokens
// travel in headers. None of it may reach an error message.
TEST_F(CurlFailureTest, ErrorMessagesNameTheLabelButNoQueryOrHeader) {
  serve_silence("/slow");
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.timeout = 300ms; }));
  const auto check = [](const core::Result<Response>& result, const std::string& expected_label) {
    ASSERT_FALSE(result.ok());
    const std::string& message = result.error().message;
    EXPECT_EQ(message.rfind(expected_label + ": ", 0), 0U) << message;
    for (const char* leak : {"QUERYSECRET", "hash=", "goPass", "HEADERSECRET", "Bearer"}) {
      EXPECT_EQ(message.find(leak), std::string::npos) << leak << " in: " << message;
    }
  };
  const std::vector<Header> headers{{"Authorization", "Bearer HEADERSECRET"}};
  const std::string refused_base = "http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/api";

  check(client.send(testing::get(refused_base + "?action=get_users&hash=QUERYSECRET", headers)), "GET " + refused_base);
  check(client.send(testing::get(m_server.url("/slow?goPass=QUERYSECRET"), headers)), "GET " + m_server.url("/slow"));
  Request labelled = testing::post(refused_base + "?goPass=QUERYSECRET", "goPass=QUERYSECRET",
                                   "application/x-www-form-urlencoded", headers);
  labelled.label = "POST /goAPI.php goAction=goGetAllUsers";
  check(client.send(labelled), labelled.label);
}

}  // namespace
}  // namespace rosterd::http
