#pragma once
// End-to-end harness: the vendor simulator in the test process on 127.0.0.1, a
// config file and a database in a temporary directory, and the real `rosterd`
// binary run as a child process.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "../store/temp_db.hpp"
#include "postgres.hpp"
#include "sim/simulator.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ROSTERD_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ROSTERD_TEST_SANITIZED 1
#endif
#endif

namespace rosterd::testing {

// The null-terminated array of pointers into `strings` that execve() and posix_spawn()
// take; valid while `strings` lives unchanged.
std::vector<char*> c_strings(std::vector<std::string>& strings);

// The rosterd binary the tests run: this build's, or $ROSTERD_TEST_BINARY (another
// build, such as a release whose databases an upgrade test starts from).
std::string rosterd_binary();

// True in the AddressSanitizer build: its shadow memory distorts RSS, and its
// interceptors deadlock with an LD_PRELOADed libfaketime.
#ifdef ROSTERD_TEST_SANITIZED
inline constexpr bool k_sanitized = true;
#else
inline constexpr bool k_sanitized = false;
#endif

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
  [[nodiscard]] std::string all() const { return out + err; }
};

// A rosterd process running in the background (`rosterd run`), killed at
// destruction if still alive.
class RosterdProcess {
 public:
  explicit RosterdProcess(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& extra_env = {});
  ~RosterdProcess();
  RosterdProcess(const RosterdProcess&) = delete;
  RosterdProcess& operator=(const RosterdProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return m_pid; }
  void signal(int number) const;
  // The exit status once it exited within `timeout` (-1 for death by a signal);
  // nullopt while it still runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;

 private:
  TempDir m_io;
  pid_t m_pid = -1;
  std::optional<int> m_exit;
};

// Above the kernel's PID_MAX_LIMIT (2^22 on 64-bit, include/linux/threads.h): no
// process can have this id, so it stands for a rosterd that has exited.
inline constexpr std::int64_t k_dead_pid = (std::int64_t{1} << 22) + 7;

// Checks `condition` every 20 ms until it holds or `timeout` passes; returns
// whether it held. For waiting on a process, never a fixed sleep.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Runs the rosterd binary with `args`, waits at most `timeout`.
ProcessResult run_rosterd(const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds{120},
                          const std::map<std::string, std::string>& extra_env = {});

// One source block of a rosterd config for a simulator tenant.
struct SourceBlock {
  SourceBlock(const sim::Tenant& source_tenant, std::map<std::string, std::string> extra_keys = {},
              bool static_token = false)
      : tenant(&source_tenant), extra(std::move(extra_keys)), use_token(static_token) {}

  const sim::Tenant* tenant;
  std::map<std::string, std::string> extra;  // more keys, verbatim YAML values
  bool use_token;                            // smartflo/class4: the static token instead of a login
  // Set: a source of type rest with the shipped definition config/definitions/<name>.yaml,
  // the tenant's credentials and page_size (from `extra`) as its parameters. A scim
  // tenant is always one (definition "scim").
  std::string definition{};
};

// A block of `tenant` through the shipped definition of its vendor.
inline SourceBlock rest_block(const sim::Tenant& tenant, std::map<std::string, std::string> extra = {}) {
  SourceBlock block(tenant, std::move(extra));
  block.definition = tenant.options().vendor;
  return block;
}

// The shipped definition `name` (config/definitions/<name>.yaml) in the source tree.
std::string shipped_definition(const std::string& name);

// The engine behind a test's database: the tests of the store contract run on both
// (EngineE2eTest below).
enum class Engine { sqlite, postgresql };
std::string engine_name(Engine engine);

class E2eTest : public ::testing::Test {
 protected:
  E2eTest();
  explicit E2eTest(const sim::SimulatorOptions& options);  // a simulator of other options (more threads)
  ~E2eTest() override;

  // Before write_config(): the database is a fresh one on the test PostgreSQL server
  // (or the SQLite file, the default).
  void use_engine(Engine engine);
  [[nodiscard]] Engine engine() const { return m_engine; }

  sim::Tenant& add_tenant(const std::string& name, const std::string& vendor, int users, std::uint64_t seed = 1);
  // Writes config.yaml with these sources (and `defaults` lines, verbatim YAML).
  void write_config(const std::vector<SourceBlock>& sources, const std::string& defaults = "");
  ProcessResult sync(const std::vector<std::string>& extra_args = {});

  // The SQLite file (tests of SQLite itself); db_location() is the database of either engine.
  [[nodiscard]] std::string db_path() const { return m_dir.file("roster.db"); }
  [[nodiscard]] std::string db_location() const { return m_pg ? m_pg->uri() : db_path(); }
  [[nodiscard]] std::string config_path() const { return m_dir.file("config.yaml"); }

  // Queries on the database (opened read-only for each call). On PostgreSQL, values read
  // as on SQLite: booleans 1 and 0, timestamps in rosterd's text form.
  std::int64_t count(const std::string& sql);
  std::vector<std::vector<std::string>> rows(const std::string& sql);  // NULL as "<null>"
  std::string value(const std::string& sql);
  // Runs SQL on the database read-write: for states a test sets up by hand.
  void write_sql(const std::string& sql);
  // SQL that differs between the engines, for tests that run on both:
  // `changes` with each user's whole-record state (k_changes_with_states);
  [[nodiscard]] std::string changes_with_states(const std::string& alias = "changes_with_states") const;
  // null-safe equality ("a IS b" in SQLite);
  [[nodiscard]] std::string same(const std::string& a, const std::string& b) const;
  // the text of the member `key` of the JSON object in `column` (NULL when absent).
  [[nodiscard]] std::string json_text(const std::string& column, const std::string& key) const;
  // A query of one value: `expression` of the rows of `from` (tables and WHERE) joined
  // with commas, in the order of `order_by`.
  [[nodiscard]] std::string joined(const std::string& expression, const std::string& from,
                                   const std::string& order_by) const;
  // Whether the database holds rosterd's schema (SQLite: whether the file exists).
  [[nodiscard]] bool database_exists();
  // Every row of every table but the bookkeeping ones (sync_runs, schedule), as
  // text: equal dumps = unchanged data. Compare with EXPECT_SAME_DATA.
  std::string dump_data_tables();
  // The database file and its WAL, byte for byte (PostgreSQL: every value of every table).
  std::string database_bytes();
  // README, "Sync semantics": no secret (of 4 bytes or more) in the database, its WAL or `output`.
  void expect_no_secrets(const std::set<std::string>& secrets, const std::string& output);

  TempDir m_dir;
  sim::Simulator m_sim;
  std::vector<std::string> m_config_secrets;

 private:
  void write_rest_source(std::ostream& out, const SourceBlock& block, const std::string& definition);

  Engine m_engine = Engine::sqlite;
  std::unique_ptr<PgTestDatabase> m_pg;
};

// A test of the store contract, run once per engine:
//   TEST_P(MyTest, Case) {...}
//   INSTANTIATE_TEST_SUITE_P(Engines, MyTest, k_engines, engine_test_name);
class EngineE2eTest : public E2eTest, public ::testing::WithParamInterface<Engine> {
 protected:
  EngineE2eTest() { use_engine(GetParam()); }
};
inline const auto k_engines = ::testing::Values(Engine::sqlite, Engine::postgresql);
std::string engine_test_name(const ::testing::TestParamInfo<Engine>& info);

// A whole file; empty when it is missing.
std::string read_bytes(const std::string& path);

// `config` (a configuration's text) with its `database:` line replaced by `database: VALUE`
// (VALUE verbatim YAML).
std::string with_database_line(const std::string& config, const std::string& value);

// The body of a GET to the simulator (http://127.0.0.1:PORT/...); empty on failure.
std::string http_get(const std::string& url);

// The first line where two dumps differ (empty when equal), for readable failures.
std::string first_difference(const std::string& a, const std::string& b);
#define EXPECT_SAME_DATA(before, after) EXPECT_EQ(::rosterd::testing::first_difference(before, after), "")

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

// Expected values, computed from the simulator independently of rosterd's code.
std::string lower(std::string text);           // ASCII lower-casing
std::string or_null(const std::string& text);  // "" -> "<null>"
// Worksection's phone per user id: `phone`, else phone3, phone2, phone4 (README, "Vendors"),
// read from what the simulator actually serves ("<null>" when none).
std::map<std::string, std::string> worksection_phones(const sim::Tenant& tenant);
// The normalized columns rosterd must store for a simulator user (README, "Vendors"'s column table):
// username, full_name, email, phone, extension, role, user_group, active, with
// NULL as "<null>". Worksection needs `phones` (worksection_phones()).
std::vector<std::string> expected_columns(const std::string& vendor, const sim::SimUser& u,
                                          const std::map<std::string, std::string>& phones = {});

// `changes` with each user's whole-record state read from the version the row names, as
// the old_value (removed) or new_value (added, restored) that `rosterd changes` and
// `rosterd history` show: a table expression, `"SELECT ... FROM " + k_changes_with_states`.
inline const std::string k_changes_with_states =
    "(SELECT c.id, c.run_id, c.changed_at, c.source, c.entity, c.entity_key, c.change, c.field, "
    "CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change = 'removed' THEN json_object('username', "
    "v.username, 'full_name', v.full_name, 'email', v.email, 'phone', v.phone, 'extension', v.extension, 'role', "
    "v.role, 'user_group', v.user_group, 'active', v.active, 'attributes', json(v.attributes), 'portfolios', "
    "json(v.portfolios)) ELSE c.old_value END AS old_value, "
    "CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change IN ('added', 'restored') THEN json_object("
    "'username', v.username, 'full_name', v.full_name, 'email', v.email, 'phone', v.phone, 'extension', "
    "v.extension, 'role', v.role, 'user_group', v.user_group, 'active', v.active, 'attributes', "
    "json(v.attributes), 'portfolios', json(v.portfolios)) ELSE c.new_value END AS new_value, c.version "
    "FROM changes AS c LEFT JOIN user_versions AS v ON c.entity = 'user' AND v.source = c.source AND "
    "v.external_id = c.entity_key AND v.version = c.version)";

}  // namespace rosterd::testing
