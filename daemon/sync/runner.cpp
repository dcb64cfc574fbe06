#include "sync/runner.hpp"

#include <cstdio>
#include <memory>

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "core/timestamp.hpp"
#include "http/counting_client.hpp"
#include "store/records.hpp"
#include "sync/change_lines.hpp"
#include "sync/planner.hpp"

namespace rosterd::sync {
namespace {

// Thrown inside the write transaction when a stop is requested: the transaction
// rolls back and the run is recorded as interrupted.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted: rosterd is stopping; the run was rolled back") {}
};

// Called for each change written: a large run checks for a stop now and then, so
// that shutdown never waits for a long write to finish.
class StopCheck {
 public:
  explicit StopCheck(std::stop_token stop) : m_stop(std::move(stop)) {}
  void operator()() {
    if (++m_count % 1024 == 0 && m_stop.stop_requested()) throw Interrupted();
  }

 private:
  std::stop_token m_stop;
  std::uint64_t m_count = 0;
};

// What differs between a listing of users and a listing of named entities.
template <class Record>
struct Listing;

template <>
struct Listing<model::User> {
  static Planner<model::User> planner(SQLite::Database& db, const SourceHandle& handle, model::Dataset) {
    const auto columns = handle.info_columns;
    return Planner<model::User>(
        store::load_user_index(db, handle.config.name),
        [columns](const model::User& user) { return model::listing_hash(user, columns); },
        [columns](const model::User& stored, model::User& incoming) {
          model::merge_info(incoming, model::info_view(stored, columns), columns);
        });
  }
  static Planner<model::User>::Loader loader(SQLite::Database& db, const std::string& source, model::Dataset) {
    auto reader = std::make_shared<store::UserReader>(db, source);
    return [reader](const std::string& key) -> std::optional<model::User> {
      auto stored = reader->find(key);
      if (!stored) return std::nullopt;
      return std::move(stored->user);
    };
  }
  static core::Status fetch(sources::Source& source, sources::RunContext& context, model::Dataset,
                            Planner<model::User>& sink) {
    return source.fetch_users(context, sink);
  }
  static void apply(SQLite::Database& db, const store::ChangeStamp& stamp, const SourceHandle& handle, model::Dataset,
                    const UserPlan& plan, StopCheck& check) {
    store::UserWriter writer(db, stamp, handle.info_columns);
    for (const auto& c : plan.changes) {
      check();
      switch (c.kind) {
        case ChangeKind::added: writer.add(c.record); break;
        case ChangeKind::updated: writer.update(c.record, c.prior_version, c.fields); break;
        case ChangeKind::removed: writer.remove(c.record, c.prior_version); break;
        case ChangeKind::restored: writer.restore(c.record, c.prior_version); break;
      }
    }
    for (const auto& record : plan.rehash) writer.rehash(record);
  }
  static std::string line(std::string_view source, model::Dataset, const Change<model::User>& change) {
    return change_line(source, change);
  }
};

template <>
struct Listing<model::NamedEntity> {
  static model::Entity entity(model::Dataset dataset) { return model::entity_of(dataset).value(); }
  static Planner<model::NamedEntity> planner(SQLite::Database& db, const SourceHandle& handle, model::Dataset dataset) {
    return Planner<model::NamedEntity>(store::load_entity_index(db, entity(dataset), handle.config.name));
  }
  static Planner<model::NamedEntity>::Loader loader(SQLite::Database& db, const std::string& source,
                                                    model::Dataset dataset) {
    auto reader = std::make_shared<store::EntityReader>(db, entity(dataset), source);
    return [reader](const std::string& key) { return reader->find(key); };
  }
  static core::Status fetch(sources::Source& source, sources::RunContext& context, model::Dataset dataset,
                            Planner<model::NamedEntity>& sink) {
    return source.fetch_entities(context, dataset, sink);
  }
  static void apply(SQLite::Database& db, const store::ChangeStamp& stamp, const SourceHandle&, model::Dataset dataset,
                    const EntityPlan& plan, StopCheck& check) {
    store::EntityWriter writer(db, entity(dataset), stamp);
    for (const auto& c : plan.changes) {
      check();
      switch (c.kind) {
        case ChangeKind::added: writer.add(c.record); break;
        case ChangeKind::updated: writer.update(c.record, c.fields); break;
        case ChangeKind::removed: writer.remove(c.record); break;
        case ChangeKind::restored: writer.restore(c.record); break;
      }
    }
    for (const auto& record : plan.rehash) writer.rehash(record);
  }
  static std::string line(std::string_view source, model::Dataset dataset, const Change<model::NamedEntity>& change) {
    return change_line(source, entity(dataset), change);
  }
};

// The mass-removal guard (SPEC 3): the reason to refuse, or nullopt.
template <class Record>
std::optional<std::string> refusal_reason(const Plan<Record>& plan, const config::SourceConfig& config,
                                          model::Dataset dataset) {
  const auto removing = plan.count(ChangeKind::removed);
  if (removing == 0 || plan.listed_before == 0) return std::nullopt;
  const auto hint = fmt::format("if this is right, run `rosterd sync --source {} --dataset {} --force`", config.name,
                                model::to_string(dataset));
  if (plan.fetched == 0) {
    return fmt::format("refused: the vendor listed no {} but {} were present; nothing was removed ({})",
                       model::to_string(dataset), plan.listed_before, hint);
  }
  const double ratio = static_cast<double>(removing) / static_cast<double>(plan.listed_before);
  if (ratio <= config.max_remove_ratio) return std::nullopt;
  return fmt::format("refused: the run would remove {} of {} {} ({:.0f}%, above max_remove_ratio {:.0f}%); "
                     "nothing was removed ({})",
                     removing, plan.listed_before, model::to_string(dataset), ratio * 100.0,
                     config.max_remove_ratio * 100.0, hint);
}

template <class Record>
void count_plan(const Plan<Record>& plan, store::RunCounts& counts) {
  counts.fetched = plan.fetched;
  counts.unchanged = plan.unchanged;
  counts.added = plan.count(ChangeKind::added);
  counts.updated = plan.count(ChangeKind::updated);
  counts.removed = plan.count(ChangeKind::removed);
  counts.restored = plan.count(ChangeKind::restored);
}

}  // namespace

Runner::Runner(store::Database& reader, store::Writer& writer, const core::Clock& clock)
    : m_reader(reader), m_writer(writer), m_clock(clock), m_dry_run_output([](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      }) {}

RunOutcome Runner::run(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                       std::stop_token stop) {
  if (model::entity_of(dataset) == model::Entity::user) {
    return run_listing<model::User>(handle, dataset, options, stop);
  }
  if (model::entity_of(dataset)) return run_listing<model::NamedEntity>(handle, dataset, options, stop);
  if (dataset == model::Dataset::user_stats) return run_user_stats(handle, options, stop);
  if (dataset == model::Dataset::agent_status) return run_agent_status(handle, options, stop);
  RunOutcome outcome;
  finish_failed(outcome, handle, dataset, store::RunStatus::failed,
                fmt::format("dataset {} is not a listing dataset", model::to_string(dataset)));
  return outcome;
}

template <class Record>
RunOutcome Runner::run_listing(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                               std::stop_token stop) {
  using L = Listing<Record>;
  const auto started = m_clock.steady_now();
  const std::string& name = handle.config.name;
  RunOutcome outcome;
  http::TransferCounters counters;
  http::CountingClient counting(handle.transport, counters);
  http::RetryingClient retrying(counting, handle.retry);
  sources::RunContext context{retrying, stop};
  auto take_counters = [&] {
    outcome.counts.requests = counters.requests;
    outcome.counts.bytes = counters.bytes;
    outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
  };

  try {
    auto& db = m_reader.sql();
    if (!options.dry_run) {
      outcome.run_id = m_writer.run([&](store::Database& w) {
        return store::begin_run(w.sql(), name, model::to_string(dataset), core::format_timestamp(m_clock.now()));
      });
    }
    auto planner = L::planner(db, handle, dataset);
    auto fetched = L::fetch(handle.source, context, dataset, planner);
    take_counters();
    if (!fetched) {
      outcome.counts.fetched = planner.fetched();
      const auto& error = fetched.error();
      finish_failed(outcome, handle, dataset, store::RunStatus::failed,
                    error.kind == core::ErrorKind::cancelled
                        ? "interrupted: rosterd is stopping (" + error.message + "); nothing was written"
                        : error.message);
      return outcome;
    }
    auto plan = planner.finish(L::loader(db, name, dataset));
    if (!plan) {
      finish_failed(outcome, handle, dataset, store::RunStatus::failed, plan.error().message);
      return outcome;
    }
    count_plan(*plan, outcome.counts);
    if (auto reason = refusal_reason(*plan, handle.config, dataset); reason && !options.force) {
      finish_failed(outcome, handle, dataset, store::RunStatus::refused, *reason);
      return outcome;
    }

    const std::size_t keep = options.dry_run ? plan->changes.size() : k_max_logged_changes;
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < plan->changes.size() && i < keep; ++i) {
      lines.push_back(L::line(name, dataset, plan->changes[i]));
    }
    if (!options.dry_run) {
      m_writer.run([&](store::Database& w) {
        SQLite::Transaction transaction(w.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        const store::ChangeStamp stamp{name, outcome.run_id, run_timestamp(w)};
        StopCheck check(stop);
        L::apply(w.sql(), stamp, handle, dataset, *plan, check);
        take_counters();
        store::finish_run(w.sql(), outcome.run_id, store::RunStatus::ok, stamp.at, outcome.counts, std::nullopt);
        transaction.commit();
        try {
          w.checkpoint();
        } catch (const std::exception& e) {
          core::log().warn("{}: checkpoint after the run failed: {}", name, e.what());
        }
      });
    }
    outcome.status = store::RunStatus::ok;
    take_counters();
    report_changes(lines, static_cast<std::int64_t>(plan->changes.size()), options.dry_run);
    const auto summary = summary_line(name, dataset, outcome.status, outcome.counts, outcome.elapsed);
    if (options.dry_run) {
      m_dry_run_output(summary + " (dry run: nothing written)");
    } else {
      core::log().info("{}", summary);
    }
  } catch (const Interrupted& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, e.what());
  } catch (const std::exception& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, fmt::format("database: {}", e.what()));
  }
  return outcome;
}

std::string Runner::run_timestamp(store::Database& db) {
  auto now = m_clock.now();
  if (auto latest = store::latest_change_time(db.sql())) {
    if (auto parsed = core::parse_timestamp(*latest); parsed && *parsed > now) now = *parsed;
  }
  return core::format_timestamp(now);
}

void Runner::log_line(const std::string& line, bool dry_run) {
  if (dry_run) {
    m_dry_run_output(line);
  } else {
    core::log().info("{}", line);
  }
}

void Runner::report_changes(const std::vector<std::string>& first_lines, std::int64_t total, bool dry_run) {
  for (const auto& line : first_lines) {
    if (dry_run) {
      m_dry_run_output(line);
    } else {
      core::log().info("{}", line);
    }
  }
  const auto rest = total - static_cast<std::int64_t>(first_lines.size());
  if (rest > 0) core::log().info("... and {} more changes (see the changes table)", rest);
}

void Runner::finish_failed(RunOutcome& outcome, const SourceHandle& handle, model::Dataset dataset,
                           store::RunStatus status, const std::string& error) {
  outcome.status = status;
  outcome.error = core::secrets().redact(error);
  const auto& name = handle.config.name;
  core::log().error("{}: {}: {}: {}", name, model::to_string(dataset), store::to_string(status), *outcome.error);
  if (outcome.run_id == 0) return;
  try {
    m_writer.run([&](store::Database& w) {
      store::finish_run(w.sql(), outcome.run_id, status, core::format_timestamp(m_clock.now()), outcome.counts,
                        outcome.error);
    });
  } catch (const std::exception& e) {
    core::log().error("{}: could not record the run's failure: {}", name, e.what());
  }
}

}  // namespace rosterd::sync
