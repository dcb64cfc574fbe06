#include "service/daemon.hpp"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/log.hpp"
#include "core/timestamp.hpp"
#include "http/yielding_client.hpp"
#include "service/config_diff.hpp"
#include "service/open_files.hpp"
#include "service/shared_schedule.hpp"
#include "service/yielding_source.hpp"
#include "store/runs.hpp"
#include "store/status.hpp"
#include "sync/interval.hpp"
#include "sync/runner.hpp"

namespace rosterd::service {
namespace {

// The STATUS= line names at most this many runs in progress.
constexpr std::size_t k_status_runs_named = 5;

// How much more start-up time a schema migration asks systemd for: half an hour,
// the measured pace (about 13 s per million users) with a wide margin.
constexpr std::int64_t k_migration_timeout_usec = 30LL * 60 * 1'000'000;

config::Config load(const DaemonOptions& options, const SourceFactory& factory) {
  auto config = factory.load_config(options.config_path);
  core::set_log_level(options.log_level.value_or(config.log_level));
  for (const auto& warning : config.warnings) core::log().warn("{}", warning);
  return config;
}

std::string join(const std::vector<std::string>& names, std::size_t at_most = std::numeric_limits<std::size_t>::max()) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < at_most; ++i) out += (out.empty() ? "" : ", ") + names[i];
  if (names.size() > at_most) out += fmt::format(" and {} more", names.size() - at_most);
  return out.empty() ? "none" : out;
}

// The configured datasets, in the order written.
std::vector<model::Dataset> datasets_of(const config::SourceConfig& source) {
  std::vector<model::Dataset> out;
  for (const auto& name : source.datasets) {
    if (auto dataset = model::parse_dataset(name)) out.push_back(*dataset);
  }
  return out;
}

}  // namespace

Daemon::Daemon(DaemonOptions options, const SourceFactory& sources, Notifier& notifier, const core::Clock& clock)
    : m_options(std::move(options)),
      m_factory(sources),
      m_notifier(notifier),
      m_clock(clock),
      m_config(load(m_options, m_factory)) {
  if (const auto files = raise_open_file_limit(); !files) {
    core::log().warn("could not raise the open file limit (RLIMIT_NOFILE) to its hard limit");
  } else if (files->now != files->before) {
    core::log().debug("open file limit raised from {} to {}", files->before, files->now);
  }
  for (const auto& source : m_config.sources) m_sources.emplace(source.name, m_factory.build_source(source));
  // Before anything touches the database: a second daemon would sync every source twice
  // and overwrite this one's schedule rows.
  m_daemon_lock = store::lock_daemon(m_config.database);
  // A schema upgrade of a large database runs before READY=1: ask systemd for more
  // start-up time than TimeoutStartSec= (90 s by default) allows.
  m_db = store::open(m_config.database, store::OpenMode::read_write, [&](int from, int to) {
    core::log().info("{}: migrating the database schema from version {} to {}",
                     store::display_location(m_config.database), from, to);
    m_notifier.notify(fmt::format("EXTEND_TIMEOUT_USEC={}\nSTATUS=migrating the database schema from version {} to {}",
                                  k_migration_timeout_usec, from, to));
  });
  m_writer.emplace(*m_db);
  // Bookkeeping writes are deferred, not fatal: another program holding the database's
  // write lock (someone's sqlite3) must not keep the daemon from starting. They are
  // made before the first write that gets through.
  m_writer->defer([&clock = m_clock](store::Database& db) {
    const auto abandoned = db.fail_abandoned_runs(core::format_timestamp(clock.now()));
    if (abandoned > 0) {
      core::log().warn("marked {} run(s) left 'running' by an ended rosterd process as failed", abandoned);
    }
  });
  const auto concurrency = static_cast<std::size_t>(m_config.concurrency);
  m_slots = std::make_unique<RunSlots>(concurrency);
  m_readers = std::make_unique<ReaderPool>(m_config.database, concurrency);
  m_metrics = std::make_unique<DaemonMetrics>(m_config, m_clock);
  m_retention = std::make_unique<RetentionKeeper>(
      *m_writer, m_clock, m_config.retention,
      [this](const std::string& table, std::int64_t rows) { m_metrics->count_pruned(table, rows); });

  std::vector<std::string> names;
  for (const auto& source : m_config.sources) names.push_back(source.name);
  schedule_sources(names);
  try {
    // A shared schedule belongs to every instance: each row is written by whichever ran its job.
    if (!m_db->shared_schedule()) m_writer->run([](store::Database& db) { db.replace_schedule({}); });
  } catch (const std::exception& e) {
    core::log().warn("could not clear the previous daemon's schedule: {}",
                     store::describe_failure(e, store::display_location(m_config.database)));
  }
  publish_all();
  core::log().info("rosterd {} running: {} sources, {} datasets, concurrency {}, database {}", ROSTERD_VERSION,
                   m_sources.size(), m_scheduler.jobs().size(), m_config.concurrency,
                   store::display_location(m_config.database));
}

Daemon::~Daemon() = default;

void Daemon::request_reload() {
  {
    std::lock_guard lock(m_mutex);
    m_reload_requested = true;
  }
  m_wake.notify_all();
}

void Daemon::schedule_sources(const std::vector<std::string>& names) {
  const auto now = m_clock.steady_now();
  for (const auto& name : names) {
    const auto& source = m_sources.at(name)->config;
    const auto datasets = datasets_of(source);
    for (auto it = m_scheduler.jobs().begin(); it != m_scheduler.jobs().end();) {
      const auto key = (it++)->first;
      if (key.source == name && std::find(datasets.begin(), datasets.end(), key.dataset) == datasets.end()) {
        m_scheduler.remove(key);
      }
    }
    for (const auto& dataset : datasets) {
      m_scheduler.upsert({name, dataset}, sync::interval_for(source, dataset), now);
    }
  }
}

int Daemon::run(std::stop_token stop) {
  std::stop_callback wake_on_stop(stop, [this] { m_wake.notify_all(); });
  update_status();
  m_notifier.notify("READY=1\nSTATUS=" + m_status);
  const auto watchdog = m_notifier.watchdog_interval();
  std::optional<core::SteadyTime> watchdog_due;
  if (watchdog) watchdog_due = m_clock.steady_now();

  while (!stop.stop_requested()) {
    handle_completions();
    bool reload_now = false;
    {
      std::lock_guard lock(m_mutex);
      std::swap(reload_now, m_reload_requested);
    }
    if (reload_now) reload();
    dispatch(stop);
    m_metrics->set_ready();
    m_metrics->loop_alive();
    if (watchdog_due && m_clock.steady_now() >= *watchdog_due) {
      m_notifier.notify("WATCHDOG=1");
      watchdog_due = m_clock.steady_now() + *watchdog / 2;
    }
    wait_for_work(watchdog_due, stop);
  }

  m_notifier.notify("STOPPING=1\nSTATUS=stopping: interrupting the runs in progress");
  core::log().info("stopping: {} run(s) in progress are interrupted and rolled back", m_in_flight);
  drain();
  core::log().info("stopped");
  return 0;
}

void Daemon::wait_for_work(std::optional<core::SteadyTime> watchdog_due, const std::stop_token& stop) {
  auto until = m_clock.steady_now() + std::chrono::minutes{1};
  if (auto due = m_scheduler.next_due()) until = std::min(until, *due);
  if (watchdog_due) until = std::min(until, *watchdog_due);
  std::unique_lock lock(m_mutex);
  m_wake.wait_until(lock, until, [&] { return stop.stop_requested() || m_reload_requested || !m_completions.empty(); });
}

void Daemon::dispatch(std::stop_token stop) {
  // Every due run starts: `concurrency` bounds the runs working, not those waiting
  // on their vendors (RunSlots).
  const auto ready = m_scheduler.take_ready(m_clock.steady_now(), std::numeric_limits<std::size_t>::max());
  for (const auto& key : ready) start_job(key, stop);
  if (!ready.empty()) {
    publish({ready.begin(), ready.end()});
    update_status();
  }
}

void Daemon::start_job(const JobKey& key, std::stop_token stop) {
  ++m_in_flight;
  auto source = m_sources.at(key.source);  // the run keeps its source alive through a reload
  const auto dispatched = m_clock.steady_now();
  const bool threaded = m_threads.start(key, [this, key, source, dispatched, stop] {
    // A run's start, for its next due time, is when it began to work, not when it
    // began to wait for a slot: runs that were due together and queued for slots
    // are then due apart, as they ran.
    auto started = dispatched;
    const auto end = execute(key, *source, stop, started);
    {
      std::lock_guard lock(m_mutex);
      m_completions.push_back({key, end.ok, end.deferred, started, end.due});
    }
    m_wake.notify_all();
  });
  if (!threaded) {
    std::lock_guard lock(m_mutex);
    m_completions.push_back({key, false, false, dispatched, std::nullopt});
  }
}

Daemon::RunEnd Daemon::execute(const JobKey& key, const sync::SourceHandle& configured, std::stop_token stop,
                               core::SteadyTime& started) noexcept {
  try {
    SlotLease lease(*m_slots, stop);
    if (!lease.start()) return {};  // stopping before it began
    started = m_clock.steady_now();
    auto reader = m_readers->take();
    // A run waiting on its vendor keeps its connection but not the connection's cache.
    lease.on_yield([&reader, owner = std::this_thread::get_id()] {
      if (std::this_thread::get_id() == owner) ReaderPool::release_cache(*reader);
    });
    http::YieldingClient transport(configured.transport, lease);
    YieldingSource vendor(configured.source, lease);
    const sync::SourceHandle handle{vendor,          transport,
                                    configured.retry, configured.config,
                                    configured.info_columns, configured.reader_version};
    sync::Runner runner(*reader, *m_writer, m_clock, m_factory.datasets());
    sync::RunOptions options;
    options.lock_wait = m_db->shared_schedule() ? sync::LockWait::held : sync::LockWait::skip_if_busy;
    if (m_db->shared_schedule()) {
      const auto turn = take_shared_turn(*reader, *m_writer, key, sync::interval_for(configured.config, key.dataset),
                                         m_clock, [&] { return counted(key, runner.run(handle, key.dataset, options, stop)); });
      lease.on_yield({});
      m_readers->give_back(std::move(reader));
      return {turn.ok, turn.kind == SharedTurn::Kind::busy, turn.due};
    }
    const auto outcome = counted(key, runner.run(handle, key.dataset, options, stop));
    lease.on_yield({});
    m_readers->give_back(std::move(reader));
    if (outcome.deferred) {
      core::log().info("{}: {}: another rosterd process (`rosterd sync`) is running this source; trying again in {}",
                       key.source, model::to_string(key.dataset), core::format_duration(Scheduler::k_deferred_retry));
      return {false, true, std::nullopt};
    }
    // A partial run (some users of a per-user dataset failed) did its work: no backoff.
    return {outcome.status == store::RunStatus::ok || outcome.status == store::RunStatus::partial, false, std::nullopt};
  } catch (const std::exception& e) {
    core::log().error("{}: {}: {}", key.source, model::to_string(key.dataset), e.what());
  } catch (...) {
    core::log().error("{}: {}: the run failed with an unknown exception", key.source, model::to_string(key.dataset));
  }
  return {};
}

sync::RunOutcome Daemon::counted(const JobKey& key, sync::RunOutcome outcome) {
  if (!outcome.deferred) m_metrics->count_run(key.source, key.dataset, outcome);
  return outcome;
}

void Daemon::handle_completions() {
  std::vector<Completion> done;
  {
    std::lock_guard lock(m_mutex);
    done.swap(m_completions);
  }
  if (done.empty()) return;
  std::set<JobKey> keys;
  for (const auto& completion : done) {
    m_threads.join(completion.key);
    --m_in_flight;
    const auto now = m_clock.steady_now();
    if (completion.deferred) {
      m_scheduler.deferred(completion.key, now);
    } else if (completion.due) {
      m_scheduler.adopt(completion.key, now + std::chrono::duration_cast<core::Millis>(*completion.due - m_clock.now()));
    } else {
      m_scheduler.finished(completion.key, completion.ok, completion.started, now);
    }
    if (m_scheduler.jobs().count(completion.key) != 0) keys.insert(completion.key);
  }
  publish(keys);
  update_status();
}

void Daemon::drain() {
  std::unique_lock lock(m_mutex);
  while (m_in_flight > 0) {
    m_wake.wait(lock, [this] { return !m_completions.empty(); });
    std::vector<Completion> done;
    done.swap(m_completions);
    lock.unlock();
    for (const auto& completion : done) m_threads.join(completion.key);
    m_in_flight -= done.size();
    lock.lock();
  }
}

void Daemon::reload() {
  m_notifier.notify("RELOADING=1\nSTATUS=reloading the configuration");
  config::Config next;
  SourceMap rebuilt;
  ConfigDiff diff;
  try {
    next = load(m_options, m_factory);
    diff = diff_sources(m_config, next);
    for (const auto* names : {&diff.added, &diff.changed}) {
      for (const auto& name : *names) {
        rebuilt.emplace(name, m_factory.build_source(*next.find_source(name)));
      }
    }
  } catch (const config::ConfigError& e) {
    core::log().error("reload rejected, still running the previous configuration: {}", e.what());
    m_notifier.notify("READY=1\nSTATUS=" + m_status);
    return;
  }
  if (next.database != m_config.database) {
    core::log().warn("reload: database changes from {} to {} need a restart; still using {}",
                     store::display_location(m_config.database), store::display_location(next.database),
                     store::display_location(m_config.database));
    next.database = m_config.database;
  }
  if (next.metrics.host != m_config.metrics.host || next.metrics.port != m_config.metrics.port) {
    core::log().warn("reload: a change of metrics.listen needs a restart; still serving the previous address");
  }
  for (const auto& name : diff.removed) {
    m_sources.erase(name);
    for (auto it = m_scheduler.jobs().begin(); it != m_scheduler.jobs().end();) {
      const auto key = (it++)->first;
      if (key.source == name) m_scheduler.remove(key);
    }
  }
  for (auto& [name, source] : rebuilt) m_sources.insert_or_assign(name, source);
  // Unchanged sources keep their objects; their configs are equal but for positions.
  m_config = std::move(next);
  m_metrics->reconfigured(m_config, diff.removed);
  m_retention->configure(m_config.retention);
  std::vector<std::string> scheduled = diff.added;
  scheduled.insert(scheduled.end(), diff.changed.begin(), diff.changed.end());
  schedule_sources(scheduled);
  m_slots->set_capacity(static_cast<std::size_t>(m_config.concurrency));
  m_readers->set_keep_idle(static_cast<std::size_t>(m_config.concurrency));

  std::vector<std::string> names;
  for (const auto& [name, source] : m_sources) names.push_back(name);
  m_writer->run([&](store::Database& db) { db.keep_schedule_of(names); });
  publish_all();
  core::log().info("reloaded {}: added {}; removed {}; changed {}", m_config.path, join(diff.added), join(diff.removed),
                   join(diff.changed));
  update_status();
  m_notifier.notify("READY=1\nSTATUS=" + m_status);
}

void Daemon::update_status() {
  std::vector<std::string> running;
  int failing = 0;
  for (const auto& [key, job] : m_scheduler.jobs()) {
    if (job.running) running.push_back(key.source + "/" + std::string(model::to_string(key.dataset)));
    failing += job.failures > 0 ? 1 : 0;
  }
  auto status = fmt::format("{} sources; {} running{}; {} failing", m_sources.size(), running.size(),
                            running.empty() ? "" : " (" + join(running, k_status_runs_named) + ")", failing);
  if (auto due = m_scheduler.next_due(); due && running.empty()) {
    const auto wait = std::max(core::Millis{0}, std::chrono::duration_cast<core::Millis>(*due - m_clock.steady_now()));
    status += "; next run in " + core::format_duration(std::chrono::duration_cast<std::chrono::seconds>(wait));
  }
  if (status == m_status) return;
  m_status = std::move(status);
  m_notifier.notify("STATUS=" + m_status);
}

}  // namespace rosterd::service
