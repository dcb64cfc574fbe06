#include "http/curl_errors.hpp"

#include "core/secrets.hpp"

namespace rosterd::http {

core::ErrorKind error_kind_of(CURLcode code) noexcept {
  using core::ErrorKind;
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return ErrorKind::config;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2_STREAM:
      return ErrorKind::connection;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_OBSOLETE51:  // the old CURLE_PEER_FAILED_VERIFICATION number
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return ErrorKind::tls;
    case CURLE_FILESIZE_EXCEEDED:
      return ErrorKind::too_large;
    case CURLE_ABORTED_BY_CALLBACK:
      return ErrorKind::cancelled;
    case CURLE_FAILED_INIT:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_WRITE_ERROR:  // only our write callback fails writes; the cap is checked first
      return ErrorKind::internal;
    default:
      // Protocol-level oddities (bad content encoding, ...): not transient, not retried.
      return ErrorKind::http;
  }
}

std::string_view error_summary(CURLcode code) noexcept {
  switch (error_kind_of(code)) {
    case core::ErrorKind::config:
      return code == CURLE_UNSUPPORTED_PROTOCOL ? "URL scheme not allowed (only http and https)" : "malformed URL";
    case core::ErrorKind::connection:
      return code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ? "could not connect"
                                                                                 : "connection failed";
    case core::ErrorKind::timeout:
      return "timed out";
    case core::ErrorKind::tls:
      return "TLS failure";
    case core::ErrorKind::too_large:
      return "response larger than the size cap";
    case core::ErrorKind::cancelled:
      return "cancelled";
    default:
      return "transfer failed";
  }
}

std::string sanitize_curl_text(std::string_view text, std::string_view url) {
  std::string out(text);
  const auto remove_all = [&out](std::string_view needle) {
    if (needle.empty()) return;
    for (auto pos = out.find(needle); pos != std::string::npos; pos = out.find(needle, pos)) {
      out.erase(pos, needle.size());
    }
  };
  remove_all(url);
  if (const auto query = url.find_first_of("?#"); query != std::string_view::npos) remove_all(url.substr(query));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return core::secrets().redact(out);
}

}  // namespace rosterd::http
