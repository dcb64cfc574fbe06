#pragma once
// The source a daemon run sees: the configured one, with each per-user fetch
// (CrocoDial user_stats and agent_status) counted as one wait on the vendor. Such
// a fetch makes one small call per user on threads of its own, paced by the
// source's max_requests_per_second: it mostly waits, on calls and on its pace, and
// a slot held through it would be held through the pauses between calls too. So
// the run gives its slot back for the whole fetch, and takes one again to plan and
// write. Listings wait per request instead (http::YieldingClient).

#include "http/yielding_client.hpp"
#include "sources/source.hpp"

namespace rosterd::service {

class YieldingSource final : public sources::Source {
 public:
  // `inner` and `observer` must outlive this object.
  YieldingSource(sources::Source& inner, http::WaitObserver& observer) : m_inner(inner), m_observer(observer) {}

  [[nodiscard]] const std::string& name() const override { return m_inner.name(); }
  core::Status fetch_users(sources::RunContext& context, sources::UserSink& sink) override {
    return m_inner.fetch_users(context, sink);
  }
  core::Status fetch_entities(sources::RunContext& context, const model::Dataset& dataset,
                              sources::EntitySink& sink) override {
    return m_inner.fetch_entities(context, dataset, sink);
  }
  core::Status fetch_user_info(sources::RunContext& context, std::span<const sources::UserRef> users,
                               sources::PerUserSink<model::UserInfoResult>& sink) override;
  core::Status fetch_agent_states(sources::RunContext& context, std::span<const sources::UserRef> users,
                                  sources::PerUserSink<model::AgentState>& sink) override;
  core::Status check_connection(sources::RunContext& context) override { return m_inner.check_connection(context); }

 private:
  sources::Source& m_inner;
  http::WaitObserver& m_observer;
};

}  // namespace rosterd::service
