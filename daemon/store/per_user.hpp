#pragma once
// What per-user datasets store beside the users: the day's statistics of each user
// (user_stats) and each agent's live state with its intervals (agent_status,
// agent_status_log). Engine-neutral types and the writer interfaces each engine
// implements; the writers work inside the run's write transaction.

#include <string>

#include "model/agent.hpp"

namespace rosterd::store {

struct CurrentAgentState {
  model::AgentState state;
  std::string since;
};

class UserStatsWriter {
 public:
  virtual ~UserStatsWriter() = default;
  // Inserts or updates the day's row; an identical row is not written. Returns
  // whether it wrote.
  virtual bool upsert(const std::string& external_id, const std::string& stat_date, const model::UserStats& stats) = 0;
};

// Intervals are bounded by poll times: the writer's `at`.
class AgentStatusWriter {
 public:
  virtual ~AgentStatusWriter() = default;
  // An agent seen for the first time (or again after it stopped being reported).
  virtual void start(const std::string& external_id, const model::AgentState& state) = 0;
  // The agent's state differs from its current one: close that interval, open one.
  virtual void change(const std::string& external_id, const model::AgentState& state) = 0;
  // The agent is no longer reported: close its interval, forget its current state.
  virtual void stop(const std::string& external_id) = 0;
};

}  // namespace rosterd::store
