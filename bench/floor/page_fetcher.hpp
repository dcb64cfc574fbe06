#pragma once
// One keep-alive libcurl handle that GETs pages: the floor's transport, configured like
// rosterd's (no compression, TCP_NODELAY) so that both pay the same for the bytes.

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace rosterd::bench {

class PageFetcher {
 public:
  // `headers` are full lines ("X-Auth-Token: ..."), sent with every request.
  explicit PageFetcher(const std::vector<std::string>& headers);
  ~PageFetcher();
  PageFetcher(const PageFetcher&) = delete;
  PageFetcher& operator=(const PageFetcher&) = delete;

  // The body of a 200 answer, valid until the next get(); its capacity leaves room for
  // simdjson's padding, so parsing needs no copy. Throws std::runtime_error otherwise.
  const std::string& get(const std::string& url);
  [[nodiscard]] std::size_t requests() const { return m_requests; }
  [[nodiscard]] std::size_t bytes() const { return m_bytes; }

 private:
  static std::size_t on_data(char* data, std::size_t size, std::size_t count, void* self);

  CURL* m_curl = nullptr;
  curl_slist* m_headers = nullptr;
  std::string m_body;
  std::size_t m_requests = 0;
  std::size_t m_bytes = 0;
};

}  // namespace rosterd::bench
