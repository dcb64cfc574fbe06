// TLS verification is on: a certificate no trusted CA signed is refused, a
// private CA bundle (Options::ca_file) makes it trusted, and verification can be
// switched off only explicitly.

#include <gtest/gtest.h>

#include "builders.hpp"
#include "http/curl_client.hpp"
#include "test_server.hpp"
#include "tls_fixture.hpp"

namespace rosterd::http {
namespace {

class CurlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_server.server().Get(
        "/users", [](const httplib::Request&, httplib::Response& res) { res.set_content("[]", "application/json"); });
    m_server.start();
  }

  testing::TlsFixture m_tls;
  testing::TestServer m_server{m_tls.cert_file(), m_tls.key_file()};
};

TEST_F(CurlTlsTest, UntrustedCertificateIsATlsError) {
  CurlClient client;
  auto result = client.send(testing::get(m_server.url("/users")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::tls);
}

TEST_F(CurlTlsTest, PrivateCaFileMakesTheCertificateTrusted) {
  CurlClient client(testing::options_with([this](Options& o) { o.ca_file = m_tls.cert_file(); }));
  auto result = client.send(testing::get(m_server.url("/users")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "[]");
}

TEST_F(CurlTlsTest, UnreadableCaFileIsATlsError) {
  CurlClient client(testing::options_with([](Options& o) { o.ca_file = "/nonexistent/ca.pem"; }));
  auto result = client.send(testing::get(m_server.url("/users")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::tls);
}

TEST_F(CurlTlsTest, VerificationOffAcceptsAnyCertificate) {
  CurlClient client(testing::options_with([](Options& o) { o.verify_tls = false; }));
  auto result = client.send(testing::get(m_server.url("/users")));
  ASSERT_TRUE(result.ok()) << result.error().message;
}

}  // namespace
}  // namespace rosterd::http
