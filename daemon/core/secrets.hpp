#pragma once
// Secret handling. Every credential rosterd learns (configured passwords, tokens and
// API keys, tokens obtained by logging in, per-request signatures) is registered
// here, and every log line and stored error message passes through redact().
// This is the second line of defence: code is written never to format a secret in
// the first place.

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::core {

inline constexpr std::string_view k_redacted = "***";

class SecretRegistry {
 public:
  // Values shorter than k_min_length are not registered: masking every "ab" in
  // the logs would destroy them, and such a value is no credential.
  static constexpr std::size_t k_min_length = 4;

  void add(std::string_view secret);
  void clear();
  [[nodiscard]] std::string redact(std::string_view text) const;

 private:
  mutable std::shared_mutex m_mutex;
  std::vector<std::string> m_secrets;  // longest first, so that overlapping secrets mask fully
};

// The process-wide registry used by logging and error recording.
SecretRegistry& secrets();

// Vendor field names that hold secrets (README, "Sync semantics"): the name contains "pass",
// "secret" or "token", compared case-insensitively.
bool is_secret_field_name(std::string_view name);

// "scheme://host[:port]/path": no user-info, query or fragment, which is where
// URLs carry credentials (Worksection's hash, CrocoDial's goPass on GET).
std::string redact_url(std::string_view url);

}  // namespace rosterd::core
