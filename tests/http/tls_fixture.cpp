#include "tls_fixture.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace rosterd::http::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TLS fixture: ") + what);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  Ext extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  require(extension != nullptr && X509_add_ext(cert, extension.get(), -1) == 1, "extension");
}

Cert self_signed(EVP_PKEY* key) {
  Cert cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
  require(X509_sign(cert.get(), key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

template <class Write>
void write_pem(const std::string& path, Write write) {
  FILE* file = std::fopen(path.c_str(), "w");
  require(file != nullptr, "open PEM file");
  const bool ok = write(file);
  std::fclose(file);
  require(ok, "write PEM file");
}

}  // namespace

TlsFixture::TlsFixture() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rosterd-tls-XXXXXX").string();
  require(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  m_dir = pattern;
  m_cert_file = m_dir + "/cert.pem";
  m_key_file = m_dir + "/key.pem";
  Key key(EVP_EC_gen("P-256"));
  require(key != nullptr, "EVP_EC_gen");
  const Cert cert = self_signed(key.get());
  write_pem(m_cert_file, [&](FILE* file) { return PEM_write_X509(file, cert.get()) == 1; });
  write_pem(m_key_file, [&](FILE* file) {
    return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
}

TlsFixture::~TlsFixture() {
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
}

}  // namespace rosterd::http::testing
