// CurlClient follows redirects by hand, within the same origin only, so that
// credentials in headers and form bodies never reach another host.

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "builders.hpp"
#include "http/curl_client.hpp"
#include "test_server.hpp"

namespace rosterd::http {
namespace {

using testing::TestServer;

class CurlRedirectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The other origin: counts every request that reaches it, whatever the path.
    m_other.server().set_pre_routing_handler([this](const httplib::Request&, httplib::Response& res) {
      ++m_other_requests;
      res.set_content("stolen", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    });
    m_other.start();
  }

  void redirect(const std::string& from, int status, const std::string& location) {
    const auto handler = [status, location](const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_header("Location", location);
    };
    m_server.server().Get(from, handler);
    m_server.server().Post(from, handler);
  }

  // Records the method, body and Authorization header of the request that lands.
  void serve_final(const std::string& path) {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      m_final_method = req.method;
      m_final_body = req.body;
      m_final_auth = req.get_header_value("Authorization");
      res.set_content("final", "text/plain");
    };
    m_server.server().Get(path, handler);
    m_server.server().Post(path, handler);
  }

  Request post(const std::string& path) {
    return testing::post(m_server.url(path), "user=a&pass=hunter22", "application/x-www-form-urlencoded",
                         {{"Authorization", "Bearer tok-9f8e7d"}});
  }

  TestServer m_server;
  TestServer m_other;
  std::atomic<int> m_other_requests{0};
  std::string m_final_method;
  std::string m_final_body;
  std::string m_final_auth;
};

TEST_F(CurlRedirectTest, SameOriginRedirectsAreFollowedWithTheirHeaders) {
  redirect("/start", 302, "/middle");                // relative
  redirect("/middle", 301, m_server.url("/final"));  // absolute, same origin
  serve_final("/final");
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/start"), {{"Authorization", "Bearer tok-9f8e7d"}}));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "final");
  EXPECT_EQ(m_final_auth, "Bearer tok-9f8e7d");
}

TEST_F(CurlRedirectTest, SeeOtherAndPostFoundContinueAsGetWithoutTheBody) {
  for (const int status : {303, 302, 301}) {
    SCOPED_TRACE(status);
    const std::string from = "/submit" + std::to_string(status);
    redirect(from, status, "/result");
  }
  serve_final("/result");
  m_server.start();
  CurlClient client;
  for (const int status : {303, 302, 301}) {
    SCOPED_TRACE(status);
    m_final_method.clear();
    auto result = client.send(post("/submit" + std::to_string(status)));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(m_final_method, "GET");
    EXPECT_EQ(m_final_body, "");
  }
}

TEST_F(CurlRedirectTest, TemporaryAndPermanentRedirectsKeepMethodAndBody) {
  redirect("/submit307", 307, "/result");
  redirect("/submit308", 308, "/result");
  serve_final("/result");
  m_server.start();
  CurlClient client;
  for (const char* path : {"/submit307", "/submit308"}) {
    SCOPED_TRACE(path);
    m_final_method.clear();
    auto result = client.send(post(path));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(m_final_method, "POST");
    EXPECT_EQ(m_final_body, "user=a&pass=hunter22");
  }
}

TEST_F(CurlRedirectTest, RedirectToAnotherPortIsRefusedAndNothingReachesIt) {
  redirect("/login", 307, m_other.url("/steal?hash=QUERYSECRET"));
  m_server.start();
  CurlClient client;
  auto result = client.send(post("/login"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::redirect);
  const std::string& message = result.error().message;
  EXPECT_NE(message.find(m_other.url("/steal")), std::string::npos) << message;
  EXPECT_EQ(message.find("QUERYSECRET"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter22"), std::string::npos) << message;
  m_other.stop();  // joins its workers: a request that arrived at all is counted
  EXPECT_EQ(m_other_requests.load(), 0);
}

TEST_F(CurlRedirectTest, RedirectToAnotherHostNameIsRefused) {
  std::atomic<int> final_requests{0};
  redirect("/start", 302, "http://localhost:" + std::to_string(m_server.port()) + "/final");
  m_server.server().Get("/final", [&](const httplib::Request&, httplib::Response& res) {
    ++final_requests;
    res.set_content("final", "text/plain");
  });
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/start"), {{"X-Auth-Token", "tok-9f8e7d"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::redirect);
  // Had the client followed, it would have waited for /final's answer, which
  // counts before it is sent.
  EXPECT_EQ(final_requests.load(), 0);
}

TEST_F(CurlRedirectTest, RedirectToAnotherSchemeIsRefused) {
  redirect("/start", 302, "file:///etc/passwd");
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/start")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::redirect);
}

TEST_F(CurlRedirectTest, RedirectLoopEndsAfterMaxRedirects) {
  std::atomic<int> hops{0};
  m_server.server().Get("/loop", [&](const httplib::Request&, httplib::Response& res) {
    ++hops;
    res.status = 302;
    res.set_header("Location", "/loop");
  });
  m_server.start();
  CurlClient client(testing::options_with([](Options& o) { o.max_redirects = 3; }));
  auto result = client.send(testing::get(m_server.url("/loop")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::redirect);
  EXPECT_NE(result.error().message.find("too many redirects"), std::string::npos) << result.error().message;
  EXPECT_EQ(hops.load(), 4);  // the request and three redirects
}

TEST_F(CurlRedirectTest, RedirectWithoutLocationIsAResponse) {
  m_server.server().Get("/odd", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_content("no location", "text/plain");
  });
  m_server.start();
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/odd")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 302);
  EXPECT_EQ(result->body, "no location");
}

}  // namespace
}  // namespace rosterd::http
