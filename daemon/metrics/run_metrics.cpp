#include "metrics/run_metrics.hpp"

#include <array>
#include <chrono>

#include "core/timestamp.hpp"
#include "metrics/families.hpp"
#include "sync/interval.hpp"

namespace rosterd::metrics {
namespace {

namespace f = families;

// The statuses a finished run can have (store::RunStatus but running).
constexpr std::array k_finished = {store::RunStatus::ok, store::RunStatus::partial, store::RunStatus::failed,
                                   store::RunStatus::refused, store::RunStatus::interrupted};
constexpr std::array<std::string_view, 4> k_change_kinds = {"added", "updated", "removed", "restored"};
constexpr std::array<std::string_view, 6> k_status_classes = {"error", "1xx", "2xx", "3xx", "4xx", "5xx"};

std::vector<model::Dataset> datasets_of(const config::SourceConfig& source) {
  std::vector<model::Dataset> out;
  for (const auto& name : source.datasets) {
    if (auto dataset = model::parse_dataset(name)) out.push_back(*dataset);
  }
  return out;
}

std::optional<double> unix_seconds(const std::optional<std::string>& timestamp) {
  if (!timestamp) return std::nullopt;
  const auto time = core::parse_timestamp(*timestamp);
  if (!time) return std::nullopt;
  return std::chrono::duration<double>(time->time_since_epoch()).count();
}

}  // namespace

void declare_sources(Registry& registry, const config::Config& config) {
  for (const auto* family : {&f::runs, &f::run_duration, &f::records_fetched, &f::changes, &f::guard_refusals,
                             &f::http_requests, &f::http_retries, &f::http_bytes, &f::retention_deleted}) {
    registry.declare(*family);
  }
  for (const auto& source : config.sources) {
    for (const auto& dataset : datasets_of(source)) {
      const LabelValues labels{source.name, dataset.name()};
      for (const auto status : k_finished) {
        registry.add(f::runs, {source.name, dataset.name(), std::string(store::to_string(status))}, 0);
      }
      registry.add(f::records_fetched, labels, 0);
      registry.add(f::guard_refusals, labels, 0);
    }
    registry.add(f::http_retries, {source.name}, 0);
    registry.add(f::http_bytes, {source.name}, 0);
  }
}

void count_run(Registry& registry, std::string_view source_view, const model::Dataset& dataset,
               const sync::RunOutcome& outcome) {
  const std::string source(source_view);
  const LabelValues labels{source, dataset.name()};
  registry.add(f::runs, {source, dataset.name(), std::string(store::to_string(outcome.status))});
  registry.observe(f::run_duration, labels, std::chrono::duration<double>(outcome.elapsed).count());
  registry.add(f::records_fetched, labels, static_cast<double>(outcome.counts.fetched));
  if (outcome.status == store::RunStatus::refused) registry.add(f::guard_refusals, labels);
  // A run that did not commit wrote no changes, whatever it had planned.
  if (outcome.status == store::RunStatus::ok || outcome.status == store::RunStatus::partial) {
    const std::array<std::int64_t, 4> counts = {outcome.counts.added, outcome.counts.updated, outcome.counts.removed,
                                                outcome.counts.restored};
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] > 0) {
        registry.add(f::changes, {source, dataset.name(), std::string(k_change_kinds[i])},
                     static_cast<double>(counts[i]));
      }
    }
  }
  for (std::size_t i = 0; i < outcome.transfer.by_class.size(); ++i) {
    if (outcome.transfer.by_class[i] > 0) {
      registry.add(f::http_requests, {source, std::string(k_status_classes[i])},
                   static_cast<double>(outcome.transfer.by_class[i]));
    }
  }
  registry.add(f::http_retries, {source}, static_cast<double>(outcome.transfer.retries));
  registry.add(f::http_bytes, {source}, static_cast<double>(outcome.transfer.bytes));
}

void StateCollector::collect(Registry& out, store::Database& db, const config::Config& config) {
  out.set(f::build_info, {ROSTERD_VERSION}, 1);
  out.declare(f::last_run);
  out.declare(f::last_success);
  out.declare(f::last_status);
  out.declare(f::users);
  // The latest finished run of each (source, dataset), as `rosterd status` shows it.
  std::map<std::pair<std::string, std::string>, store::RunRecord> latest;
  for (auto& status : db.dataset_status()) {
    if (status.last_run) latest.emplace(std::pair{status.source, status.dataset}, std::move(*status.last_run));
  }
  for (const auto& source : config.sources) {
    for (const auto& dataset : datasets_of(source)) {
      const LabelValues labels{source.name, dataset.name()};
      out.set(f::interval, labels, std::chrono::duration<double>(sync::interval_for(source, dataset)).count());
      if (const auto success = unix_seconds(db.last_success(source.name, dataset.name()))) {
        out.set(f::last_success, labels, *success);
      }
      const auto found = latest.find({source.name, dataset.name()});
      if (found == latest.end()) continue;
      const auto& run = found->second;
      if (const auto ended = unix_seconds(run.finished_at.has_value() ? run.finished_at : run.started_at)) {
        out.set(f::last_run, labels, *ended);
      }
      for (const auto status : k_finished) {
        out.set(f::last_status, {source.name, dataset.name(), std::string(store::to_string(status))},
                status == run.status ? 1 : 0);
      }
    }
    // The users a source has change only with its users runs.
    const auto users_run = latest.find({source.name, model::Dataset::users.name()});
    const std::int64_t run_id = users_run == latest.end() ? 0 : users_run->second.id;
    auto counted = m_users.find(source.name);
    if (counted == m_users.end() || counted->second.run_id != run_id) {
      counted = m_users.insert_or_assign(source.name, Counted{run_id, db.user_totals(source.name)}).first;
    }
    const auto& totals = counted->second.totals;
    out.set(f::users, {source.name, "listed"}, static_cast<double>(totals.listed));
    out.set(f::users, {source.name, "removed"}, static_cast<double>(totals.removed));
    out.set(f::users, {source.name, "active"}, static_cast<double>(totals.active));
  }
  out.set(f::database_size, {}, static_cast<double>(db.size_bytes()));
}

}  // namespace rosterd::metrics
