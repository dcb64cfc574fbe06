#include "core/hash.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include <array>
#include <stdexcept>

namespace rosterd::core {

std::uint64_t content_hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

namespace {

std::string digest_hex(std::string_view bytes, const EVP_MD* algorithm, const char* name) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, algorithm, nullptr) != 1) {
    throw std::runtime_error(std::string(name) + " is not available in this OpenSSL build");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(k_hex[digest[i] >> 4]);
    out.push_back(k_hex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string md5_hex(std::string_view bytes) { return digest_hex(bytes, EVP_md5(), "MD5"); }

std::string sha256_hex(std::string_view bytes) { return digest_hex(bytes, EVP_sha256(), "SHA-256"); }

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL after
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace rosterd::core
