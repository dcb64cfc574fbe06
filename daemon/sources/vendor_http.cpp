#include "sources/vendor_http.hpp"

#include <fmt/format.h>

#include "core/json_writer.hpp"
#include "core/secrets.hpp"

namespace rosterd::sources {

std::string request_label(http::Method method, std::string_view url, const LabelParams& params) {
  std::string label = method == http::Method::post ? "POST " : "GET ";
  label += core::redact_url(url);
  for (const auto& [key, value] : params) label += fmt::format(" {}={}", key, value);
  return label;
}

std::string endpoint(std::string_view base_url, std::string_view path) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  return std::string(base_url) + std::string(path);
}

http::Request json_login_request(std::string_view base_url, std::string_view path, std::string_view login_key,
                                 std::string_view login, std::string_view password) {
  http::Request request;
  request.method = http::Method::post;
  request.url = endpoint(base_url, path);
  request.content_type = "application/json";
  request.headers = {{"Accept", "application/json"}};
  core::JsonWriter body;
  body.begin_object().key(login_key).value(login).key("password").value(password);
  request.body = body.end_object().take();
  request.label = request_label(http::Method::post, request.url);
  return request;
}

core::Error labelled(const http::Request& request, const core::Error& error) {
  return error.with_context(http::label_of(request));
}

core::Result<http::Response> exchange(RunContext& context, const http::Request& request) {
  auto response = context.http.send(request, context.stop);
  // The real clients (curl, retrying) already start their errors with the label:
  // saying it twice makes an error line hard to read.
  if (!response && !response.error().message.starts_with(http::label_of(request) + ": ")) {
    return labelled(request, response.error());
  }
  return response;
}

bool is_success(const http::Response& response) noexcept {
  return response.status >= 200 && response.status < 300;
}

core::Error status_error(long status, const core::Error* body_error) {
  const bool document = body_error != nullptr &&
                        (body_error->kind == core::ErrorKind::auth || body_error->kind == core::ErrorKind::vendor);
  const bool rejected = status == 401 || status == 403 || (document && body_error->kind == core::ErrorKind::auth);
  const auto kind = rejected ? core::ErrorKind::auth : core::ErrorKind::http;
  if (!document) return core::Error{kind, fmt::format("HTTP {}", status)};
  return core::Error{kind, fmt::format("HTTP {}: {}", status, body_error->message)};
}

core::Status check_stopped(const RunContext& context) {
  if (context.stop.stop_requested()) return core::Error{core::ErrorKind::cancelled, "interrupted"};
  return {};
}

}  // namespace rosterd::sources
