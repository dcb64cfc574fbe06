#pragma once
// A throw-away certificate authority for TLS tests: a self-signed certificate for
// 127.0.0.1 (subjectAltName IP) and its key, written as PEM files to a fresh
// temporary directory that is removed again.

#include <string>

namespace rosterd::http::testing {

class TlsFixture {
 public:
  TlsFixture();  // throws std::runtime_error when OpenSSL fails
  ~TlsFixture();
  TlsFixture(const TlsFixture&) = delete;
  TlsFixture& operator=(const TlsFixture&) = delete;

  // The certificate doubles as the CA bundle that trusts it.
  [[nodiscard]] const std::string& cert_file() const { return m_cert_file; }
  [[nodiscard]] const std::string& key_file() const { return m_key_file; }

 private:
  std::string m_dir;
  std::string m_cert_file;
  std::string m_key_file;
};

}  // namespace rosterd::http::testing
