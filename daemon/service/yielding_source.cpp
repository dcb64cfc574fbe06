#include "service/yielding_source.hpp"

namespace rosterd::service {
namespace {

// One wait around `fetch`, ended on every way out.
template <class Fetch>
core::Status as_one_wait(http::WaitObserver& observer, Fetch&& fetch) {
  struct Scope {
    http::WaitObserver& observer;
    explicit Scope(http::WaitObserver& o) : observer(o) { observer.wait_begins(); }
    ~Scope() { observer.wait_ends(http::AfterWait::working); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  } scope(observer);
  return std::forward<Fetch>(fetch)();
}

}  // namespace

core::Status YieldingSource::fetch_user_info(sources::RunContext& context, std::span<const sources::UserRef> users,
                                             sources::PerUserSink<model::UserInfoResult>& sink) {
  return as_one_wait(m_observer, [&] { return m_inner.fetch_user_info(context, users, sink); });
}

core::Status YieldingSource::fetch_agent_states(sources::RunContext& context, std::span<const sources::UserRef> users,
                                                sources::PerUserSink<model::AgentState>& sink) {
  return as_one_wait(m_observer, [&] { return m_inner.fetch_agent_states(context, users, sink); });
}

}  // namespace rosterd::service
