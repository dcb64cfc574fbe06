#include "http/curl_global.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace rosterd::http {

void ensure_curl_initialized() {
  static const CURLcode k_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  // Failing here means libcurl itself is unusable (out of memory at start, a
  // broken TLS backend): nothing in the daemon can work, so it is not a Result.
  if (k_init != CURLE_OK) throw std::runtime_error("libcurl could not be initialised");
}

}  // namespace rosterd::http
