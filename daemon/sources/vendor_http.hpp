#pragma once
// What the vendor sources share around one HTTP exchange: the safe label every
// log line and error message shows, sending with the run's stop token, mapping a
// bare non-2xx status, and the stop check between pages.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/http_client.hpp"
#include "sources/source.hpp"

namespace rosterd::sources {

// Non-secret request parameters shown in a label, in request order.
using LabelParams = std::vector<std::pair<std::string, std::string>>;

// "GET https://host/path k1=v1 k2=v2": the method, core::redact_url of `url` (no
// user-info, query or fragment) and the given parameters. Never pass a credential.
std::string request_label(http::Method method, std::string_view url, const LabelParams& params = {});

// `base_url` without trailing slashes, then `path` ("/v1/users").
std::string endpoint(std::string_view base_url, std::string_view path);

// A JSON login: POST {"<login_key>": login, "password": password} to `base_url` +
// `path`, accepting JSON. The label shows the method and URL only.
http::Request json_login_request(std::string_view base_url, std::string_view path, std::string_view login_key,
                                 std::string_view login, std::string_view password);

// "<label>: <message>", keeping the kind.
core::Error labelled(const http::Request& request, const core::Error& error);

// Sends `request` with the run's stop token; a transport failure (connection,
// timeout, TLS, size cap, cancellation) comes back with the label as context.
core::Result<http::Response> exchange(RunContext& context, const http::Request& request);

[[nodiscard]] bool is_success(const http::Response& response) noexcept;

// A non-2xx status for a vendor without an error-response parser: "HTTP 503",
// ErrorKind::auth for 401/403 and ErrorKind::http otherwise. `body_error` is what
// the vendor's body parser made of the body: when that is an error document
// (ErrorKind::auth or vendor) its text is quoted, and a credential rejection stays
// ErrorKind::auth whatever the status.
core::Error status_error(long status, const core::Error* body_error = nullptr);

// ErrorKind::cancelled "interrupted" once the run's stop was requested.
core::Status check_stopped(const RunContext& context);

}  // namespace rosterd::sources
