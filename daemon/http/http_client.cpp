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

}  // namespace rosterd::http
