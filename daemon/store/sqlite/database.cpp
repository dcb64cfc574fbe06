#include "store/sqlite/database.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <utility>

#include "store/sqlite/agent_status.hpp"
#include "store/sqlite/audit_queries.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/run_log.hpp"
#include "store/sqlite/schedule.hpp"
#include "store/sqlite/status_queries.hpp"
#include "store/sqlite/upkeep.hpp"
#include "store/sqlite/user_stats.hpp"

namespace rosterd::store::sqlite {
namespace {

// Where the adapters below describe a failure: the connection's file and purpose.
class Guard {
 public:
  explicit Guard(const Connection& connection) : m_path(connection.path()), m_access(connection.access()) {}
  template <class Work>
  decltype(auto) operator()(Work&& work) const {
    return translate_errors(m_path, m_access, std::forward<Work>(work));
  }

 private:
  std::string m_path;
  Access m_access;
};

// Each adapter holds one object of the SQLite layer, built and called under a Guard.
template <class Layer>
class Adapted {
 public:
  template <class... Args>
  explicit Adapted(const Guard& guard, Args&&... args) : m_guard(guard) {
    m_guard([&] { m_layer.emplace(std::forward<Args>(args)...); });
  }

 protected:
  template <class Work>
  decltype(auto) call(Work&& work) {
    return m_guard([&]() -> decltype(auto) { return std::forward<Work>(work)(*m_layer); });
  }

 private:
  Guard m_guard;
  std::optional<Layer> m_layer;
};

class SqliteTransaction final : public Transaction, Adapted<SQLite::Transaction> {
 public:
  SqliteTransaction(const Guard& guard, SQLite::Database& db)
      : Adapted(guard, db, SQLite::TransactionBehavior::IMMEDIATE) {}
  void commit() override {
    call([](SQLite::Transaction& t) { t.commit(); });
  }
};

class UserLookupAdapter final : public UserLookup, Adapted<UserReader> {
 public:
  using Adapted::Adapted;
  std::optional<StoredUser> find(const std::string& external_id) override {
    return call([&](UserReader& r) { return r.find(external_id); });
  }
};

class EntityLookupAdapter final : public EntityLookup, Adapted<EntityReader> {
 public:
  using Adapted::Adapted;
  std::optional<model::NamedEntity> find(const std::string& key) override {
    return call([&](EntityReader& r) { return r.find(key); });
  }
};

class UserWriterAdapter final : public store::UserWriter, Adapted<sqlite::UserWriter> {
 public:
  using Adapted::Adapted;
  void add(const model::User& user, std::int64_t hash) override {
    call([&](sqlite::UserWriter& w) { w.add(user, hash); });
  }
  void update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled, std::optional<std::int64_t> hash) override {
    call([&](sqlite::UserWriter& w) { w.update(user, prior_version, fields, filled, hash); });
  }
  void remove(const model::User& last, std::int64_t prior_version) override {
    call([&](sqlite::UserWriter& w) { w.remove(last, prior_version); });
  }
  void restore(const model::User& user, std::int64_t prior_version, std::int64_t hash) override {
    call([&](sqlite::UserWriter& w) { w.restore(user, prior_version, hash); });
  }
  void refresh(const model::User& user, std::int64_t hash) override {
    call([&](sqlite::UserWriter& w) { w.refresh(user, hash); });
  }
  void enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled, std::int64_t part_hash) override {
    call([&](sqlite::UserWriter& w) { w.enrich(user, prior_version, fields, filled, part_hash); });
  }
  void set_part_hash(const std::string& external_id, std::int64_t part_hash) override {
    call([&](sqlite::UserWriter& w) { w.set_info_hash(external_id, part_hash); });
  }
};

class EntityWriterAdapter final : public store::EntityWriter, Adapted<sqlite::EntityWriter> {
 public:
  using Adapted::Adapted;
  void add(const model::NamedEntity& entity) override {
    call([&](sqlite::EntityWriter& w) { w.add(entity); });
  }
  void update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields) override {
    call([&](sqlite::EntityWriter& w) { w.update(entity, fields); });
  }
  void remove(const model::NamedEntity& last) override {
    call([&](sqlite::EntityWriter& w) { w.remove(last); });
  }
  void restore(const model::NamedEntity& entity) override {
    call([&](sqlite::EntityWriter& w) { w.restore(entity); });
  }
  void refresh(const model::NamedEntity& entity) override {
    call([&](sqlite::EntityWriter& w) { w.refresh(entity); });
  }
};

class UserStatsWriterAdapter final : public store::UserStatsWriter, Adapted<sqlite::UserStatsWriter> {
 public:
  using Adapted::Adapted;
  bool upsert(const std::string& external_id, const std::string& stat_date, const model::UserStats& stats) override {
    return call([&](sqlite::UserStatsWriter& w) { return w.upsert(external_id, stat_date, stats); });
  }
};

class AgentStatusWriterAdapter final : public store::AgentStatusWriter, Adapted<sqlite::AgentStatusWriter> {
 public:
  using Adapted::Adapted;
  void start(const std::string& external_id, const model::AgentState& state) override {
    call([&](sqlite::AgentStatusWriter& w) { w.start(external_id, state); });
  }
  void change(const std::string& external_id, const model::AgentState& state) override {
    call([&](sqlite::AgentStatusWriter& w) { w.change(external_id, state); });
  }
  void stop(const std::string& external_id) override {
    call([&](sqlite::AgentStatusWriter& w) { w.stop(external_id); });
  }
};

class HeldLock final : public Lock {
 public:
  explicit HeldLock(FileLock lock) : m_lock(std::move(lock)) {}

 private:
  FileLock m_lock;
};

std::unique_ptr<Lock> held(FileLock lock) {
  if (!lock.held()) return nullptr;
  return std::make_unique<HeldLock>(std::move(lock));
}

}  // namespace

Database::Database(Connection connection) : m_connection(std::move(connection)), m_locks(m_connection.path()) {}

// Spool files go beside the database: same filesystem, same free space.
std::string Database::scratch_directory() const {
  auto directory = std::filesystem::path(m_connection.path()).parent_path();
  return directory.empty() ? std::string(".") : directory.string();
}

void Database::with_short_wait(const std::function<void()>& work) {
  guarded([&](SQLite::Database&) { m_connection.with_short_busy_wait(work); });
}

void Database::after_run() {
  guarded([&](SQLite::Database&) { (void)m_connection.checkpoint(); });
}

void Database::release_memory() noexcept {
  sqlite3_db_release_memory(m_connection.sql().getHandle());
}

void Database::check_read() const {
  m_connection.check_unlocked_read();
}

std::int64_t Database::begin_run(std::string_view source, std::string_view dataset, const std::string& started_at) {
  return guarded([&](SQLite::Database& db) { return sqlite::begin_run(db, source, dataset, started_at); });
}

void Database::finish_run(std::int64_t run_id, RunStatus status, const std::string& finished_at,
                          const RunCounts& counts, const std::optional<std::string>& error) {
  guarded([&](SQLite::Database& db) { sqlite::finish_run(db, run_id, status, finished_at, counts, error); });
}

std::int64_t Database::record_failed_run(std::string_view source, std::string_view dataset,
                                         const std::string& started_at, const std::string& finished_at,
                                         const std::string& error) {
  return guarded([&](SQLite::Database& db) {
    return sqlite::record_failed_run(db, source, dataset, started_at, finished_at, error);
  });
}

int Database::fail_abandoned_runs(const std::string& now) {
  return guarded([&](SQLite::Database& db) { return sqlite::fail_abandoned_runs(db, now); });
}

void Database::record_progress(std::int64_t run_id, const RunCounts& counts) {
  guarded([&](SQLite::Database& db) { sqlite::record_progress(db, run_id, counts); });
}

std::optional<std::string> Database::latest_recorded_time() {
  return guarded([&](SQLite::Database& db) { return sqlite::latest_recorded_time(db); });
}

std::optional<RunningRun> Database::running_run_of(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::running_run_of(db, source); });
}

std::optional<int> Database::load_reader_version(std::string_view source, std::string_view dataset) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_reader_version(db, source, dataset); });
}

void Database::save_reader_version(std::string_view source, std::string_view dataset, int version) {
  guarded([&](SQLite::Database& db) { sqlite::save_reader_version(db, source, dataset, version); });
}

std::vector<RunRecord> Database::latest_runs() {
  return guarded([&](SQLite::Database& db) { return sqlite::latest_runs(db); });
}

RecordIndex Database::load_user_index(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_user_index(db, source); });
}

RecordIndex Database::load_entity_index(model::Entity entity, std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_entity_index(db, entity, source); });
}

std::vector<ListedUser> Database::load_listed_users(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_listed_users(db, source); });
}

std::unordered_map<std::string, std::optional<std::int64_t>> Database::load_part_hashes(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_info_hashes(db, source); });
}

std::map<std::string, CurrentAgentState> Database::load_agent_states(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::load_agent_states(db, source); });
}

std::unique_ptr<UserLookup> Database::user_lookup(const std::string& source) {
  return std::make_unique<UserLookupAdapter>(Guard(m_connection), m_connection.sql(), source);
}

std::unique_ptr<EntityLookup> Database::entity_lookup(model::Entity entity, const std::string& source) {
  return std::make_unique<EntityLookupAdapter>(Guard(m_connection), m_connection.sql(), entity, source);
}

std::unique_ptr<Transaction> Database::begin_write() {
  return std::make_unique<SqliteTransaction>(Guard(m_connection), m_connection.sql());
}

std::unique_ptr<store::UserWriter> Database::user_writer(const ChangeStamp& stamp, model::InfoColumns columns,
                                                         const model::FieldPolicy& policy) {
  return std::make_unique<UserWriterAdapter>(Guard(m_connection), m_connection.sql(), stamp, columns, policy);
}

std::unique_ptr<store::EntityWriter> Database::entity_writer(model::Entity entity, const ChangeStamp& stamp) {
  return std::make_unique<EntityWriterAdapter>(Guard(m_connection), m_connection.sql(), entity, stamp);
}

std::unique_ptr<store::UserStatsWriter> Database::user_stats_writer(const ChangeStamp& stamp) {
  return std::make_unique<UserStatsWriterAdapter>(Guard(m_connection), m_connection.sql(), stamp.source, stamp.run_id,
                                                  stamp.at);
}

std::unique_ptr<store::AgentStatusWriter> Database::agent_status_writer(const ChangeStamp& stamp) {
  return std::make_unique<AgentStatusWriterAdapter>(Guard(m_connection), m_connection.sql(), stamp.source, stamp.run_id,
                                                    stamp.at);
}

void Database::replace_schedule(const std::vector<ScheduleRow>& rows) {
  guarded([&](SQLite::Database& db) { sqlite::replace_schedule(db, rows); });
}

void Database::upsert_schedule(const ScheduleRow& row) {
  guarded([&](SQLite::Database& db) { sqlite::upsert_schedule(db, row); });
}

void Database::keep_schedule_of(const std::vector<std::string>& sources) {
  guarded([&](SQLite::Database& db) { sqlite::keep_schedule_of(db, sources); });
}

std::optional<ScheduleRow> Database::schedule_row(std::string_view source, std::string_view dataset) {
  return guarded([&](SQLite::Database& db) -> std::optional<ScheduleRow> {
    for (auto& row : sqlite::load_schedule(db)) {
      if (row.source == source && row.dataset == dataset) return std::move(row);
    }
    return std::nullopt;
  });
}

std::vector<UserRef> Database::find_users(std::string_view key, const std::optional<std::string>& source,
                                          UserMatch match) {
  return guarded([&](SQLite::Database& db) { return sqlite::find_users(db, key, source, match); });
}

std::vector<VersionRow> Database::user_versions(const std::string& source, const std::string& external_id) {
  return guarded([&](SQLite::Database& db) { return sqlite::user_versions(db, source, external_id); });
}

std::vector<ChangeRow> Database::user_changes(const std::string& source, const std::string& external_id) {
  return guarded([&](SQLite::Database& db) { return sqlite::user_changes(db, source, external_id); });
}

std::vector<ChangeRow> Database::recent_changes(const ChangeFilter& filter) {
  return guarded([&](SQLite::Database& db) { return sqlite::recent_changes(db, filter); });
}

std::vector<PresentUser> Database::users_present(const PresenceFilter& filter) {
  return guarded([&](SQLite::Database& db) { return sqlite::users_present(db, filter); });
}

std::optional<RunStart> Database::first_run(const std::optional<std::string>& source) {
  return guarded([&](SQLite::Database& db) { return sqlite::first_run(db, source); });
}

std::vector<DatasetStatus> Database::dataset_status() {
  return guarded([&](SQLite::Database& db) { return sqlite::load_dataset_status(db, m_locks.daemon_state()); });
}

std::optional<std::string> Database::last_success(std::string_view source, std::string_view dataset) {
  return guarded([&](SQLite::Database& db) { return sqlite::last_success(db, source, dataset); });
}

UserTotals Database::user_totals(std::string_view source) {
  return guarded([&](SQLite::Database& db) { return sqlite::user_totals(db, source); });
}

std::int64_t Database::size_bytes() {
  return sqlite::size_bytes(m_connection.path());
}

PruneStep Database::prune(RetainedTable table, const std::string& cutoff, std::int64_t limit,
                          std::int64_t resume_after) {
  // Deleting a run makes SQLite look for the rows that name it in every table whose run_id
  // references sync_runs, and none has an index on run_id: a scan of each, per run. The runs
  // deleted are those no row names (their counts say so; the retention tests check that no
  // row is left naming a deleted run), so the batch runs without those checks. The pragma
  // does nothing inside a transaction: it is set before and restored after.
  const bool unchecked = table == RetainedTable::sync_runs;
  if (unchecked) guarded([](SQLite::Database& db) { db.exec("PRAGMA foreign_keys = OFF"); });
  const auto restore = [&] {
    if (unchecked) m_connection.sql().exec("PRAGMA foreign_keys = ON");
  };
  try {
    auto transaction = begin_write();
    const auto step =
        guarded([&](SQLite::Database& db) { return sqlite::prune(db, table, cutoff, limit, resume_after); });
    transaction->commit();
    restore();
    return step;
  } catch (...) {
    restore();
    throw;
  }
}

std::unique_ptr<Lock> Database::try_lock_source(const std::string& source) {
  return held(m_locks.try_lock_source(source));
}

std::unique_ptr<Lock> Database::lock_source(const std::string& source, std::stop_token stop, const OnWait& on_wait) {
  auto lock = m_locks.lock_source(source, std::move(stop), on_wait);
  return lock ? held(std::move(*lock)) : nullptr;
}

DaemonState Database::daemon_state() {
  return m_locks.daemon_state();
}

}  // namespace rosterd::store::sqlite
