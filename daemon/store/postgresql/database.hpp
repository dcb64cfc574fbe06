#pragma once
// The PostgreSQL engine behind the store seam: store::Database on one libpq
// connection. Its methods live in the files of this folder by part of the seam:
// database.cpp (the connection, transactions, claims), run_log.cpp (sync_runs,
// dataset_readers, schedule), records.cpp (what a run reads), user_writer.cpp and
// writers.cpp (what it writes), reports.cpp (history, changes, users, status). Every
// PgError becomes a StoreError that names the database without its password.

#include <memory>
#include <set>
#include <string>

#include "store/database.hpp"
#include "store/postgresql/batch.hpp"
#include "store/postgresql/pq.hpp"
#include "store/postgresql/session.hpp"

namespace rosterd::store::postgresql {

class Database final : public store::Database {
 public:
  Database(Connection connection, std::string location);

  // The libpq layer underneath, for tests and tools of this engine.
  [[nodiscard]] Connection& connection() { return m_connection; }

  [[nodiscard]] const std::string& path() const override { return m_connection.display(); }
  [[nodiscard]] std::string scratch_directory() const override;
  void with_short_wait(const std::function<void()>& work) override;
  [[nodiscard]] bool shared_schedule() const override { return true; }
  void after_run() override {}
  void release_memory() noexcept override {}
  void check_read() const override {}

  // RunLog (run_log.cpp)
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

  // RecordStore (records.cpp, user_writer.cpp, writers.cpp)
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

  // ScheduleStore (run_log.cpp)
  void replace_schedule(const std::vector<ScheduleRow>& rows) override;
  void upsert_schedule(const ScheduleRow& row) override;
  void keep_schedule_of(const std::vector<std::string>& sources) override;
  std::optional<ScheduleRow> schedule_row(std::string_view source, std::string_view dataset) override;

  // Reports (reports.cpp)
  std::vector<UserRef> find_users(std::string_view key, const std::optional<std::string>& source,
                                  UserMatch match) override;
  std::vector<VersionRow> user_versions(const std::string& source, const std::string& external_id) override;
  std::vector<ChangeRow> user_changes(const std::string& source, const std::string& external_id) override;
  std::vector<ChangeRow> recent_changes(const ChangeFilter& filter) override;
  std::vector<PresentUser> users_present(const PresenceFilter& filter) override;
  std::optional<RunStart> first_run(const std::optional<std::string>& source) override;
  std::vector<DatasetStatus> dataset_status() override;

  // Locks (database.cpp): claims in run_leases (leases.hpp)
  std::unique_ptr<Lock> try_lock_source(const std::string& source) override;
  std::unique_ptr<Lock> lock_source(const std::string& source, std::stop_token stop, const OnWait& on_wait) override;
  DaemonState daemon_state() override;

  // Upkeep (upkeep.cpp)
  std::optional<std::string> last_success(std::string_view source, std::string_view dataset) override;
  UserTotals user_totals(std::string_view source) override;
  std::int64_t size_bytes() override;
  PruneStep prune(RetainedTable table, const std::string& cutoff, std::int64_t limit,
                  std::int64_t resume_after) override;

  // For the transaction (database.cpp): the batches to flush and the sources whose
  // claims to verify before it commits.
  void commit_write();
  void rollback_write() noexcept;

 private:
  // Runs `work(Connection&)`, its PgErrors as StoreError.
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    return translate_errors(m_connection.display(),
                            [&]() -> decltype(auto) { return std::forward<Work>(work)(m_connection); });
  }
  // A writer's batches join the open transaction; `source`'s claim is verified now and
  // at the commit.
  std::shared_ptr<BatchGroup> join_write(const std::string& source);
  void note_write(const std::string& source);

  Connection m_connection;
  std::string m_location;  // the URI as configured: the key of this process's claims
  PendingWrites m_pending;
  std::set<std::string> m_written_sources;  // in the open transaction
};

// The columns users and user_versions share, in schema order.
inline constexpr const char* k_user_columns =
    "username, full_name, email, phone, extension, role, user_group, active, attributes, portfolios";
inline constexpr int k_user_column_count = 10;

// Reads the k_user_column_count user columns of `row` starting at `first`.
model::User read_user(const Result& result, int row, int first, std::string external_id);

}  // namespace rosterd::store::postgresql
