// Runs of CrocoDial's per-user datasets: user_stats (getUserInfo for every listed
// user) and agent_status (getLiveAgentInfo for every active user). One call per
// user; a failure that concerns one user does not throw away the others: the run
// commits what succeeded and ends 'partial', naming the users that failed.

#include <mutex>

#include <fmt/format.h>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "core/timestamp.hpp"
#include "http/counting_client.hpp"
#include "model/diff.hpp"
#include "model/user_parts.hpp"
#include "store/database.hpp"
#include "sync/change_lines.hpp"
#include "sync/runner.hpp"

namespace rosterd::sync {
namespace {

// At most this many failed users are named in sync_runs.error and the log.
constexpr std::size_t k_named_failures = 10;

template <class Result>
class CollectingSink final : public sources::PerUserSink<Result> {
 public:
  void result(const sources::UserRef& user, Result&& value) override {
    std::lock_guard lock(m_mutex);
    results.emplace_back(user, std::move(value));
  }
  void failure(const sources::UserRef& user, const core::Error& error) override {
    std::lock_guard lock(m_mutex);
    failures.emplace_back(user, error);
  }

  // Read only after the fetch returned (no more calls).
  std::vector<std::pair<sources::UserRef, Result>> results;
  std::vector<std::pair<sources::UserRef, core::Error>> failures;

 private:
  std::mutex m_mutex;
};

std::vector<sources::UserRef> user_refs(const std::vector<store::ListedUser>& listed, bool active_only) {
  std::vector<sources::UserRef> out;
  for (const auto& user : listed) {
    if (!user.username || (active_only && user.active != true)) continue;
    out.push_back({user.external_id, *user.username});
  }
  return out;
}

// "2 of 40 users failed: jdoe: <why>; asmith: <why>"
std::string failure_summary(const std::vector<std::pair<sources::UserRef, core::Error>>& failures, std::size_t asked) {
  auto text = fmt::format("{} of {} users failed", failures.size(), asked);
  for (std::size_t i = 0; i < failures.size() && i < k_named_failures; ++i) {
    text += fmt::format("{} {}: {}", i == 0 ? ":" : ";", failures[i].first.username, failures[i].second.message);
  }
  if (failures.size() > k_named_failures) text += fmt::format("; and {} more", failures.size() - k_named_failures);
  return text;
}

store::RunStatus outcome_status(std::size_t results, std::size_t failures) {
  if (failures == 0) return store::RunStatus::ok;
  return results == 0 ? store::RunStatus::failed : store::RunStatus::partial;
}

struct Enrichment {
  model::User user;  // the stored record with the new info part
  std::int64_t prior_version = 0;
  std::vector<model::FieldChange> fields;
  std::vector<model::FieldChange> filled;  // a first fill: the user's info part was never read
  std::int64_t info_hash = 0;
};

// A run stopped by SIGTERM is interrupted; any other fetch failure fails it.
store::RunStatus status_of_failure(const core::Error& error) {
  return error.kind == core::ErrorKind::cancelled ? store::RunStatus::interrupted : store::RunStatus::failed;
}

std::string agent_line(std::string_view source, const sources::UserRef& user, std::string_view what) {
  return fmt::format("{}: agent {} ({}) {}", source, user.external_id, user.username, what);
}

std::string describe_state(const model::AgentState& state) {
  auto text = state.status;
  if (state.pause_reason) text += " - " + *state.pause_reason;
  if (state.campaign_id) text += " (" + *state.campaign_id + ")";
  return text;
}

}  // namespace

RunOutcome Runner::run_user_stats(const SourceHandle& handle, const RunOptions& options, std::stop_token stop) {
  const auto started = m_clock.steady_now();
  const auto& name = handle.config.name;
  const auto dataset = model::Dataset::user_stats;
  RunOutcome outcome;
  RunTransport transport(handle, stop, m_clock);
  try {
    auto& db = m_reader;
    begin_run(outcome, name, dataset, options);
    const auto users = user_refs(db.load_listed_users(name), false);
    CollectingSink<model::UserInfoResult> sink;
    transport.progress.on_progress([&](core::Millis elapsed) {
      store::RunCounts so_far;
      transport.count_into(so_far);
      so_far.fetched = so_far.requests;
      report_progress(name, dataset, outcome, so_far, elapsed);
    });
    const auto fetched = handle.source.fetch_user_info(transport.context, users, sink);
    transport.progress.on_progress({});
    transport.count_into(outcome.counts);
    if (!fetched) {
      finish_failed(outcome, handle, dataset, status_of_failure(fetched.error()), fetched.error().message);
      return outcome;
    }

    // Plan: which users' getUserInfo part changed. A user whose part was never read
    // (info_hash NULL: the dataset is new for the source, or the user is) gets a
    // first fill, not a change per field.
    const auto stored_hashes = db.load_part_hashes(name);
    const auto policy = model::make_field_policy(handle.config.volatile_fields);
    const auto reader = db.user_lookup(name);
    std::vector<Enrichment> enrichments;
    std::vector<std::pair<std::string, std::int64_t>> hash_only;
    for (const auto& [user, result] : sink.results) {
      const auto hash = model::info_hash(result.info);
      const auto it = stored_hashes.find(user.external_id);
      if (it == stored_hashes.end() || it->second == hash) continue;  // removed meanwhile, or unchanged
      auto stored = reader->find(user.external_id);
      if (!stored) continue;
      Enrichment e{stored->user, stored->version, {}, {}, hash};
      model::merge_info(e.user, result.info, handle.info_columns);
      const bool first_fill = !it->second.has_value();
      auto split = model::split_fields(model::diff(stored->user, e.user),
                                       model::FieldPolicy{policy.volatile_attributes, first_fill});
      e.fields = std::move(split.changes);
      e.filled = std::move(split.filled);
      if (e.fields.empty() && e.filled.empty()) {
        hash_only.emplace_back(user.external_id, hash);
      } else {
        enrichments.push_back(std::move(e));
      }
    }
    outcome.status = outcome_status(sink.results.size(), sink.failures.size());
    outcome.counts.fetched = static_cast<std::int64_t>(sink.results.size());
    for (const auto& e : enrichments) ++(e.fields.empty() ? outcome.counts.filled : outcome.counts.updated);
    outcome.counts.unchanged = outcome.counts.fetched - outcome.counts.updated - outcome.counts.filled;
    std::optional<std::string> error;
    if (!sink.failures.empty()) error = core::secrets().redact(failure_summary(sink.failures, users.size()));

    if (!options.dry_run) {
      const auto stat_date = outcome.started_at.substr(0, 10);
      m_writer.run([&](store::Database& w) {
        const auto transaction = w.begin_write();
        const store::ChangeStamp stamp{name, outcome.run_id, commit_time(w, outcome)};
        const auto users_writer = w.user_writer(stamp, handle.info_columns, policy);
        for (const auto& e : enrichments) {
          users_writer->enrich(e.user, e.prior_version, e.fields, e.filled, e.info_hash);
        }
        for (const auto& [id, hash] : hash_only) users_writer->set_part_hash(id, hash);
        const auto stats = w.user_stats_writer(stamp);
        for (const auto& [user, result] : sink.results) stats->upsert(user.external_id, stat_date, result.stats);
        outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
        w.finish_run(outcome.run_id, outcome.status, stamp.at, outcome.counts, error);
        transaction->commit();
      });
    }
    std::size_t logged = 0;
    for (const auto& e : enrichments) {
      const bool fill_only = e.fields.empty();
      if (!options.dry_run && (fill_only || logged == k_max_logged_changes)) continue;
      ++logged;
      Change<model::User> change{fill_only ? ChangeKind::filled : ChangeKind::updated, e.user, e.fields, e.filled, 0};
      log_line(change_line(name, change), options.dry_run);
    }
    if (!options.dry_run) {
      const auto changed = static_cast<std::size_t>(outcome.counts.updated);
      report_changes(name, {}, changed > logged ? static_cast<std::int64_t>(changed - logged) : 0, outcome.counts.filled);
    }
    report_per_user(outcome, name, dataset, std::move(error), started, options.dry_run);
  } catch (const std::exception& e) {
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, store::describe_failure(e, m_reader.path()));
  }
  return outcome;
}

RunOutcome Runner::run_agent_status(const SourceHandle& handle, const RunOptions& options, std::stop_token stop) {
  const auto started = m_clock.steady_now();
  const auto& name = handle.config.name;
  const auto dataset = model::Dataset::agent_status;
  RunOutcome outcome;
  RunTransport transport(handle, stop, m_clock);
  try {
    auto& db = m_reader;
    // Interval boundaries are poll times: the moment this poll began, on the run's clock.
    begin_run(outcome, name, dataset, options);
    const auto poll_time = outcome.started_at;
    const auto agents = user_refs(db.load_listed_users(name), true);
    CollectingSink<model::AgentState> sink;
    const auto fetched = handle.source.fetch_agent_states(transport.context, agents, sink);
    transport.count_into(outcome.counts);
    if (!fetched) {
      finish_failed(outcome, handle, dataset, status_of_failure(fetched.error()), fetched.error().message);
      return outcome;
    }

    // Plan against the current states: start, change, stop; unchanged states cost nothing.
    auto current = db.load_agent_states(name);
    struct Step {
      enum class Kind { opened, switched, closed } kind;
      sources::UserRef agent;
      model::AgentState state;
    };
    std::vector<Step> steps;
    for (auto& [agent, state] : sink.results) {
      const auto it = current.find(agent.external_id);
      if (it == current.end()) {
        steps.push_back({Step::Kind::opened, agent, std::move(state)});
      } else {
        if (!it->second.state.same_state(state)) {
          if (it->second.since > poll_time) continue;  // the clock stepped back: wait for a later poll
          steps.push_back({Step::Kind::switched, agent, std::move(state)});
        }
        current.erase(it);
      }
    }
    for (const auto& [agent, error] : sink.failures) {
      // An agent the vendor no longer knows stops being reported; any other failure leaves it as it was.
      if (error.kind != core::ErrorKind::not_found) current.erase(agent.external_id);
    }
    // What remains was reported before and is not now: no longer active, listed or known.
    for (const auto& [id, state] : current) steps.push_back({Step::Kind::closed, {id, id}, state.state});

    outcome.status = outcome_status(sink.results.size(), sink.failures.size());
    outcome.counts.fetched = static_cast<std::int64_t>(sink.results.size());
    for (const auto& step : steps) {
      auto& counter = step.kind == Step::Kind::opened     ? outcome.counts.added
                      : step.kind == Step::Kind::switched ? outcome.counts.updated
                                                          : outcome.counts.removed;
      ++counter;
    }
    outcome.counts.unchanged = outcome.counts.fetched - outcome.counts.added - outcome.counts.updated;
    std::optional<std::string> error;
    if (!sink.failures.empty()) error = core::secrets().redact(failure_summary(sink.failures, agents.size()));

    if (!options.dry_run) {
      m_writer.run([&](store::Database& w) {
        const auto transaction = w.begin_write();
        const auto writer = w.agent_status_writer({name, outcome.run_id, poll_time});
        for (const auto& step : steps) {
          if (step.kind == Step::Kind::opened) writer->start(step.agent.external_id, step.state);
          if (step.kind == Step::Kind::switched) writer->change(step.agent.external_id, step.state);
          if (step.kind == Step::Kind::closed) writer->stop(step.agent.external_id);
        }
        outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
        w.finish_run(outcome.run_id, outcome.status, commit_time(w, outcome), outcome.counts, error);
        transaction->commit();
      });
    }
    for (const auto& step : steps) {
      const auto what = step.kind == Step::Kind::closed
                            ? std::string("no longer reported")
                            : (step.kind == Step::Kind::opened ? "now " : "-> ") + describe_state(step.state);
      if (options.dry_run) {
        m_dry_run_output(agent_line(name, step.agent, what));
      } else {
        core::log().debug("{}", agent_line(name, step.agent, what));
      }
    }
    report_per_user(outcome, name, dataset, std::move(error), started, options.dry_run);
  } catch (const std::exception& e) {
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, store::describe_failure(e, m_reader.path()));
  }
  return outcome;
}

void Runner::report_per_user(RunOutcome& outcome, const std::string& source, model::Dataset dataset,
                             std::optional<std::string> error, core::SteadyTime started, bool dry_run) {
  if (error) core::log().warn("{}: {}: {}", source, model::to_string(dataset), *error);
  outcome.error = std::move(error);
  outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
  log_line(summary_line(source, dataset, outcome.status, outcome.counts, outcome.elapsed), dry_run);
}

}  // namespace rosterd::sync
