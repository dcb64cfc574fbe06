#include "http/curl_client.hpp"

#include <chrono>
#include <string>
#include <utility>

#include "core/secrets.hpp"
#include "http/curl_transfer.hpp"
#include "http/url.hpp"

namespace rosterd::http {
namespace {

// Idle handles kept for reuse; a source runs a handful of workers at most.
constexpr std::size_t k_max_idle = 8;

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// What browsers do: 303 always, and 301/302 after a POST, continue as a GET.
bool becomes_get(long status, Method method) {
  return status == 303 || (method == Method::post && (status == 301 || status == 302));
}

core::Error error(core::ErrorKind kind, const std::string& label, const std::string& what) {
  return core::Error{kind, label + ": " + what};
}

}  // namespace

CurlClient::CurlClient(Options options) : m_options(std::move(options)) {}

CurlClient::~CurlClient() = default;

std::unique_ptr<CurlTransfer> CurlClient::acquire() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      auto transfer = std::move(m_idle.back());
      m_idle.pop_back();
      return transfer;
    }
  }
  return std::make_unique<CurlTransfer>();
}

void CurlClient::release(std::unique_ptr<CurlTransfer> transfer) {
  std::lock_guard lock(m_mutex);
  if (m_idle.size() < k_max_idle) m_idle.push_back(std::move(transfer));
}

core::Result<Response> CurlClient::send(const Request& request, std::stop_token stop) {
  using std::chrono::milliseconds;
  const std::string label = label_of(request);
  if (stop.stop_requested()) return error(core::ErrorKind::cancelled, label, "cancelled");

  // Options::timeout bounds the whole exchange, redirects included.
  const auto deadline = std::chrono::steady_clock::now() + m_options.timeout;
  std::string url = request.url;
  Hop hop{request.method, url, &request.headers, request.body, request.content_type};
  auto transfer = acquire();
  for (int redirects = 0;; ++redirects) {
    const auto time_left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (time_left <= milliseconds::zero()) {
      return error(core::ErrorKind::timeout, label, "timed out while following redirects");
    }
    auto result = transfer->perform(hop, m_options, time_left, stop, label);
    if (!result) return std::move(result).error();  // the handle is dropped with its failed connection
    HopResult& hop_result = *result;
    const long status = hop_result.response.status;
    if (!is_redirect(status) || hop_result.redirect_url.empty()) {
      release(std::move(transfer));
      return std::move(hop_result.response);
    }
    if (!same_origin(url, hop_result.redirect_url)) {
      release(std::move(transfer));
      return error(core::ErrorKind::redirect, label,
                   "refused a redirect (HTTP " + std::to_string(status) +
                       ") to another origin: " + core::secrets().redact(core::redact_url(hop_result.redirect_url)));
    }
    if (redirects >= m_options.max_redirects) {
      release(std::move(transfer));
      return error(core::ErrorKind::redirect, label,
                   "too many redirects (more than " + std::to_string(m_options.max_redirects) + ")");
    }
    url = std::move(hop_result.redirect_url);
    hop.url = url;
    if (becomes_get(status, hop.method)) {
      hop.method = Method::get;
      hop.body = {};
      hop.content_type = {};
    }
  }
}

}  // namespace rosterd::http
