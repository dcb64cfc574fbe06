#include "http/http_client.hpp"

#include <string>

#include "core/secrets.hpp"

namespace rosterd::http {

std::string default_label(const Request& request) {
  const char* method = request.method == Method::post ? "POST " : "GET ";
  return method + core::redact_url(request.url);
}

std::string label_of(const Request& request) {
  return request.label.empty() ? default_label(request) : request.label;
}

std::size_t status_class(long status) noexcept {
  return status >= 100 && status <= 599 ? static_cast<std::size_t>(status / 100) : 0;
}

}  // namespace rosterd::http
