#pragma once
// The real http::Client: libcurl, locked down for a daemon (docs/reliability.md "HTTP"):
// http and https only, connect/total/low-speed timeouts, TLS verification, a byte
// cap enforced while receiving, no verbose output.
//
// Redirects are followed by hand and only within the same origin (scheme, host,
// port), at most Options::max_redirects times: 303, and 301/302 after a POST,
// continue as GET without the body; 307/308 keep method and body. A redirect to
// another origin is an ErrorKind::redirect error, so credentials in headers or
// form bodies never reach another host.
//
// A Response body keeps at least 64 bytes of spare capacity (SIMDJSON_PADDING),
// so simdjson parses it in place as long as it is moved, not copied.
//
// Thread-safe: one CurlClient serves all worker threads of a source. Idle libcurl
// handles are pooled (under a mutex) so sequential requests reuse connections.

#include <memory>
#include <mutex>
#include <stop_token>
#include <vector>

#include "http/http_client.hpp"

namespace rosterd::http {

class CurlTransfer;

class CurlClient final : public Client {
 public:
  explicit CurlClient(Options options = {});
  ~CurlClient() override;
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  // Errors read "<label>: <what happened>" (Request::label or default_label());
  // they never contain the URL's query, a header or a body.
  core::Result<Response> send(const Request& request, std::stop_token stop = {}) override;

  [[nodiscard]] const Options& options() const noexcept { return m_options; }

 private:
  std::unique_ptr<CurlTransfer> acquire();
  void release(std::unique_ptr<CurlTransfer> transfer);

  const Options m_options;
  std::mutex m_mutex;
  std::vector<std::unique_ptr<CurlTransfer>> m_idle;  // guarded by m_mutex
};

}  // namespace rosterd::http
