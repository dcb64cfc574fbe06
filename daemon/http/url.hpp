#pragma once
// URL helpers for building vendor requests and for the same-origin rule that
// keeps credentials from following a redirect to another host.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rosterd::http {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~),
// so the result is safe in a query string, a form body and a path segment alike.
std::string url_encode(std::string_view text);

// "k1=v1&k2=v2" for an application/x-www-form-urlencoded body or a query string,
// in the given order. Spaces become %20 (which every form decoder accepts), not '+'.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// "scheme://host:port" with scheme and host lower-cased and the scheme's default
// port filled in, so "https://A.example" and "https://a.example:443/x" compare equal.
// nullopt when the URL does not parse (no scheme, no host): such a URL has no
// origin and is never the same origin as anything.
std::optional<std::string> origin_of(std::string_view url);

// True only when both URLs parse and their origins are equal.
bool same_origin(std::string_view a, std::string_view b);

}  // namespace rosterd::http
