// The real CurlClient against a local cpp-httplib server: exchanges, statuses,
// headers, and the lock-down (schemes, header injection). Failure modes (timeouts,
// caps, cancellation, error texts) are in curl_failure_test.cpp, redirects in
// curl_redirect_test.cpp.

#include "http/curl_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "builders.hpp"
#include "http/url.hpp"
#include "test_server.hpp"

namespace rosterd::http {
namespace {

using testing::TestServer;

class CurlClientTest : public ::testing::Test {
 protected:
  TestServer m_server;  // declared first: outlives the client and its pooled connections
};

TEST_F(CurlClientTest, GetReturnsBodyStatusContentTypeAndSendsCustomHeaders) {
  std::string token_seen;
  std::string agent_seen;
  m_server.server().Get("/users", [&](const httplib::Request& req, httplib::Response& res) {
    token_seen = req.get_header_value("X-Auth-Token");
    agent_seen = req.get_header_value("User-Agent");
    res.set_content(R"({"users":[]})", "application/json; charset=utf-8");
  });
  m_server.start();
  CurlClient client;
  Request request;
  request.url = m_server.url("/users?page=2");
  request.headers = {{"X-Auth-Token", "tok-123456"}};
  auto result = client.send(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"users":[]})");
  EXPECT_EQ(result->content_type, "application/json; charset=utf-8");
  EXPECT_EQ(token_seen, "tok-123456");
  EXPECT_EQ(agent_seen, "rosterd/" ROSTERD_VERSION);
}

TEST_F(CurlClientTest, PostSendsAFormBodyThatDecodesToTheSameFields) {
  std::string user;
  std::string pass;
  std::string content_type;
  m_server.server().Post("/login", [&](const httplib::Request& req, httplib::Response& res) {
    user = req.get_param_value("user");
    pass = req.get_param_value("pass");
    content_type = req.get_header_value("Content-Type");
    res.set_content("ok", "text/plain");
  });
  m_server.start();
  CurlClient client;
  Request request;
  request.method = Method::post;
  request.url = m_server.url("/login");
  request.body = form_encode({{"user", "a b+c@x.com"}, {"pass", "p&w=d%;"}});
  request.content_type = "application/x-www-form-urlencoded";
  auto result = client.send(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "ok");
  EXPECT_EQ(user, "a b+c@x.com");
  EXPECT_EQ(pass, "p&w=d%;");
  EXPECT_EQ(content_type, "application/x-www-form-urlencoded");
}

TEST_F(CurlClientTest, PostSendsAJsonBodyVerbatim) {
  std::string body;
  std::string content_type;
  m_server.server().Post("/v1/auth/login", [&](const httplib::Request& req, httplib::Response& res) {
    body = req.body;
    content_type = req.get_header_value("Content-Type");
    res.set_content(R"({"success":true})", "application/json");
  });
  m_server.start();
  CurlClient client;
  Request request;
  request.method = Method::post;
  request.url = m_server.url("/v1/auth/login");
  request.body = R"({"email":"a@x.com","password":"s3cret"})";
  request.content_type = "application/json";
  auto result = client.send(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(body, request.body);
  EXPECT_EQ(content_type, "application/json");
}

TEST_F(CurlClientTest, NonSuccessStatusesAreResponsesWithTheirBodies) {
  m_server.server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("no such page", "text/plain");
  });
  m_server.server().Get("/broken", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(R"({"error_type":"internal"})", "application/json");
  });
  m_server.start();
  CurlClient client;
  auto missing = client.send(testing::get(m_server.url("/missing")));
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "no such page");
  auto broken = client.send(testing::get(m_server.url("/broken")));
  ASSERT_TRUE(broken.ok()) << broken.error().message;
  EXPECT_EQ(broken->status, 500);
  EXPECT_EQ(broken->body, R"({"error_type":"internal"})");
}

TEST_F(CurlClientTest, RetryAfterIsReportedInSeconds) {
  m_server.server().Get("/limited", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "7");
    res.set_content(R"({"success":"false","message":"Too many requests."})", "application/json");
  });
  m_server.server().Get("/fine",
                        [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  m_server.start();
  CurlClient client;
  auto limited = client.send(testing::get(m_server.url("/limited")));
  ASSERT_TRUE(limited.ok()) << limited.error().message;
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->retry_after, std::chrono::seconds{7});
  auto fine = client.send(testing::get(m_server.url("/fine")));
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->retry_after, std::chrono::seconds{0});
}

TEST_F(CurlClientTest, SequentialRequestsReuseTheConnection) {
  std::vector<int> client_ports;
  m_server.server().Get("/ping", [&](const httplib::Request& req, httplib::Response& res) {
    client_ports.push_back(req.remote_port);
    res.set_content("pong", "text/plain");
  });
  m_server.start();
  CurlClient client;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.send(testing::get(m_server.url("/ping"))).ok());
  ASSERT_EQ(client_ports.size(), 3U);
  EXPECT_EQ(client_ports[0], client_ports[1]);
  EXPECT_EQ(client_ports[1], client_ports[2]);
}

TEST_F(CurlClientTest, OneClientServesConcurrentThreads) {
  m_server.server().Get(R"(/user/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("user " + req.matches[1].str(), "text/plain");
  });
  m_server.start();
  CurlClient client;
  std::atomic<int> correct{0};
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 4; ++worker) {
    workers.emplace_back([&, worker] {
      for (int i = 0; i < 10; ++i) {
        const std::string id = std::to_string(worker * 100 + i);
        auto result = client.send(testing::get(m_server.url("/user/" + id)));
        if (result.ok() && result->status == 200 && result->body == "user " + id) ++correct;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(correct.load(), 40);
}

TEST_F(CurlClientTest, GzipBodiesAreDecoded) {
  std::string accept_encoding;
  m_server.server().Get("/zipped", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    res.set_content(testing::gzip("hello, roster"), "text/plain");
  });
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/zipped")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "hello, roster");
  EXPECT_EQ(accept_encoding, "gzip");
}

TEST_F(CurlClientTest, OnlyHttpAndHttpsSchemesAreAllowed) {
  m_server.start();
  CurlClient client;
  auto file = client.send(testing::get("file:///etc/hostname"));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, core::ErrorKind::config);
  EXPECT_NE(file.error().message.find("only http and https"), std::string::npos) << file.error().message;
  auto ftp = client.send(testing::get("ftp://127.0.0.1:" + std::to_string(m_server.port()) + "/x"));
  ASSERT_FALSE(ftp.ok());
  EXPECT_EQ(ftp.error().kind, core::ErrorKind::config);
}

TEST_F(CurlClientTest, HeaderValuesWithLineBreaksAreRejectedUnsent) {
  std::atomic<int> requests{0};
  m_server.server().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    res.set_content("x", "text/plain");
  });
  m_server.start();
  CurlClient client;
  const Request request = testing::get(m_server.url("/x"), {{"X-Auth-Token", "abc\r\nX-Injected: 1"}});
  auto result = client.send(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::config);
  EXPECT_EQ(result.error().message.find("Injected"), std::string::npos) << result.error().message;
  EXPECT_EQ(requests.load(), 0);
}

}  // namespace
}  // namespace rosterd::http
