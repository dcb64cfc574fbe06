#include "sync/runner.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/secrets.hpp"
#include "core/timestamp.hpp"
#include "http/counting_client.hpp"
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
  static Planner<model::User> planner(store::Database& db, const SourceHandle& handle, model::Dataset,
                                      std::string spool_directory, const model::FieldPolicy& policy) {
    const auto columns = handle.info_columns;
    return Planner<model::User>(
        db.load_user_index(handle.config.name), std::move(spool_directory),
        [columns](const model::User& user) { return model::listing_hash(user, columns); },
        [columns](const model::User& stored, model::User& incoming) {
          model::merge_info(incoming, model::info_view(stored, columns), columns);
        },
        policy);
  }
  static Planner<model::User>::Loader loader(store::Database& db, const std::string& source, model::Dataset) {
    std::shared_ptr<store::UserLookup> reader = db.user_lookup(source);
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
  static std::unique_ptr<Writer> writer(store::Database& db, const store::ChangeStamp& stamp,
                                        const SourceHandle& handle, model::Dataset, const model::FieldPolicy& policy) {
    return db.user_writer(stamp, handle.info_columns, policy);
  }
  static void write(Writer& writer, const Change<model::User>& c) {
    switch (c.kind) {
      case ChangeKind::added: writer.add(c.record); break;
      case ChangeKind::updated:
      case ChangeKind::filled: writer.update(c.record, c.prior_version, c.fields, c.filled); break;
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
  static Planner<model::NamedEntity> planner(store::Database& db, const SourceHandle& handle, model::Dataset dataset,
                                             std::string spool_directory, const model::FieldPolicy&) {
    return Planner<model::NamedEntity>(db.load_entity_index(entity(dataset), handle.config.name),
                                       std::move(spool_directory));
  }
  static Planner<model::NamedEntity>::Loader loader(store::Database& db, const std::string& source,
                                                    model::Dataset dataset) {
    std::shared_ptr<store::EntityLookup> reader = db.entity_lookup(entity(dataset), source);
    return [reader](const std::string& key) { return reader->find(key); };
  }
  static core::Status fetch(sources::Source& source, sources::RunContext& context, model::Dataset dataset,
                            Planner<model::NamedEntity>& sink) {
    return source.fetch_entities(context, dataset, sink);
  }
  static std::unique_ptr<Writer> writer(store::Database& db, const store::ChangeStamp& stamp, const SourceHandle&,
                                        model::Dataset dataset, const model::FieldPolicy&) {
    return db.entity_writer(entity(dataset), stamp);
  }
  static void write(Writer& writer, const Change<model::NamedEntity>& c) {
    switch (c.kind) {
      case ChangeKind::added: writer.add(c.record); break;
      case ChangeKind::updated:
      case ChangeKind::filled: writer.update(c.record, c.fields); break;
      case ChangeKind::removed: writer.remove(c.record); break;
      case ChangeKind::restored: writer.restore(c.record); break;
    }
  }
  static std::string line(std::string_view source, model::Dataset dataset, const Change<model::NamedEntity>& change) {
    return change_line(source, entity(dataset), change);
  }
};

// The mass-removal guard (README, "Sync semantics"): the reason to refuse, or nullopt.
std::optional<std::string> refusal_reason(const ListingSummary& listing, const config::SourceConfig& config,
                                          model::Dataset dataset) {
  const auto removing = listing.removals;
  if (removing == 0 || listing.listed_before == 0) return std::nullopt;
  const auto hint = fmt::format("if this is right, run `rosterd sync --source {} --dataset {} --force`", config.name,
                                model::to_string(dataset));
  if (listing.fetched == 0) {
    return fmt::format("the vendor listed no {} but {} were present; nothing was removed ({})",
                       model::to_string(dataset), listing.listed_before, hint);
  }
  const double ratio = static_cast<double>(removing) / static_cast<double>(listing.listed_before);
  if (ratio <= config.max_remove_ratio) return std::nullopt;
  return fmt::format("the run would remove {} of {} {} ({:.0f}%, above max_remove_ratio {:.0f}%); "
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
    case ChangeKind::filled: ++counts.filled; break;
  }
}

// The volatile fields of the source, and whether this run is the first after an
// upgrade that reads more of the dataset's records (reader version went up).
model::FieldPolicy field_policy(store::Database& db, const SourceHandle& handle, model::Dataset dataset) {
  const auto stored = db.load_reader_version(handle.config.name, model::to_string(dataset));
  return model::make_field_policy(handle.config.volatile_fields, stored && *stored < handle.reader_version);
}

std::string later_of(const std::string& a, const std::string& b) { return a < b ? b : a; }

// Spool files go beside the database: same filesystem, same free space.
std::string spool_directory_of(const store::Database& db) {
  auto directory = std::filesystem::path(db.path()).parent_path();
  return directory.empty() ? std::string(".") : directory.string();
}

}  // namespace

Runner::Runner(store::Database& reader, store::Writer& writer, const core::Clock& clock)
    : m_reader(reader),
      m_writer(writer),
      m_clock(clock),
      m_dry_run_output([](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      }) {}

RunOutcome Runner::run(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                       std::stop_token stop) {
  if (options.dry_run) return run_dataset(handle, dataset, options, stop);
  const auto& name = handle.config.name;
  RunOutcome outcome;
  std::unique_ptr<store::Lock> lock;
  try {
    if (options.lock_wait == LockWait::skip_if_busy) {
      lock = m_reader.try_lock_source(name);
      if (!lock) {
        outcome.deferred = true;
        return outcome;
      }
    } else {
      lock = m_reader.lock_source(name, stop, [&] {
        const auto other = m_reader.running_run_of(name);
        core::log().info("{}: waiting for {} to finish (runs of one source never overlap)", name,
                         other ? fmt::format("its {} run in progress in rosterd pid {} since {}", other->dataset,
                                             other->pid, other->started_at)
                               : std::string("its run in progress in another rosterd process"));
      });
      if (!lock) {
        outcome.status = store::RunStatus::interrupted;
        outcome.error = "interrupted while waiting for the source's other run: nothing was done";
        core::log().info("{}: {}: {}", name, model::to_string(dataset), *outcome.error);
        return outcome;
      }
    }
  } catch (const std::exception& e) {
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, e.what());
    return outcome;
  }
  return run_dataset(handle, dataset, options, stop);
}

RunOutcome Runner::run_dataset(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
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
  RunTransport transport(handle, stop, m_clock);
  auto take_counters = [&] {
    transport.count_into(outcome.counts);
    outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
  };

  try {
    auto& db = m_reader;
    begin_run(outcome, name, dataset, options);
    const auto policy = field_policy(db, handle, dataset);
    auto planner = L::planner(db, handle, dataset, spool_directory_of(m_reader), policy);
    transport.progress.on_progress([&](core::Millis elapsed) {
      store::RunCounts so_far;
      transport.count_into(so_far);
      so_far.fetched = planner.fetched();
      report_progress(name, dataset, outcome, so_far, elapsed);
    });
    auto fetched = L::fetch(handle.source, transport.context, dataset, planner);
    transport.progress.on_progress({});
    take_counters();
    if (!fetched) {
      outcome.counts.fetched = planner.fetched();
      const auto& error = fetched.error();
      if (error.kind == core::ErrorKind::cancelled) {
        finish_failed(outcome, handle, dataset, store::RunStatus::interrupted,
                      "interrupted: rosterd is stopping (" + error.message + "); nothing was written");
      } else {
        finish_failed(outcome, handle, dataset, store::RunStatus::failed, error.message);
      }
      return outcome;
    }
    // The pages, their parsed documents and records are freed by now: give that
    // memory back before the write phase allocates the store's page cache, so that peak
    // RSS is the larger of the two phases, not their sum (BENCHMARKS.md).
    core::release_free_memory();
    const auto listing = planner.summary();
    outcome.counts.fetched = listing.fetched;
    if (auto reason = refusal_reason(listing, handle.config, dataset); reason && !options.force) {
      // A refused run removed nothing: its counts say so; what it would have removed is in its error.
      finish_failed(outcome, handle, dataset, store::RunStatus::refused, *reason);
      return outcome;
    }
    outcome.counts.unchanged = listing.unchanged;

    // Each change is counted and described as it streams past; a real run logs the
    // first k_max_logged_changes lines after its commit (fills are only counted), a
    // dry run prints them all.
    std::vector<std::string> lines;
    std::int64_t total_changes = 0;
    auto describe = [&](const Change<Record>& change) {
      count_change(change.kind, outcome.counts);
      if (options.dry_run) {
        m_dry_run_output(L::line(name, dataset, change));
        return;
      }
      if (change.kind == ChangeKind::filled) return;
      ++total_changes;
      if (lines.size() < k_max_logged_changes) lines.push_back(L::line(name, dataset, change));
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
        const auto transaction = w.begin_write();
        const store::ChangeStamp stamp{name, outcome.run_id, commit_time(w, outcome)};
        const auto writer = L::writer(w, stamp, handle, dataset, policy);
        StopCheck check(stop);
        const auto resolved = planner.resolve(
            L::loader(w, name, dataset),
            [&](Change<Record>&& change) {
              check();
              describe(change);
              L::write(*writer, change);
            },
            [&](const Record& record) {
              ++outcome.counts.unchanged;
              writer->refresh(record);
            });
        if (!resolved) throw std::runtime_error(resolved.error().message);
        take_counters();
        w.save_reader_version(name, model::to_string(dataset), handle.reader_version);
        w.finish_run(outcome.run_id, store::RunStatus::ok, stamp.at, outcome.counts, std::nullopt);
        transaction->commit();
        try {
          w.after_run();
        } catch (const std::exception& e) {
          core::log().warn("{}: checkpoint after the run failed: {}", name, e.what());
        }
      });
    }
    outcome.status = store::RunStatus::ok;
    take_counters();
    if (!options.dry_run) report_changes(name, lines, total_changes, outcome.counts.filled);
    const auto summary = summary_line(name, dataset, outcome.status, outcome.counts, outcome.elapsed);
    if (options.dry_run) {
      m_dry_run_output(summary + " (dry run: nothing written)");
    } else {
      core::log().info("{}", summary);
    }
  } catch (const Interrupted& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::interrupted, e.what());
  } catch (const std::exception& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::failed,
                  store::describe_failure(e, m_reader.path()));
  }
  return outcome;
}

void Runner::begin_run(RunOutcome& outcome, const std::string& source, model::Dataset dataset,
                       const RunOptions& options) {
  const auto now = core::format_timestamp(m_clock.now());
  if (options.dry_run) {
    outcome.started_at = now;
    return;
  }
  outcome.started_at = now;
  outcome.start_unrecorded = true;
  m_writer.run([&](store::Database& w) {
    const auto transaction = w.begin_write();
    const auto latest = w.latest_recorded_time();
    outcome.started_at = latest ? later_of(now, *latest) : now;
    if (outcome.started_at != now) {
      const auto behind = core::parse_timestamp(outcome.started_at).value_or(m_clock.now()) - m_clock.now();
      if (behind > std::chrono::seconds{1}) {
        core::log().warn("{}: {}: the system clock ({}) is behind the latest time this database recorded ({}); "
                         "the run's times are held at that time so that history stays in order",
                         source, model::to_string(dataset), now, outcome.started_at);
      }
    }
    outcome.run_id = w.begin_run(source, model::to_string(dataset), outcome.started_at);
    transaction->commit();
  });
  outcome.start_unrecorded = false;
}

std::string Runner::commit_time(store::Database& db, const RunOutcome& outcome) {
  auto at = later_of(core::format_timestamp(m_clock.now()), outcome.started_at);
  if (auto latest = db.latest_recorded_time()) at = later_of(at, *latest);
  return at;
}

void Runner::report_progress(const std::string& source, model::Dataset dataset, const RunOutcome& outcome,
                             const store::RunCounts& counts, core::Millis elapsed) {
  core::log().info("{}: {}: still running after {}s: {} requests, {} records, {} so far", source,
                   model::to_string(dataset), elapsed.count() / 1000, counts.requests, counts.fetched,
                   human_size(counts.bytes));
  if (outcome.run_id == 0) return;
  try {
    m_writer.try_run([&](store::Database& w) {
      w.with_short_wait([&] { w.record_progress(outcome.run_id, counts); });
    });
  } catch (const std::exception& e) {
    core::log().debug("{}: {}: progress not recorded: {}", source, model::to_string(dataset), e.what());
  }
}

void Runner::log_line(const std::string& line, bool dry_run) {
  if (dry_run) {
    m_dry_run_output(line);
  } else {
    core::log().info("{}", line);
  }
}

void Runner::report_changes(const std::string& source, const std::vector<std::string>& first_lines,
                            std::int64_t total, std::int64_t filled) {
  for (const auto& line : first_lines) core::log().info("{}", line);
  const auto rest = total - static_cast<std::int64_t>(first_lines.size());
  if (rest > 0) core::log().info("{}: ... and {} more changes (see the changes table)", source, rest);
  if (filled > 0) {
    core::log().info("{}: {} users gained data rosterd had not read before (a first fill, not vendor changes; "
                     "changes rows with change 'filled')",
                     source, filled);
  }
}

void Runner::finish_failed(RunOutcome& outcome, const SourceHandle& handle, model::Dataset dataset,
                           store::RunStatus status, const std::string& error) {
  outcome.status = status;
  outcome.error = core::secrets().redact(error);
  const auto& name = handle.config.name;
  if (status == store::RunStatus::interrupted) {
    core::log().info("{}: {}: {}", name, model::to_string(dataset), *outcome.error);
  } else {
    core::log().error("{}: {}: {}: {}", name, model::to_string(dataset), store::to_string(status), *outcome.error);
  }
  const auto finished = later_of(core::format_timestamp(m_clock.now()), outcome.started_at);
  if (outcome.run_id == 0) {
    if (!outcome.start_unrecorded) return;
    // The database took no write (another program holds its write lock): the failure
    // reaches sync_runs, and `rosterd status`, as soon as it takes writes again.
    m_writer.defer([source = name, dataset, started = outcome.started_at, finished, error = *outcome.error](
                       store::Database& w) {
      w.record_failed_run(source, model::to_string(dataset), started, finished, error);
    });
    return;
  }
  try {
    m_writer.run([&](store::Database& w) {
      w.finish_run(outcome.run_id, status, finished, outcome.counts, outcome.error);
    });
  } catch (const std::exception& e) {
    core::log().error("{}: could not record the run's failure: {}", name,
                      store::describe_failure(e, m_reader.path()));
  }
}

}  // namespace rosterd::sync
