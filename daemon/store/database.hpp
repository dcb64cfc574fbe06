#pragma once
// The store seam: everything sync/, service/ and cli/ ask of a database, whatever
// the engine behind it. An engine (store/sqlite/) implements Database and the
// writer and lookup interfaces of records.hpp and per_user.hpp; open() picks it
// from the database's location. No engine type, SQL text or engine exception
// crosses this seam: failures are StoreError (store_error.hpp), whose message names
// the database and what to do.
//
// A Database is one connection: used by one thread at a time. A run plans on a
// connection of its own and writes through the process's one write connection
// (store/writer.hpp), inside one transaction (begin_write()).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/dataset.hpp"
#include "model/field_policy.hpp"
#include "model/user_parts.hpp"
#include "store/audit.hpp"
#include "store/per_user.hpp"
#include "store/record_index.hpp"
#include "store/records.hpp"
#include "store/runs.hpp"
#include "store/status.hpp"
#include "store/store_error.hpp"
#include "store/upkeep.hpp"

namespace rosterd::store {

enum class OpenMode {
  read_write,  // creates the database and migrates the schema
  read_only,   // reporting commands: never writes, never migrates
};

// A write transaction: rolled back when destroyed uncommitted.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual void commit() = 0;
};

// A held lock, released when destroyed.
class Lock {
 public:
  virtual ~Lock() = default;
};

// The run log: sync_runs and what a run records beside it.
class RunLog {
 public:
  virtual ~RunLog() = default;
  // Inserts the run's 'running' row; returns its id.
  virtual std::int64_t begin_run(std::string_view source, std::string_view dataset, const std::string& started_at) = 0;
  virtual void finish_run(std::int64_t run_id, RunStatus status, const std::string& finished_at,
                          const RunCounts& counts, const std::optional<std::string>& error) = 0;
  // A whole run's row at once, for a run that failed before it could record its
  // start (another program held the database's write lock).
  virtual std::int64_t record_failed_run(std::string_view source, std::string_view dataset,
                                         const std::string& started_at, const std::string& finished_at,
                                         const std::string& error) = 0;
  // Marks 'running' rows left by a process that no longer exists (a crash or kill -9)
  // as failed with k_abandoned_error. Returns how many.
  virtual int fail_abandoned_runs(const std::string& now) = 0;
  // Updates a running run's counts (fetched, requests, bytes), for `rosterd status`.
  virtual void record_progress(std::int64_t run_id, const RunCounts& counts) = 0;
  // The latest time the database recorded: a run's start or end, or a change. A
  // run's times are never earlier, so history stays ordered when the wall clock
  // steps back (README, "Time"). nullopt for a database without runs.
  virtual std::optional<std::string> latest_recorded_time() = 0;
  // A run of `source` in progress in another live process, if any.
  virtual std::optional<RunningRun> running_run_of(std::string_view source) = 0;
  // The reader version of the latest successful listing of (source, dataset);
  // nullopt when none was recorded.
  virtual std::optional<int> load_reader_version(std::string_view source, std::string_view dataset) = 0;
  virtual void save_reader_version(std::string_view source, std::string_view dataset, int version) = 0;
  // The latest run of every (source, dataset), ordered by source and dataset.
  virtual std::vector<RunRecord> latest_runs() = 0;
};

// What a run reads of the stored state to plan its changes, and writes.
class RecordStore {
 public:
  virtual ~RecordStore() = default;
  // Every record a source has ever listed: key, content hash, version, removed.
  virtual RecordIndex load_user_index(std::string_view source) = 0;
  virtual RecordIndex load_entity_index(model::Entity entity, std::string_view source) = 0;
  virtual std::vector<ListedUser> load_listed_users(std::string_view source) = 0;
  // The hash of the user part a per-user dataset owns, of every listed user;
  // nullopt when it was never written.
  virtual std::unordered_map<std::string, std::optional<std::int64_t>> load_part_hashes(std::string_view source) = 0;
  // The agents of a source currently reported, by external id.
  virtual std::map<std::string, CurrentAgentState> load_agent_states(std::string_view source) = 0;
  virtual std::unique_ptr<UserLookup> user_lookup(const std::string& source) = 0;
  virtual std::unique_ptr<EntityLookup> entity_lookup(model::Entity entity, const std::string& source) = 0;

  // The run's one write transaction; the writers below work inside it.
  virtual std::unique_ptr<Transaction> begin_write() = 0;
  // `columns`: the user columns a per-user dataset owns for this source; the stored
  // content hash covers the rest (model/user_parts.hpp). `policy`: the volatile
  // attributes, which `users` keeps current and history never stores.
  virtual std::unique_ptr<UserWriter> user_writer(const ChangeStamp& stamp, model::InfoColumns columns,
                                                  const model::FieldPolicy& policy) = 0;
  virtual std::unique_ptr<EntityWriter> entity_writer(model::Entity entity, const ChangeStamp& stamp) = 0;
  virtual std::unique_ptr<UserStatsWriter> user_stats_writer(const ChangeStamp& stamp) = 0;
  // Agent intervals start and end at `stamp.at`, the poll's time.
  virtual std::unique_ptr<AgentStatusWriter> agent_status_writer(const ChangeStamp& stamp) = 0;
};

// The daemon's published schedule.
class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;
  // Replaces the whole schedule (a daemon starting up owns it).
  virtual void replace_schedule(const std::vector<ScheduleRow>& rows) = 0;
  virtual void upsert_schedule(const ScheduleRow& row) = 0;
  // Removes the rows of sources not in `sources`.
  virtual void keep_schedule_of(const std::vector<std::string>& sources) = 0;
  // One (source, dataset)'s row; nullopt when it has none.
  virtual std::optional<ScheduleRow> schedule_row(std::string_view source, std::string_view dataset) = 0;
};

// The reporting queries: history, changes, users, status. Read-only.
class Reports {
 public:
  virtual ~Reports() = default;
  // The users whose external id, username or email (ASCII case-insensitive) is
  // `key`, by source and id; former values are searched when no current one matches.
  virtual std::vector<UserRef> find_users(std::string_view key, const std::optional<std::string>& source,
                                          UserMatch match) = 0;
  // Every version of one user, oldest first.
  virtual std::vector<VersionRow> user_versions(const std::string& source, const std::string& external_id) = 0;
  // The changes of one user, oldest first.
  virtual std::vector<ChangeRow> user_changes(const std::string& source, const std::string& external_id) = 0;
  // The audit log, newest first.
  virtual std::vector<ChangeRow> recent_changes(const ChangeFilter& filter) = 0;
  // The users present at a moment, by source and id.
  virtual std::vector<PresentUser> users_present(const PresenceFilter& filter) = 0;
  // The first run recorded (of `source`, when given): where history starts.
  virtual std::optional<RunStart> first_run(const std::optional<std::string>& source) = 0;
  // Every (source, dataset) with a run or a schedule row, by source and dataset.
  virtual std::vector<DatasetStatus> dataset_status() = 0;
};

// Who may write: one daemon per database, and runs of one source never overlap,
// whichever processes run them.
class Locks {
 public:
  virtual ~Locks() = default;
  // The run lock of `source`, or nullptr when another run holds it.
  virtual std::unique_ptr<Lock> try_lock_source(const std::string& source) = 0;
  // Waits for the run lock of `source`, calling `on_wait` once when it has to wait;
  // nullptr when `stop` was requested first.
  using OnWait = std::function<void()>;
  virtual std::unique_ptr<Lock> lock_source(const std::string& source, std::stop_token stop,
                                            const OnWait& on_wait) = 0;
  // Whether a `rosterd run` holds the daemon lock now.
  virtual DaemonState daemon_state() = 0;
};

class Database : public RunLog, public RecordStore, public ScheduleStore, public Reports, public Locks, public Upkeep {
 public:
  // For messages: the file, or the server's location without its password.
  [[nodiscard]] virtual const std::string& path() const = 0;
  // Where a run may keep temporary files (its spool of changed records): beside a
  // SQLite file (same filesystem, same free space), the temporary directory for a server.
  [[nodiscard]] virtual std::string scratch_directory() const = 0;

  // Runs `work` with the wait for another writer's lock cut short: for writes that
  // may be skipped or deferred rather than wait (progress, a deferred failure).
  virtual void with_short_wait(const std::function<void()>& work) = 0;
  // Whether any number of `rosterd run` processes may share this database (PostgreSQL).
  // Each (source, dataset)'s due time then lives in its schedule row, which only the
  // instance that ran it writes, while it holds the source's lock (service/daemon.cpp);
  // otherwise one daemon owns the database and its schedule.
  [[nodiscard]] virtual bool shared_schedule() const = 0;
  // The engine's housekeeping after a run committed (SQLite: a WAL checkpoint).
  virtual void after_run() = 0;
  // Frees what the connection caches, between two uses (a run waiting on its vendor).
  virtual void release_memory() noexcept = 0;
  // After reading: throws StoreError when what was read may mix two states (a
  // SQLite file read without locks while a writer opened it). Usually nothing.
  virtual void check_read() const = 0;
};

// Called before migrations are applied to a database that already holds data
// (schema version `from` > 0): upgrading a large one takes a while, and a service
// manager waiting for start-up should be told.
using BeforeMigrating = std::function<void(int from, int to)>;

// Opens the database at `location` (a file path: SQLite). read_write creates and
// migrates it. Throws StoreError.
std::unique_ptr<Database> open(const std::string& location, OpenMode mode = OpenMode::read_write,
                               const BeforeMigrating& before_migrating = {});

// For `sync --dry-run`, which writes nothing: the database read-only when it
// exists (it must be at the latest schema), else an empty, migrated one in memory.
std::unique_ptr<Database> open_for_dry_run(const std::string& location);

// Whether a database exists at `location`: false only when it does not but could be
// created (no run has created it yet). Throws StoreError naming what is in the way.
bool database_exists(const std::string& location);

// The daemon lock of the database at `location`, held for the daemon's life.
// Throws StoreError naming the database and the pid of the `rosterd run` holding it.
std::unique_ptr<Lock> lock_daemon(const std::string& location);

// How long a process's claim on a source outlives its last renewal, on engines where
// several processes share a database (config `claim_timeout`). Call before opening.
void set_claim_timeout(std::chrono::milliseconds timeout);

// For messages when the database takes no writes: "sqlite3 (pid 4321) holds the
// write lock", or nullopt when that cannot be seen.
std::optional<std::string> describe_write_lock_holder(const std::string& location);
// The same, only when the holder is a program other than rosterd (someone's sqlite3
// in a transaction): runs cannot write, nor record that they failed, until it ends.
std::optional<std::string> foreign_write_lock_holder(const std::string& location);

// Whether `location` names a database server (postgresql://...) rather than a file.
bool is_server_location(const std::string& location);

// `location` as messages name it: a file path as it is; a server's URI without its
// password (postgresql://rosterd@db.example.com/rosterd).
std::string display_location(const std::string& location);

// Shell commands an analyst can paste to query the database at `location` with the
// engine's own client (rosterd demo); `shell_quoted_location` is how to write it.
std::vector<std::string> example_queries(const std::string& location, const std::string& shell_quoted_location);

}  // namespace rosterd::store
