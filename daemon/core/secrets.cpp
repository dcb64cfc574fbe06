#include "core/secrets.hpp"

#include <algorithm>
#include <cctype>

namespace rosterd::core {

void SecretRegistry::add(std::string_view secret) {
  if (secret.size() < k_min_length) return;
  std::unique_lock lock(m_mutex);
  if (std::find(m_secrets.begin(), m_secrets.end(), secret) != m_secrets.end()) return;
  m_secrets.emplace_back(secret);
  std::stable_sort(m_secrets.begin(), m_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretRegistry::clear() {
  std::unique_lock lock(m_mutex);
  m_secrets.clear();
}

std::string SecretRegistry::redact(std::string_view text) const {
  std::string out(text);
  std::shared_lock lock(m_mutex);
  for (const auto& secret : m_secrets) {
    std::size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), k_redacted);
      pos += k_redacted.size();
    }
  }
  return out;
}

SecretRegistry& secrets() {
  static SecretRegistry registry;
  return registry;
}

bool is_secret_field_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("pass") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower.find("token") != std::string::npos;
}

std::string redact_url(std::string_view url) {
  std::string_view scheme;
  if (auto sep = url.find("://"); sep != std::string_view::npos) {
    scheme = url.substr(0, sep + 3);
    url.remove_prefix(sep + 3);
  }
  url = url.substr(0, url.find_first_of("?#"));
  // user-info ends at the last '@' before the first '/'
  const auto slash = url.find('/');
  const auto at = url.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  return std::string(scheme) + std::string(url);
}

}  // namespace rosterd::core
