#include "store/postgresql/database.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "model/json_codec.hpp"
#include "store/postgresql/leases.hpp"

namespace rosterd::store::postgresql {
namespace {

// The run's one write transaction: its batches flushed, its sources' claims verified,
// then COMMIT; ROLLBACK when destroyed uncommitted.
class PgTransaction final : public Transaction {
 public:
  explicit PgTransaction(Database& db) : m_db(db) {}
  ~PgTransaction() override {
    if (!m_done) m_db.rollback_write();
  }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  void commit() override {
    m_done = true;
    m_db.commit_write();
  }

 private:
  Database& m_db;
  bool m_done = false;
};

}  // namespace

Database::Database(Connection connection, std::string location)
    : m_connection(std::move(connection)), m_location(std::move(location)) {}

// $TMPDIR, else /tmp: under systemd the unit's own (PrivateTmp=).
std::string Database::scratch_directory() const { return std::filesystem::temp_directory_path().string(); }

void Database::with_short_wait(const std::function<void()>& work) {
  // Writers never wait for one another here but on row locks, which progress and
  // deferred failures never take for long.
  work();
}

// A run that stops talking inside its write transaction (the process frozen by SIGSTOP or
// a paused VM, between two statements) holds its claim's row lock, and with it the source:
// no other instance can take the source over while the lock lasts. The server ends such a
// transaction, and the session, once it has been idle for twice the claim timeout; the
// frozen run finds its connection gone when it wakes and writes nothing. SET LOCAL, not a
// session setting, so that it holds behind a pooler in transaction mode too.
std::unique_ptr<Transaction> Database::begin_write() {
  const auto begin = fmt::format("BEGIN; SET LOCAL idle_in_transaction_session_timeout = {}",
                                 2 * lease_duration().count());
  guarded([&](Connection& c) { c.exec_script(begin.c_str()); });
  m_written_sources.clear();
  return std::make_unique<PgTransaction>(*this);
}

void Database::commit_write() {
  try {
    guarded([&](Connection& c) {
      m_pending.flush(c);
      for (const auto& source : m_written_sources) verify_claim(c, m_location, source);
      c.exec("COMMIT");
    });
  } catch (...) {
    rollback_write();
    throw;
  }
  m_written_sources.clear();
}

void Database::rollback_write() noexcept {
  m_pending.discard();
  m_written_sources.clear();
  if (!m_connection.in_transaction()) return;
  try {
    m_connection.exec("ROLLBACK");
  } catch (const std::exception&) {
    // the connection broke: the server rolled the transaction back itself
  }
}

std::shared_ptr<BatchGroup> Database::join_write(const std::string& source) {
  note_write(source);
  auto group = std::make_shared<BatchGroup>();
  m_pending.add(group);
  return group;
}

// The first write of a source in a transaction checks its claim at once (and locks the
// claim's row until the commit): a run that lost its claim while it fetched stops here,
// before it writes anything. The commit checks again.
void Database::note_write(const std::string& source) {
  if (!m_written_sources.insert(source).second) return;
  guarded([&](Connection& c) { verify_claim(c, m_location, source); });
}

std::unique_ptr<Lock> Database::try_lock_source(const std::string& source) {
  return try_claim(m_location, source);
}

std::unique_ptr<Lock> Database::lock_source(const std::string& source, std::stop_token stop, const OnWait& on_wait) {
  return claim(m_location, source, std::move(stop), on_wait);
}

DaemonState Database::daemon_state() {
  return guarded([](Connection& c) {
    DaemonState state;
    state.known = true;
    const auto alive = c.exec("SELECT pid FROM rosterd_instances AS d WHERE daemon AND " +
                              alive_instance_condition("d.id") + " ORDER BY started_at LIMIT 1");
    state.running = alive.rows() > 0;
    if (state.running) state.pid = static_cast<pid_t>(alive.number(0, 0));
    return state;
  });
}

model::User read_user(const Result& result, int row, int first, std::string external_id) {
  model::User user;
  user.external_id = std::move(external_id);
  int i = first;
  for (const auto& field : model::k_user_text_fields) user.*field.member = result.optional_text(row, i++);
  user.active = result.optional_boolean(row, i++);
  user.attributes = model::parse_attributes_json(result.view(row, i++));
  if (!result.is_null(row, i)) user.portfolios = model::parse_string_array_json(result.view(row, i));
  return user;
}

}  // namespace rosterd::store::postgresql
