#pragma once
// Failures that are part of normal running (a vendor is down, a body is cut short).
// They travel as values (core::Result); exceptions are kept for configuration and
// storage failures, which abandon a whole operation.

#include <string>
#include <string_view>

namespace rosterd::core {

enum class ErrorKind {
  config,      // the configuration is wrong
  io,          // a local file could not be read or written
  connection,  // could not connect, DNS, reset by peer
  timeout,     // connect or total timeout, stalled transfer
  tls,         // certificate or handshake failure
  too_large,   // response over the size cap
  redirect,    // refused redirect (to another host, or too many)
  http,        // unexpected HTTP status
  auth,        // the vendor rejected our credentials
  vendor,      // the vendor answered with an error document
  not_found,   // the vendor does not know the thing asked about (CrocoDial 41004: unknown user)
  parse,       // the body is not the documented JSON shape
  incomplete,  // the listing is not provably complete (paging, duplicates, totals)
  refused,     // the mass-removal guard refused the run
  cancelled,   // shutdown was requested
  storage,     // SQLite failed
  internal,    // a bug
};

std::string_view to_string(ErrorKind kind) noexcept;

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;

  // "context: message", keeping the kind.
  [[nodiscard]] Error with_context(std::string_view context) const;
};

}  // namespace rosterd::core
