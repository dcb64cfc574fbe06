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

namespace {

// ASCII case-insensitive search; called for every vendor field name, so it
// neither allocates nor consults the locale.
bool contains_ignoring_case(std::string_view text, std::string_view lower_needle) {
  if (lower_needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + lower_needle.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < lower_needle.size()) {
      char c = text[i + j];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lower_needle[j]) break;
      ++j;
    }
    if (j == lower_needle.size()) return true;
  }
  return false;
}

}  // namespace

bool is_secret_field_name(std::string_view name) {
  return contains_ignoring_case(name, "pass") || contains_ignoring_case(name, "secret") ||
         contains_ignoring_case(name, "token");
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
