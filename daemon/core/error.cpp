#include "core/error.hpp"

namespace rosterd::core {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::config: return "config";
    case ErrorKind::io: return "io";
    case ErrorKind::connection: return "connection";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::tls: return "tls";
    case ErrorKind::too_large: return "too_large";
    case ErrorKind::redirect: return "redirect";
    case ErrorKind::http: return "http";
    case ErrorKind::auth: return "auth";
    case ErrorKind::vendor: return "vendor";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::parse: return "parse";
    case ErrorKind::incomplete: return "incomplete";
    case ErrorKind::refused: return "refused";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::storage: return "storage";
    case ErrorKind::internal: return "internal";
  }
  return "unknown";
}

Error Error::with_context(std::string_view context) const {
  Error out{kind, std::string(context)};
  out.message += ": ";
  out.message += message;
  return out;
}

}  // namespace rosterd::core
