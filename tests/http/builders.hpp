#pragma once
// Builders for the seam's structs (GCC's -Wmissing-field-initializers fires on
// designated initializers that skip members).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "http/http_client.hpp"
#include "http/retrying_client.hpp"

namespace rosterd::http::testing {

inline Request get(std::string url, std::vector<Header> headers = {}) {
  Request request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  return request;
}

inline Request post(std::string url, std::string body, std::string content_type, std::vector<Header> headers = {}) {
  Request request;
  request.method = Method::post;
  request.url = std::move(url);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  request.headers = std::move(headers);
  return request;
}

inline Response response(long status, std::string body = {}, std::chrono::seconds retry_after = {}) {
  Response out;
  out.status = status;
  out.body = std::move(body);
  out.retry_after = retry_after;
  return out;
}

inline RetryPolicy retries(int count) {
  RetryPolicy policy;
  policy.retries = count;
  return policy;
}

// Options with a change applied: options_with([](Options& o) { o.timeout = 300ms; }).
template <class Edit>
Options options_with(Edit edit) {
  Options options;
  edit(options);
  return options;
}

}  // namespace rosterd::http::testing
