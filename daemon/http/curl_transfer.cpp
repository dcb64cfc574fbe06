#include "http/curl_transfer.hpp"

#include <curl/header.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <string>

#include "core/secrets.hpp"
#include "http/curl_errors.hpp"
#include "http/curl_global.hpp"

namespace rosterd::http {
namespace {

// Longest wait between two looks at the stop token when libcurl has no timer due
// sooner; a stop request wakes the poll at once, so this only bounds idle spins.
constexpr int k_poll_timeout_ms = 1000;

// First capacity of a body buffer: most vendor answers (an error document, a login,
// a per-user call) fit without growing.
constexpr std::size_t k_initial_body_capacity = 16 * 1024;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

long to_curl_ms(std::chrono::milliseconds value) {
  return static_cast<long>(std::max<std::int64_t>(1, value.count()));
}

// CURLOPT_LOW_SPEED_TIME takes whole seconds: round up, at least 1.
long to_curl_seconds_ceil(std::chrono::milliseconds value) {
  return static_cast<long>(std::max<std::int64_t>(1, (value.count() + 999) / 1000));
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

bool append(HeaderList& list, const std::string& line) {
  curl_slist* extended = curl_slist_append(list.get(), line.c_str());
  if (extended == nullptr) return false;  // the old list is still valid and owned
  (void)list.release();
  list.reset(extended);
  return true;
}

// The request's headers for CURLOPT_HTTPHEADER. A line break in a header would let
// a value smuggle in further headers: refused, naming the header but not its value.
core::Result<HeaderList> build_header_list(const Hop& hop) {
  HeaderList list;
  bool ok = true;
  for (const auto& header : *hop.headers) {
    if (has_line_break(header.name) || has_line_break(header.value)) {
      return core::Error{core::ErrorKind::config,
                         "header " + core::secrets().redact(header.name) + " contains a line break"};
    }
    ok = ok && append(list, header.name + ": " + header.value);
  }
  if (!hop.content_type.empty()) ok = ok && append(list, "Content-Type: " + std::string(hop.content_type));
  ok = ok && append(list, "Expect:");  // no 100-continue round trip before larger POST bodies
  if (!ok) return core::Error{core::ErrorKind::internal, "out of memory building request headers"};
  return list;
}

}  // namespace

struct CurlTransfer::State {
  CURL* easy = nullptr;  // for the announced length
  std::string body;
  std::uint64_t cap = 0;
  bool over_cap = false;
  bool out_of_memory = false;
  std::stop_token stop;
  std::string url;  // NUL-terminated copy for CURLOPT_URL
};

namespace {

// The capacity `body` grows to so that `more` bytes fit with k_body_padding spare,
// when they do not yet (else its capacity). The body never holds more than `cap`
// bytes, so no capacity exceeds cap + k_body_padding, the ceiling. Capacities double
// while they stay within half the ceiling, then jump to the ceiling itself: each
// growth copies the body into a new buffer while the old one is still held, and
// this way the two together never hold more than the ceiling. (Appending with
// std::string's own growth doubled past the cap: an endless body under a 64 MiB cap
// held a 63 MiB buffer and its 126 MiB successor at once.) Only the bytes written
// count as resident memory: the rest of a large fresh buffer is untouched pages.
std::size_t grown_capacity(const std::string& body, std::size_t more, std::uint64_t cap) {
  const std::size_t needed = body.size() + more + k_body_padding;
  if (needed <= body.capacity()) return body.capacity();
  const std::size_t ceiling = static_cast<std::size_t>(
      std::min<std::uint64_t>(cap, std::numeric_limits<std::size_t>::max() - k_body_padding) + k_body_padding);
  const std::size_t doubled = std::max({needed, 2 * body.capacity(), k_initial_body_capacity});
  return doubled <= ceiling / 2 ? doubled : ceiling;
}

// The first capacity: the announced Content-Length (with k_body_padding), so that a
// body of the length announced is received without a copy, when it is at most half
// the cap (a larger one, or a body longer than announced, as a compressed one is,
// grows as grown_capacity says, within the same bound); else as grown_capacity says.
std::size_t announced_capacity(const CurlTransfer::State& state, std::size_t more) {
  curl_off_t length = -1;
  if (curl_easy_getinfo(state.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0 &&
      static_cast<std::uint64_t>(length) <= state.cap / 2 && static_cast<std::size_t>(length) >= more) {
    return static_cast<std::size_t>(length) + k_body_padding;
  }
  return grown_capacity(state.body, more, state.cap);
}

// Gives `body` exactly `capacity` (std::string::reserve may round a growth up to
// twice the old capacity; a fresh string takes what it is asked for).
void regrow(std::string& body, std::size_t capacity) {
  std::string larger;
  larger.reserve(capacity);
  larger.append(body);
  body.swap(larger);
}

// The cap lives here because CURLOPT_MAXFILESIZE only checks an announced size
// (docs/reliability.md "HTTP"); the callback sees decoded bytes, so a gzip bomb is cut too.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<CurlTransfer::State*>(user);
  const std::size_t bytes = size * count;
  if (state.body.size() + bytes > state.cap) {
    state.over_cap = true;
    return 0;  // fewer bytes than offered: libcurl aborts with CURLE_WRITE_ERROR
  }
  if (const auto capacity =
          state.body.empty() ? announced_capacity(state, bytes) : grown_capacity(state.body, bytes, state.cap);
      capacity > state.body.capacity()) {
    try {
      regrow(state.body, capacity);
    } catch (const std::bad_alloc&) {
      state.out_of_memory = true;
      return 0;
    }
  }
  state.body.append(data, bytes);
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& state = *static_cast<const CurlTransfer::State*>(user);
  return state.stop.stop_requested() ? 1 : 0;
}

}  // namespace

CurlTransfer::CurlTransfer() {
  ensure_curl_initialized();
  m_multi = curl_multi_init();
  m_easy = curl_easy_init();
  if (m_multi == nullptr || m_easy == nullptr) {
    if (m_easy != nullptr) curl_easy_cleanup(m_easy);
    if (m_multi != nullptr) curl_multi_cleanup(m_multi);
    throw std::bad_alloc();
  }
}

CurlTransfer::~CurlTransfer() {
  curl_easy_cleanup(m_easy);
  curl_multi_cleanup(m_multi);  // closes the connections cached for keep-alive
}

core::Status CurlTransfer::configure(const Hop& hop, const Options& options, std::chrono::milliseconds time_left,
                                     State& state, curl_slist* header_list) {
  curl_easy_reset(m_easy);  // a pooled handle: forget the previous request, keep its connections
  CURLcode first = CURLE_OK;
  const auto note = [&first](CURLcode code) {
    if (first == CURLE_OK) first = code;
  };
  note(curl_easy_setopt(m_easy, CURLOPT_URL, state.url.c_str()));
  note(curl_easy_setopt(m_easy, CURLOPT_NOSIGNAL, 1L));
  note(curl_easy_setopt(m_easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  note(curl_easy_setopt(m_easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  note(curl_easy_setopt(m_easy, CURLOPT_FOLLOWLOCATION, 0L));  // CurlClient follows same-origin only
  note(curl_easy_setopt(m_easy, CURLOPT_CONNECTTIMEOUT_MS, to_curl_ms(options.connect_timeout)));
  note(curl_easy_setopt(m_easy, CURLOPT_TIMEOUT_MS, to_curl_ms(time_left)));
  note(curl_easy_setopt(m_easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit));
  note(curl_easy_setopt(m_easy, CURLOPT_LOW_SPEED_TIME, to_curl_seconds_ceil(options.low_speed_time)));
  note(curl_easy_setopt(m_easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L));
  note(curl_easy_setopt(m_easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L));
  if (!options.ca_file.empty()) note(curl_easy_setopt(m_easy, CURLOPT_CAINFO, options.ca_file.c_str()));
  note(curl_easy_setopt(m_easy, CURLOPT_ACCEPT_ENCODING, "gzip"));
  note(curl_easy_setopt(m_easy, CURLOPT_USERAGENT, options.user_agent.c_str()));
  const auto announced_cap = std::min<std::uint64_t>(
      options.max_response_bytes, static_cast<std::uint64_t>(std::numeric_limits<curl_off_t>::max()));
  note(curl_easy_setopt(m_easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(announced_cap)));
  note(curl_easy_setopt(m_easy, CURLOPT_WRITEFUNCTION, &on_body));
  note(curl_easy_setopt(m_easy, CURLOPT_WRITEDATA, &state));
  note(curl_easy_setopt(m_easy, CURLOPT_NOPROGRESS, 0L));
  note(curl_easy_setopt(m_easy, CURLOPT_XFERINFOFUNCTION, &on_progress));
  note(curl_easy_setopt(m_easy, CURLOPT_XFERINFODATA, &state));
  note(curl_easy_setopt(m_easy, CURLOPT_ERRORBUFFER, m_error_buffer));
  note(curl_easy_setopt(m_easy, CURLOPT_HTTPHEADER, header_list));
  if (hop.method == Method::post) {
    note(curl_easy_setopt(m_easy, CURLOPT_POST, 1L));
    note(curl_easy_setopt(m_easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(hop.body.size())));
    // Not copied: the body outlives the transfer. Never NULL, which would make
    // libcurl read the body from stdin.
    note(curl_easy_setopt(m_easy, CURLOPT_POSTFIELDS, hop.body.empty() ? "" : hop.body.data()));
  } else {
    note(curl_easy_setopt(m_easy, CURLOPT_HTTPGET, 1L));
  }
  if (first != CURLE_OK) {
    return core::Error{core::ErrorKind::internal,
                       std::string("libcurl rejected an option: ") + curl_easy_strerror(first)};
  }
  return {};
}

CURLcode CurlTransfer::run(std::stop_token stop) {
  if (curl_multi_add_handle(m_multi, m_easy) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode result = CURLE_FAILED_INIT;
  {
    std::stop_callback wake(stop, [multi = m_multi] { curl_multi_wakeup(multi); });
    for (;;) {
      int running = 0;
      if (curl_multi_perform(m_multi, &running) != CURLM_OK) break;
      if (running == 0) {
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(m_multi, &queued)) {
          if (message->msg == CURLMSG_DONE && message->easy_handle == m_easy) result = message->data.result;
        }
        break;
      }
      if (stop.stop_requested()) {  // any phase, including DNS and connect
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      if (curl_multi_poll(m_multi, nullptr, 0, k_poll_timeout_ms, nullptr) != CURLM_OK) break;
    }
  }
  curl_multi_remove_handle(m_multi, m_easy);  // aborts an unfinished transfer and closes its connection
  return result;
}

HopResult CurlTransfer::collect(std::string body) {
  HopResult out;
  // An empty body never reached on_body; the padding is what lets the parser read a
  // body in place (http_client.hpp).
  if (body.capacity() - body.size() < k_body_padding) regrow(body, body.size() + k_body_padding);
  out.response.body = std::move(body);
  curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &out.response.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(m_easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    out.response.retry_after = std::chrono::seconds{retry_after};
  }
  char* content_type = nullptr;
  if (curl_easy_getinfo(m_easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type != nullptr) {
    out.response.content_type = content_type;
  }
  curl_header* location = nullptr;
  if (curl_easy_header(m_easy, "Location", 0, CURLH_HEADER, -1, &location) == CURLHE_OK && location != nullptr) {
    out.response.location = location->value;
  }
  // Every Link header (RFC 8288), in order; a listing pages by its rel="next".
  curl_header* link = nullptr;
  for (std::size_t index = 0;
       curl_easy_header(m_easy, "Link", index, CURLH_HEADER, -1, &link) == CURLHE_OK && link != nullptr; ++index) {
    if (!out.response.link.empty()) out.response.link += ", ";
    out.response.link += link->value;
    if (index + 1 >= link->amount) break;
  }
  char* redirect = nullptr;  // Location resolved against the request URL (libcurl's parser)
  if (curl_easy_getinfo(m_easy, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect != nullptr) {
    out.redirect_url = redirect;
  }
  return out;
}

core::Result<HopResult> CurlTransfer::perform(const Hop& hop, const Options& options,
                                              std::chrono::milliseconds time_left, std::stop_token stop,
                                              std::string_view label) {
  const auto fail = [label](core::ErrorKind kind, std::string_view what) {
    return core::Error{kind, std::string(label) + ": " + std::string(what)};
  };
  State state;
  state.easy = m_easy;
  state.cap = options.max_response_bytes;
  state.stop = stop;
  state.url = std::string(hop.url);
  auto headers = build_header_list(hop);
  if (!headers) return fail(headers.error().kind, headers.error().message);
  const core::Status configured = configure(hop, options, time_left, state, headers->get());
  if (!configured) return fail(configured.error().kind, configured.error().message);

  m_error_buffer[0] = '\0';
  const CURLcode code = run(stop);
  if (code == CURLE_OK) return collect(std::move(state.body));

  if (stop.stop_requested()) return fail(core::ErrorKind::cancelled, "cancelled");
  const std::string cap = std::to_string(options.max_response_bytes);
  if (state.over_cap) return fail(core::ErrorKind::too_large, "response larger than the size cap of " + cap + " bytes");
  if (state.out_of_memory) return fail(core::ErrorKind::internal, "out of memory receiving the response");
  if (code == CURLE_FILESIZE_EXCEEDED) {
    return fail(core::ErrorKind::too_large, "announced response size over the size cap of " + cap + " bytes");
  }
  const std::string detail =
      m_error_buffer[0] != '\0' ? sanitize_curl_text(m_error_buffer, hop.url) : std::string(curl_easy_strerror(code));
  return fail(error_kind_of(code), std::string(error_summary(code)) + " (curl " +
                                       std::to_string(static_cast<int>(code)) + ": " + detail + ")");
}

}  // namespace rosterd::http
