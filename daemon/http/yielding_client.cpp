#include "http/yielding_client.hpp"

#include "http/retrying_client.hpp"

namespace rosterd::http {
namespace {

// Ends the wait on every way out of send(), an exception included.
class WaitScope {
 public:
  explicit WaitScope(WaitObserver& observer) : m_observer(observer) { m_observer.wait_begins(); }
  ~WaitScope() { m_observer.wait_ends(m_after); }
  WaitScope(const WaitScope&) = delete;
  WaitScope& operator=(const WaitScope&) = delete;
  void set(AfterWait after) { m_after = after; }

 private:
  WaitObserver& m_observer;
  AfterWait m_after = AfterWait::working;
};

}  // namespace

core::Result<Response> YieldingClient::send(const Request& request, std::stop_token stop) {
  WaitScope scope(m_observer);
  auto result = m_inner.send(request, std::move(stop));
  const bool retryable = result ? is_retryable_status(result->status) : is_retryable_error(result.error().kind);
  scope.set(retryable ? AfterWait::may_retry : AfterWait::working);
  return result;
}

}  // namespace rosterd::http
