// agent_status: one call per active user returns what the agent is doing now. The
// current states are compared with the stored ones: an agent seen for the first
// time starts an interval, a changed state ends one and starts the next, an agent
// no longer reported ends its interval. Interval boundaries are poll times: the
// moment the run began, on its clock.

#include <fmt/format.h>

#include "sync/datasets/per_user.hpp"

namespace rosterd::sync {
namespace {

struct Step {
  enum class Kind { opened, switched, closed } kind;
  sources::UserRef agent;
  model::AgentState state;
};

std::string describe(const Step& step) {
  if (step.kind == Step::Kind::closed) return "no longer reported";
  auto text = std::string(step.kind == Step::Kind::opened ? "now " : "-> ") + step.state.status;
  if (step.state.pause_reason) text += " - " + *step.state.pause_reason;
  if (step.state.campaign_id) text += " (" + *step.state.campaign_id + ")";
  return text;
}

ChangeKind kind_of(const Step& step) {
  switch (step.kind) {
    case Step::Kind::opened:
      return ChangeKind::added;
    case Step::Kind::switched:
      return ChangeKind::updated;
    case Step::Kind::closed:
      break;
  }
  return ChangeKind::removed;
}

class AgentStatusRun final : public DatasetRun {
 public:
  explicit AgentStatusRun(const DatasetInputs& inputs) : m_in(inputs) {}

  core::Status fetch(sources::RunContext& context) override {
    m_asked = user_refs(m_in.reader.load_listed_users(name()), true);
    return m_in.handle.source.fetch_agent_states(context, m_asked, m_sink);
  }

  [[nodiscard]] std::int64_t fetched() const override { return m_sink.count(); }

  PlanResult plan() override {
    auto current = m_in.reader.load_agent_states(name());
    for (auto& [agent, state] : m_sink.results) {
      const auto it = current.find(agent.external_id);
      if (it == current.end()) {
        m_steps.push_back({Step::Kind::opened, agent, std::move(state)});
        continue;
      }
      // A state that began after this poll (the clock stepped back) waits for a later poll.
      if (!it->second.state.same_state(state) && it->second.since <= m_in.started_at) {
        m_steps.push_back({Step::Kind::switched, agent, std::move(state)});
      }
      current.erase(it);
    }
    for (const auto& [agent, error] : m_sink.failures) {
      // An agent the vendor no longer knows stops being reported; any other failure leaves it as it was.
      if (error.kind != core::ErrorKind::not_found) current.erase(agent.external_id);
    }
    // What remains was reported before and is not now: no longer active, listed or known.
    for (const auto& [id, state] : current) m_steps.push_back({Step::Kind::closed, {id, id}, state.state});
    PlanResult plan;
    settle(plan, m_sink, m_asked.size());
    plan.unchanged = plan.fetched - static_cast<std::int64_t>(m_steps.size() - current.size());
    return plan;
  }

  core::Status write(store::Database& db, const store::ChangeStamp& stamp, ChangeReport& report) override {
    const auto writer = db.agent_status_writer({stamp.source, stamp.run_id, m_in.started_at});
    for (const auto& step : m_steps) {
      report_step(step, report);
      if (step.kind == Step::Kind::opened) writer->start(step.agent.external_id, step.state);
      if (step.kind == Step::Kind::switched) writer->change(step.agent.external_id, step.state);
      if (step.kind == Step::Kind::closed) writer->stop(step.agent.external_id);
    }
    return {};
  }

  core::Status preview(ChangeReport& report) override {
    for (const auto& step : m_steps) report_step(step, report);
    return {};
  }

 private:
  [[nodiscard]] const std::string& name() const { return m_in.handle.config.name; }

  void report_step(const Step& step, ChangeReport& report) const {
    report.state_change(kind_of(step), [&] {
      return fmt::format("{}: agent {} ({}) {}", name(), step.agent.external_id, step.agent.username, describe(step));
    });
  }

  DatasetInputs m_in;
  std::vector<sources::UserRef> m_asked;
  CollectingSink<model::AgentState> m_sink;
  std::vector<Step> m_steps;
};

}  // namespace

std::unique_ptr<DatasetRun> start_agent_status(const DatasetInputs& inputs) {
  return std::make_unique<AgentStatusRun>(inputs);
}

}  // namespace rosterd::sync
