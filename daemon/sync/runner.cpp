#include "sync/runner.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "core/log.hpp"
#include "core/memory.hpp"
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
  using Writer = store::UserWriter;
  static Planner<model::User> planner(SQLite::Database& db, const SourceHandle& handle, model::Dataset,
                                      std::string spool_directory) {
    const auto columns = handle.info_columns;
    return Planner<model::User>(
        store::load_user_index(db, handle.config.name), std::move(spool_directory),
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
  static Writer writer(SQLite::Database& db, const store::ChangeStamp& stamp, const SourceHandle& handle,
                       model::Dataset) {
    return Writer(db, stamp, handle.info_columns);
  }
  static void write(Writer& writer, const Change<model::User>& c) {
    switch (c.kind) {
      case ChangeKind::added: writer.add(c.record); break;
      case ChangeKind::updated: writer.update(c.record, c.prior_version, c.fields); break;
      case ChangeKind::removed: writer.remove(c.record, c.prior_version); break;
      case ChangeKind::restored: writer.restore(c.record, c.prior_version); break;
    }
  }
  static std::string line(std::string_view source, model::Dataset, const Change<model::User>& change) {
    return change_line(source, change);
  }
};

template <>
struct Listing<model::NamedEntity> {
  using Writer = store::EntityWriter;
  static model::Entity entity(model::Dataset dataset) { return model::entity_of(dataset).value(); }
  static Planner<model::NamedEntity> planner(SQLite::Database& db, const SourceHandle& handle, model::Dataset dataset,
                                             std::string spool_directory) {
    return Planner<model::NamedEntity>(store::load_entity_index(db, entity(dataset), handle.config.name),
                                       std::move(spool_directory));
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
  static Writer writer(SQLite::Database& db, const store::ChangeStamp& stamp, const SourceHandle&,
                       model::Dataset dataset) {
    return Writer(db, entity(dataset), stamp);
  }
  static void write(Writer& writer, const Change<model::NamedEntity>& c) {
    switch (c.kind) {
      case ChangeKind::added: writer.add(c.record); break;
      case ChangeKind::updated: writer.update(c.record, c.fields); break;
      case ChangeKind::removed: writer.remove(c.record); break;
      case ChangeKind::restored: writer.restore(c.record); break;
    }
  }
  static std::string line(std::string_view source, model::Dataset dataset, const Change<model::NamedEntity>& change) {
    return change_line(source, entity(dataset), change);
  }
};

// The mass-removal guard (SPEC 3): the reason to refuse, or nullopt.
std::optional<std::string> refusal_reason(const ListingSummary& listing, const config::SourceConfig& config,
                                          model::Dataset dataset) {
  const auto removing = listing.removals;
  if (removing == 0 || listing.listed_before == 0) return std::nullopt;
  const auto hint = fmt::format("if this is right, run `rosterd sync --source {} --dataset {} --force`", config.name,
                                model::to_string(dataset));
  if (listing.fetched == 0) {
    return fmt::format("refused: the vendor listed no {} but {} were present; nothing was removed ({})",
                       model::to_string(dataset), listing.listed_before, hint);
  }
  const double ratio = static_cast<double>(removing) / static_cast<double>(listing.listed_before);
  if (ratio <= config.max_remove_ratio) return std::nullopt;
  return fmt::format("refused: the run would remove {} of {} {} ({:.0f}%, above max_remove_ratio {:.0f}%); "
                     "nothing was removed ({})",
                     removing, listing.listed_before, model::to_string(dataset), ratio * 100.0,
                     config.max_remove_ratio * 100.0, hint);
}

void count_change(ChangeKind kind, store::RunCounts& counts) {
  switch (kind) {
    case ChangeKind::added: ++counts.added; break;
    case ChangeKind::updated: ++counts.updated; break;
    case ChangeKind::removed: ++counts.removed; break;
    case ChangeKind::restored: ++counts.restored; break;
  }
}

// Spool files go beside the database: same filesystem, same free space.
std::string spool_directory_of(const store::Database& db) {
  auto directory = std::filesystem::path(db.path()).parent_path();
  return directory.empty() ? std::string(".") : directory.string();
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
  RunTransport transport(handle, stop);
  auto take_counters = [&] {
    transport.count_into(outcome.counts);
    outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
  };

  try {
    auto& db = m_reader.sql();
    outcome.run_id = begin_run(name, dataset, core::format_timestamp(m_clock.now()), options);
    auto planner = L::planner(db, handle, dataset, spool_directory_of(m_reader));
    auto fetched = L::fetch(handle.source, transport.context, dataset, planner);
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
    // The pages, their parsed documents and records are freed by now: give that
    // memory back before the write phase allocates SQLite's page cache, so that peak
    // RSS is the larger of the two phases, not their sum (BENCHMARKS.md).
    core::release_free_memory();
    const auto listing = planner.summary();
    outcome.counts.fetched = listing.fetched;
    outcome.counts.removed = listing.removals;
    if (auto reason = refusal_reason(listing, handle.config, dataset); reason && !options.force) {
      finish_failed(outcome, handle, dataset, store::RunStatus::refused, *reason);
      return outcome;
    }
    outcome.counts.removed = 0;
    outcome.counts.unchanged = listing.unchanged;

    // Each change is counted and described as it streams past; a real run logs the
    // first k_max_logged_changes lines after its commit, a dry run prints them all.
    std::vector<std::string> lines;
    std::int64_t total_changes = 0;
    auto describe = [&](const Change<Record>& change) {
      count_change(change.kind, outcome.counts);
      ++total_changes;
      if (options.dry_run) {
        m_dry_run_output(L::line(name, dataset, change));
      } else if (lines.size() < k_max_logged_changes) {
        lines.push_back(L::line(name, dataset, change));
      }
    };
    if (options.dry_run) {
      const auto resolved = planner.resolve(
          L::loader(db, name, dataset), [&](Change<Record>&& change) { describe(change); },
          [&](const Record&) { ++outcome.counts.unchanged; });
      if (!resolved) {
        finish_failed(outcome, handle, dataset, store::RunStatus::failed, resolved.error().message);
        return outcome;
      }
    } else {
      m_writer.run([&](store::Database& w) {
        SQLite::Transaction transaction(w.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        const store::ChangeStamp stamp{name, outcome.run_id, run_timestamp(w)};
        auto writer = L::writer(w.sql(), stamp, handle, dataset);
        StopCheck check(stop);
        const auto resolved = planner.resolve(
            L::loader(w.sql(), name, dataset),
            [&](Change<Record>&& change) {
              check();
              describe(change);
              L::write(writer, change);
            },
            [&](const Record& record) {
              ++outcome.counts.unchanged;
              writer.rehash(record);
            });
        if (!resolved) throw std::runtime_error(resolved.error().message);
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
    if (!options.dry_run) report_changes(lines, total_changes);
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

std::int64_t Runner::begin_run(const std::string& source, model::Dataset dataset, const std::string& started_at,
                               const RunOptions& options) {
  if (options.dry_run) return 0;
  return m_writer.run([&](store::Database& w) {
    return store::begin_run(w.sql(), source, model::to_string(dataset), started_at);
  });
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

void Runner::report_changes(const std::vector<std::string>& first_lines, std::int64_t total) {
  for (const auto& line : first_lines) core::log().info("{}", line);
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
