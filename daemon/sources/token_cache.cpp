#include "sources/token_cache.hpp"

namespace rosterd::sources {

core::Result<std::string> TokenCache::get(const Login& login) {
  std::lock_guard lock(m_mutex);
  if (m_token && (!m_expires || m_clock.steady_now() < *m_expires)) return *m_token;
  m_token.reset();
  m_expires.reset();
  auto issued = login();
  if (!issued) return std::move(issued).error();
  m_token = issued->token;
  if (issued->use_for) m_expires = m_clock.steady_now() + *issued->use_for;
  return std::move(issued->token);
}

void TokenCache::invalidate(std::string_view token) {
  std::lock_guard lock(m_mutex);
  if (m_token && *m_token == token) {
    m_token.reset();
    m_expires.reset();
  }
}

}  // namespace rosterd::sources
