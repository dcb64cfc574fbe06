#pragma once
// A decorator that tells an observer when its caller starts and stops waiting on
// the network, so that the caller can lend out what it holds meanwhile: the daemon
// gives back its run's concurrency slot, so that a run waiting on its vendor holds
// back no other run.
//
// It belongs under the retry decorator (retrying -> counting -> yielding ->
// transport), so that a retry's back-off counts as waiting too: an attempt whose
// outcome RetryingClient may retry (is_retryable_status, is_retryable_error) leaves
// the wait open, and the next attempt continues it. When the retry decorator gives
// up instead, the wait stays open until the caller's next request closes it (or
// the caller's run ends), which costs a failing run its slot for the little work
// left after the failure.

#include <stop_token>

#include "http/http_client.hpp"

namespace rosterd::http {

// How a wait ended.
enum class AfterWait {
  working,    // the answer is the caller's to work on
  may_retry,  // the retry decorator may wait and send again: the wait goes on
};

// Told about every request of its caller, from whatever thread sends it (a
// per-user fetch sends from several at once).
class WaitObserver {
 public:
  virtual ~WaitObserver() = default;
  // A request is about to be sent; or, after AfterWait::may_retry, sent again.
  virtual void wait_begins() noexcept = 0;
  virtual void wait_ends(AfterWait after) noexcept = 0;
};

class YieldingClient final : public Client {
 public:
  // `inner` and `observer` must outlive this client.
  YieldingClient(Client& inner, WaitObserver& observer) : m_inner(inner), m_observer(observer) {}

  // inner.send(), between observer.wait_begins() and observer.wait_ends().
  core::Result<Response> send(const Request& request, std::stop_token stop = {}) override;

 private:
  Client& m_inner;
  WaitObserver& m_observer;
};

}  // namespace rosterd::http
