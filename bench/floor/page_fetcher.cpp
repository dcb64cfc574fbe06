#include "floor/page_fetcher.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace rosterd::bench {
namespace {

constexpr std::size_t k_padding = 64;  // SIMDJSON_PADDING

void check(CURLcode code, const char* what) {
  if (code != CURLE_OK) throw std::runtime_error(fmt::format("{}: {}", what, curl_easy_strerror(code)));
}

}  // namespace

PageFetcher::PageFetcher(const std::vector<std::string>& headers) {
  check(curl_global_init(CURL_GLOBAL_DEFAULT), "curl_global_init");
  m_curl = curl_easy_init();
  if (m_curl == nullptr) throw std::runtime_error("curl_easy_init failed");
  for (const auto& line : headers) {
    curl_slist* extended = curl_slist_append(m_headers, line.c_str());
    if (extended == nullptr) throw std::runtime_error("out of memory");
    m_headers = extended;
  }
  check(curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, m_headers), "CURLOPT_HTTPHEADER");
  check(curl_easy_setopt(m_curl, CURLOPT_WRITEFUNCTION, &PageFetcher::on_data), "CURLOPT_WRITEFUNCTION");
  check(curl_easy_setopt(m_curl, CURLOPT_WRITEDATA, this), "CURLOPT_WRITEDATA");
  check(curl_easy_setopt(m_curl, CURLOPT_TCP_NODELAY, 1L), "CURLOPT_TCP_NODELAY");
  check(curl_easy_setopt(m_curl, CURLOPT_TIMEOUT, 120L), "CURLOPT_TIMEOUT");
}

PageFetcher::~PageFetcher() {
  curl_easy_cleanup(m_curl);
  curl_slist_free_all(m_headers);
  curl_global_cleanup();
}

std::size_t PageFetcher::on_data(char* data, std::size_t size, std::size_t count, void* self) {
  auto& body = static_cast<PageFetcher*>(self)->m_body;
  const std::size_t length = size * count;
  if (body.capacity() < body.size() + length + k_padding) body.reserve(2 * (body.size() + length) + k_padding);
  body.append(data, length);
  return length;
}

const std::string& PageFetcher::get(const std::string& url) {
  m_body.clear();
  check(curl_easy_setopt(m_curl, CURLOPT_URL, url.c_str()), "CURLOPT_URL");
  check(curl_easy_perform(m_curl), "GET");
  long status = 0;
  check(curl_easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE");
  if (status != 200) throw std::runtime_error(fmt::format("GET {}: HTTP {}", url, status));
  if (m_body.capacity() < m_body.size() + k_padding) m_body.reserve(m_body.size() + k_padding);
  ++m_requests;
  m_bytes += m_body.size();
  return m_body;
}

}  // namespace rosterd::bench
