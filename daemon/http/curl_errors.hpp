#pragma once
// How libcurl's failures become core::Errors (internal to the http folder).

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace rosterd::http {

// The kind a failed transfer reports. The retry decorator retries connection and
// timeout only, so codes land there only when a second attempt can succeed
// (docs/reliability.md "HTTP": 6/7/18/28/52/55/56).
core::ErrorKind error_kind_of(CURLcode code) noexcept;

// "could not connect", "timed out", ...: what happened, in words.
std::string_view error_summary(CURLcode code) noexcept;

// libcurl's error-buffer text made fit for a log line: every occurrence of the URL
// (and of its query string alone) removed, then registered secrets masked. The texts
// measured for connect/DNS failures were clean; this guards the ones not measured.
std::string sanitize_curl_text(std::string_view text, std::string_view url);

}  // namespace rosterd::http
