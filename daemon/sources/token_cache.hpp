#pragma once
// A session token obtained by logging in, kept by a source for its lifetime and
// shared by all its runs (which may overlap on several threads). Repeated logins
// lock Smartflo accounts (docs/vendor-facts.md 3.1), so a run logs in only when no valid
// token is cached, and only one login is in flight at a time.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace rosterd::sources {

class TokenCache {
 public:
  struct Issued {
    std::string token;
    // How long to use it; nullopt: until the vendor rejects it.
    std::optional<std::chrono::seconds> use_for;
  };
  // Performs the login. Must register the token with core::secrets() itself.
  using Login = std::function<core::Result<Issued>()>;

  explicit TokenCache(const core::Clock& clock) : m_clock(clock) {}

  // The cached token while it is valid, else the result of `login` (cached on
  // success). Concurrent callers wait for one login instead of starting their own.
  core::Result<std::string> get(const Login& login);

  // The vendor rejected `token`: forget it, unless another run already replaced it.
  void invalidate(std::string_view token);

 private:
  const core::Clock& m_clock;
  std::mutex m_mutex;
  std::optional<std::string> m_token;
  std::optional<core::SteadyTime> m_expires;
};

}  // namespace rosterd::sources
