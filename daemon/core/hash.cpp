#include "core/hash.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include <array>
#include <stdexcept>

namespace rosterd::core {

std::uint64_t content_hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string md5_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("MD5 is not available in this OpenSSL build");
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

}  // namespace rosterd::core
