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

constexpr char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `text` at `at` continues with `lower_rest` (ASCII, any case).
bool continues_with(std::string_view text, std::size_t at, std::string_view lower_rest) {
  if (text.size() - at < lower_rest.size()) return false;
  for (std::size_t j = 0; j < lower_rest.size(); ++j) {
    if (lower_ascii(text[at + j]) != lower_rest[j]) return false;
  }
  return true;
}

}  // namespace

// One pass over the name, called for every vendor field name: no allocation, no
// locale, and only the three letters that can start a needle look further.
bool is_secret_field_name(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    switch (lower_ascii(name[i])) {
      case 'p':
        if (continues_with(name, i + 1, "ass")) return true;
        break;
      case 's':
        if (continues_with(name, i + 1, "ecret")) return true;
        break;
      case 't':
        if (continues_with(name, i + 1, "oken")) return true;
        break;
      default: break;
    }
  }
  return false;
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
