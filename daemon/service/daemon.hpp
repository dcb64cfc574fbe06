#pragma once
// `rosterd run`: every (source, dataset) on its own schedule, each run started
// when due on a thread of its own, `concurrency` runs at most working (parsing,
// planning, writing) at once while any number wait on their vendors
// (run_slots.hpp), writes serialized through one writer, the configuration
// reloaded on request, systemd told what happens (READY, STATUS, WATCHDOG,
// RELOADING, STOPPING).
//
// Threads: the caller's thread runs the main loop (scheduling, reloads,
// notifications); run threads run syncs and report back through a queue.
// No exception crosses a thread: a run's task turns every failure into a
// completion with ok = false.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "service/daemon_metrics.hpp"
#include "service/notifier.hpp"
#include "service/reader_pool.hpp"
#include "service/retention.hpp"
#include "service/run_slots.hpp"
#include "service/run_threads.hpp"
#include "service/scheduler.hpp"
#include "service/source_factory.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"
#include "sync/runner.hpp"

namespace rosterd::service {

struct DaemonOptions {
  std::string config_path;
  std::optional<core::LogLevel> log_level;  // overrides the file's log_level
};

class Daemon {
 public:
  // Loads the configuration and builds the sources through `sources` (which does so
  // again on every reload and must outlive the daemon), takes the database's daemon
  // lock and opens (and migrates) the database. Throws config::ConfigError, or
  // store::StoreError (also when another `rosterd run` holds the database).
  Daemon(DaemonOptions options, const SourceFactory& sources, Notifier& notifier,
         const core::Clock& clock = core::system_clock());
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until `stop` is requested; then cancels the runs in progress (each is
  // rolled back and recorded as interrupted) and returns the exit status.
  int run(std::stop_token stop);

  // Thread-safe (a signal watcher calls it): reload the configuration soon.
  void request_reload();

 private:
  struct Completion {
    JobKey key;
    bool ok = false;
    bool deferred = false;  // not run: another process runs the source
    core::SteadyTime started;
    std::optional<core::SystemTime> due;  // a shared schedule's next due time (shared_schedule.hpp)
  };
  // A run holds its source's handle, which keeps the source alive through a reload.
  using SourceMap = std::map<std::string, std::shared_ptr<const sync::SourceHandle>, std::less<>>;

  void schedule_sources(const std::vector<std::string>& names);
  void dispatch(std::stop_token stop);
  void start_job(const JobKey& key, std::stop_token stop);
  // How a run ended: ok (a partial run counts), or deferred (another process runs the source).
  struct RunEnd {
    bool ok = false;
    bool deferred = false;
    std::optional<core::SystemTime> due;
  };
  // One run, on its own thread; in `started` when it took its first slot (left as is
  // when it never did). Never throws.
  RunEnd execute(const JobKey& key, const sync::SourceHandle& configured, std::stop_token stop,
                 core::SteadyTime& started) noexcept;
  // Counts a run that ran in the metrics; returns it.
  sync::RunOutcome counted(const JobKey& key, sync::RunOutcome outcome);
  void handle_completions();
  void reload();
  void publish(const std::set<JobKey>& keys);
  void publish_all();
  void update_status();
  void wait_for_work(std::optional<core::SteadyTime> watchdog_due, const std::stop_token& stop);
  void drain();

  DaemonOptions m_options;
  const SourceFactory& m_factory;
  Notifier& m_notifier;
  const core::Clock& m_clock;

  config::Config m_config;
  std::unique_ptr<store::Lock> m_daemon_lock;  // one `rosterd run` per database
  SourceMap m_sources;
  Scheduler m_scheduler;
  std::unique_ptr<store::Database> m_db;
  std::optional<store::Writer> m_writer;
  std::unique_ptr<RunSlots> m_slots;
  std::unique_ptr<ReaderPool> m_readers;
  std::unique_ptr<DaemonMetrics> m_metrics;  // counted into by run threads: outlives them
  std::unique_ptr<RetentionKeeper> m_retention;  // writes through m_writer: goes before it
  RunThreads m_threads;  // joined before the slots and readers its runs use are destroyed
  std::size_t m_in_flight = 0;
  std::string m_status;

  std::mutex m_mutex;  // guards m_completions and m_reload_requested
  std::condition_variable m_wake;
  std::vector<Completion> m_completions;
  bool m_reload_requested = false;
};

}  // namespace rosterd::service
