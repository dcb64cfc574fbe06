#include "sync/runner.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/secrets.hpp"
#include "core/timestamp.hpp"
#include "sync/change_lines.hpp"
#include "sync/datasets/table.hpp"

namespace rosterd::sync {
namespace {

// The mass-removal guard (README, "Sync semantics"): the reason to refuse, or nullopt.
std::optional<std::string> refusal_reason(const ListingSummary& listing, const config::SourceConfig& config,
                                          const model::Dataset& dataset) {
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
  return fmt::format(
      "the run would remove {} of {} {} ({:.0f}%, above max_remove_ratio {:.0f}%); "
      "nothing was removed ({})",
      removing, listing.listed_before, model::to_string(dataset), ratio * 100.0, config.max_remove_ratio * 100.0, hint);
}

std::string later_of(const std::string& a, const std::string& b) {
  return a < b ? b : a;
}

}  // namespace

Runner::Runner(store::Database& reader, store::Writer& writer, const core::Clock& clock,
               std::span<const DatasetType> datasets)
    : m_reader(reader),
      m_writer(writer),
      m_clock(clock),
      m_datasets(datasets),
      m_dry_run_output([](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      }) {}

RunOutcome Runner::run(const SourceHandle& handle, const model::Dataset& dataset, const RunOptions& options,
                       std::stop_token stop) {
  if (options.dry_run || options.lock_wait == LockWait::held) return run_dataset(handle, dataset, options, stop);
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

RunOutcome Runner::run_dataset(const SourceHandle& handle, const model::Dataset& dataset, const RunOptions& options,
                               std::stop_token stop) {
  const auto started = m_clock.steady_now();
  RunOutcome outcome;
  RunTransport transport(handle, stop, m_clock);
  const auto take_counters = [&] {
    transport.count_into(outcome.counts, &outcome.transfer);
    outcome.elapsed = std::chrono::duration_cast<core::Millis>(m_clock.steady_now() - started);
  };
  try {
    begin_run(outcome, handle.config.name, dataset, options);
    const auto* type = find_dataset_type(m_datasets, dataset);
    if (type == nullptr) {
      finish_failed(outcome, handle, dataset, store::RunStatus::failed,
                    fmt::format("dataset {} has no strategy (no row in the dataset table)", model::to_string(dataset)));
      return outcome;
    }
    const auto run = type->start({handle, dataset, m_reader, m_reader.scratch_directory(), outcome.started_at});
    const bool fetched = fetch(*run, transport, outcome, handle, dataset);
    take_counters();
    if (!fetched) return outcome;
    // The pages, their parsed documents and records are freed by now: give that
    // memory back before the write phase allocates the store's page cache, so that peak
    // RSS is the larger of the two phases, not their sum (BENCHMARKS.md).
    core::release_free_memory();
    const auto plan = run->plan();
    outcome.counts.fetched = plan.fetched;
    if (!guard(plan, outcome, handle, dataset, options)) return outcome;
    outcome.counts.unchanged = plan.unchanged;
    ChangeReport report(handle.config.name, outcome.counts, options.dry_run ? &m_dry_run_output : nullptr, stop);
    if (options.dry_run) {
      if (auto previewed = run->preview(report); !previewed) throw std::runtime_error(previewed.error().message);
    } else {
      commit(*run, plan, report, outcome, handle.config.name, take_counters);
    }
    take_counters();
    report_end(plan, report, outcome, handle, dataset, options.dry_run);
  } catch (const Interrupted& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::interrupted, e.what());
  } catch (const std::exception& e) {
    take_counters();
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, store::describe_failure(e, m_reader.path()));
  }
  return outcome;
}

bool Runner::fetch(DatasetRun& run, RunTransport& transport, RunOutcome& outcome, const SourceHandle& handle,
                   const model::Dataset& dataset) {
  transport.progress.on_progress([&](core::Millis elapsed) {
    store::RunCounts so_far;
    transport.count_into(so_far);
    so_far.fetched = run.fetched();
    report_progress(handle.config.name, dataset, outcome, so_far, elapsed);
  });
  auto fetched = run.fetch(transport.context);
  transport.progress.on_progress({});
  transport.count_into(outcome.counts);
  if (fetched) return true;
  outcome.counts.fetched = run.fetched();
  const auto& error = fetched.error();
  if (error.kind == core::ErrorKind::cancelled) {
    finish_failed(outcome, handle, dataset, store::RunStatus::interrupted,
                  "interrupted: rosterd is stopping (" + error.message + "); nothing was written");
  } else {
    finish_failed(outcome, handle, dataset, store::RunStatus::failed, error.message);
  }
  return false;
}

bool Runner::guard(const PlanResult& plan, RunOutcome& outcome, const SourceHandle& handle,
                   const model::Dataset& dataset, const RunOptions& options) {
  if (!plan.listing || options.force) return true;
  const auto reason = refusal_reason(*plan.listing, handle.config, dataset);
  if (!reason) return true;
  // A refused run removed nothing: its counts say so; what it would have removed is in its error.
  finish_failed(outcome, handle, dataset, store::RunStatus::refused, *reason);
  return false;
}

void Runner::commit(DatasetRun& run, const PlanResult& plan, ChangeReport& report, RunOutcome& outcome,
                    const std::string& source, const std::function<void()>& take_counters) {
  m_writer.run([&](store::Database& w) {
    const auto transaction = w.begin_write();
    const store::ChangeStamp stamp{source, outcome.run_id, commit_time(w, outcome)};
    if (auto written = run.write(w, stamp, report); !written) throw std::runtime_error(written.error().message);
    take_counters();
    w.finish_run(outcome.run_id, plan.status, stamp.at, outcome.counts, plan.error);
    transaction->commit();
    try {
      w.after_run();
    } catch (const std::exception& e) {
      core::log().warn("{}: checkpoint after the run failed: {}", stamp.source, e.what());
    }
  });
}

void Runner::report_end(const PlanResult& plan, const ChangeReport& report, RunOutcome& outcome,
                        const SourceHandle& handle, const model::Dataset& dataset, bool dry_run) {
  const auto& name = handle.config.name;
  outcome.status = plan.status;
  outcome.error = plan.error;
  if (!dry_run) report.log();
  if (plan.error) core::log().warn("{}: {}: {}", name, model::to_string(dataset), *plan.error);
  const auto summary = summary_line(name, dataset, outcome.status, outcome.counts, outcome.elapsed);
  if (dry_run) {
    m_dry_run_output(summary + " (dry run: nothing written)");
  } else {
    core::log().info("{}", summary);
  }
}

void Runner::begin_run(RunOutcome& outcome, const std::string& source, const model::Dataset& dataset,
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
        core::log().warn(
            "{}: {}: the system clock ({}) is behind the latest time this database recorded ({}); "
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

void Runner::report_progress(const std::string& source, const model::Dataset& dataset, const RunOutcome& outcome,
                             const store::RunCounts& counts, core::Millis elapsed) {
  core::log().info("{}: {}: still running after {}s: {} requests, {} records, {} so far", source,
                   model::to_string(dataset), elapsed.count() / 1000, counts.requests, counts.fetched,
                   human_size(counts.bytes));
  if (outcome.run_id == 0) return;
  try {
    m_writer.try_run(
        [&](store::Database& w) { w.with_short_wait([&] { w.record_progress(outcome.run_id, counts); }); });
  } catch (const std::exception& e) {
    core::log().debug("{}: {}: progress not recorded: {}", source, model::to_string(dataset), e.what());
  }
}

void Runner::finish_failed(RunOutcome& outcome, const SourceHandle& handle, const model::Dataset& dataset,
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
    m_writer.defer(
        [source = name, dataset, started = outcome.started_at, finished, error = *outcome.error](store::Database& w) {
          w.record_failed_run(source, model::to_string(dataset), started, finished, error);
        });
    return;
  }
  try {
    m_writer.run(
        [&](store::Database& w) { w.finish_run(outcome.run_id, status, finished, outcome.counts, outcome.error); });
  } catch (const std::exception& e) {
    // Recorded as soon as the database takes writes again (a server back from a restart),
    // so that the run's row does not stay 'running'.
    core::log().error("{}: could not record the run's failure yet: {}", name,
                      store::describe_failure(e, m_reader.path()));
    m_writer.defer([run_id = outcome.run_id, status, finished, counts = outcome.counts,
                    error = outcome.error](store::Database& w) { w.finish_run(run_id, status, finished, counts, error); });
  }
}

}  // namespace rosterd::sync
