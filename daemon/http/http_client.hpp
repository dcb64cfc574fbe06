#pragma once
// The HTTP seam. Sources talk to vendors through http::Client; the real one is
// libcurl (curl_client.hpp), wrapped by the retry decorator (retrying_client.hpp);
// tests substitute scripted fakes.
//
// A non-2xx status is a Response, not an Error: vendors put meaning in error
// bodies (Class4's error_type, Smartflo's 429 body), so the source decides.
// Errors are transport failures: connection, timeout, TLS, size cap, refused
// redirect, cancellation.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rosterd::http {

enum class Method { get, post };

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  Method method = Method::get;
  // The full URL. May carry a credential (Worksection's hash): never log it.
  std::string url;
  // May carry credentials (Authorization, X-Auth-Token): never log them.
  std::vector<Header> headers;
  std::string body;
  std::string content_type;  // for POST bodies, e.g. "application/x-www-form-urlencoded"
  // What logs and error messages show for this request: method, redacted URL and
  // the non-secret parameters, e.g. "POST https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php goAction=goGetAllUsers".
  std::string label;
};

// Spare capacity a Response body from libcurl keeps after its bytes: simdjson reads
// up to SIMDJSON_PADDING (64) bytes past a document's end, and parses a body with
// that much allocated after it where it lies, without copying it (sources/json_document.hpp).
inline constexpr std::size_t k_body_padding = 64;

struct Response {
  long status = 0;
  // From CurlClient: capacity() >= size() + k_body_padding, and capacity() <=
  // max_response_bytes + k_body_padding. Moving a Response keeps that; copying the
  // body does not (the parser then copies it once more).
  std::string body;
  // Retry-After as libcurl reports it (seconds; HTTP-dates converted); 0 when absent.
  std::chrono::seconds retry_after{0};
  std::string content_type;
  std::string location;  // Location header of a redirect, if any
  std::string link;      // the Link headers (RFC 8288), joined with ", "; empty when none
};

struct Options {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{30'000};            // whole transfer
  std::chrono::milliseconds low_speed_time{15'000};     // abort when below low_speed_limit this long (whole seconds, rounded up)
  long low_speed_limit = 1;                              // bytes per second
  std::uint64_t max_response_bytes = 256ull << 20;      // enforced while receiving
  bool verify_tls = true;
  std::string ca_file;                                   // private CA bundle, empty for the system's
  int max_redirects = 3;                                 // same-origin redirects only
  std::string user_agent = "rosterd/" ROSTERD_VERSION;
};

class Client {
 public:
  virtual ~Client() = default;
  // Performs one exchange (the retrying decorator may perform several). Returns
  // early with ErrorKind::cancelled once `stop` is requested.
  virtual core::Result<Response> send(const Request& request, std::stop_token stop = {}) = 0;
};

// "GET https://host/path": the label for a request when the caller gave none.
std::string default_label(const Request& request);

// request.label, or default_label(request) when it is empty.
std::string label_of(const Request& request);

// Counts requests and bytes for one run (sync_runs.requests/bytes), and for the metrics
// (README, "Monitoring") the attempts by status class and the retries.
struct TransferCounters {
  std::int64_t requests = 0;
  std::int64_t bytes = 0;
  std::int64_t retries = 0;
  // Attempts by outcome: [0] no response (a transport error), [1]..[5] statuses 1xx..5xx.
  std::array<std::int64_t, 6> by_class{};
};

// The index of TransferCounters::by_class a response's status counts in (0: outside 100..599).
std::size_t status_class(long status) noexcept;

}  // namespace rosterd::http
