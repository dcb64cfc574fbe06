#pragma once
// The SQLite engine behind the store seam: store::Database on one Connection. Each
// call goes to the SQLite layer of this folder (records, run_log, schedule,
// audit_queries, status_queries, run_locks) and turns a SQLite::Exception into a
// StoreError that names the file and what to do.

#include <memory>
#include <string>

#include "store/database.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/run_locks.hpp"

namespace rosterd::store::sqlite {

class Database final : public store::Database {
 public:
  explicit Database(Connection connection);

  // The SQLite layer underneath, for tests and tools of this engine.
  [[nodiscard]] Connection& connection() { return m_connection; }

  [[nodiscard]] const std::string& path() const override { return m_connection.path(); }
  [[nodiscard]] std::string scratch_directory() const override;
  void with_short_wait(const std::function<void()>& work) override;
  [[nodiscard]] bool shared_schedule() const override { return false; }
  void after_run() override;
  void release_memory() noexcept override;
  void check_read() const override;

  // RunLog
  std::int64_t begin_run(std::string_view source, std::string_view dataset, const std::string& started_at) override;
  void finish_run(std::int64_t run_id, RunStatus status, const std::string& finished_at, const RunCounts& counts,
                  const std::optional<std::string>& error) override;
  std::int64_t record_failed_run(std::string_view source, std::string_view dataset, const std::string& started_at,
                                 const std::string& finished_at, const std::string& error) override;
  int fail_abandoned_runs(const std::string& now) override;
  void record_progress(std::int64_t run_id, const RunCounts& counts) override;
  std::optional<std::string> latest_recorded_time() override;
  std::optional<RunningRun> running_run_of(std::string_view source) override;
  std::optional<int> load_reader_version(std::string_view source, std::string_view dataset) override;
  void save_reader_version(std::string_view source, std::string_view dataset, int version) override;
  std::vector<RunRecord> latest_runs() override;

  // RecordStore
  RecordIndex load_user_index(std::string_view source) override;
  RecordIndex load_entity_index(model::Entity entity, std::string_view source) override;
  std::vector<ListedUser> load_listed_users(std::string_view source) override;
  std::unordered_map<std::string, std::optional<std::int64_t>> load_part_hashes(std::string_view source) override;
  std::map<std::string, CurrentAgentState> load_agent_states(std::string_view source) override;
  std::unique_ptr<UserLookup> user_lookup(const std::string& source) override;
  std::unique_ptr<EntityLookup> entity_lookup(model::Entity entity, const std::string& source) override;
  std::unique_ptr<Transaction> begin_write() override;
  std::unique_ptr<store::UserWriter> user_writer(const ChangeStamp& stamp, model::InfoColumns columns,
                                                 const model::FieldPolicy& policy) override;
  std::unique_ptr<store::EntityWriter> entity_writer(model::Entity entity, const ChangeStamp& stamp) override;
  std::unique_ptr<store::UserStatsWriter> user_stats_writer(const ChangeStamp& stamp) override;
  std::unique_ptr<store::AgentStatusWriter> agent_status_writer(const ChangeStamp& stamp) override;

  // ScheduleStore
  void replace_schedule(const std::vector<ScheduleRow>& rows) override;
  void upsert_schedule(const ScheduleRow& row) override;
  void keep_schedule_of(const std::vector<std::string>& sources) override;
  std::optional<ScheduleRow> schedule_row(std::string_view source, std::string_view dataset) override;

  // Reports
  std::vector<UserRef> find_users(std::string_view key, const std::optional<std::string>& source,
                                  UserMatch match) override;
  std::vector<VersionRow> user_versions(const std::string& source, const std::string& external_id) override;
  std::vector<ChangeRow> user_changes(const std::string& source, const std::string& external_id) override;
  std::vector<ChangeRow> recent_changes(const ChangeFilter& filter) override;
  std::vector<PresentUser> users_present(const PresenceFilter& filter) override;
  std::optional<RunStart> first_run(const std::optional<std::string>& source) override;
  std::vector<DatasetStatus> dataset_status() override;

  // Locks
  std::unique_ptr<Lock> try_lock_source(const std::string& source) override;
  std::unique_ptr<Lock> lock_source(const std::string& source, std::stop_token stop, const OnWait& on_wait) override;
  DaemonState daemon_state() override;

  // Upkeep
  std::optional<std::string> last_success(std::string_view source, std::string_view dataset) override;
  UserTotals user_totals(std::string_view source) override;
  std::int64_t size_bytes() override;
  PruneStep prune(RetainedTable table, const std::string& cutoff, std::int64_t limit,
                  std::int64_t resume_after) override;

 private:
  // Runs `work(SQLite::Database&)`, its SQLite errors as StoreError.
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    return translate_errors(m_connection.path(), m_connection.access(),
                            [&]() -> decltype(auto) { return std::forward<Work>(work)(m_connection.sql()); });
  }

  Connection m_connection;
  sqlite::RunLocks m_locks;
};

}  // namespace rosterd::store::sqlite
