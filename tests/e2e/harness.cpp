#include "harness.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/hash.hpp"

extern char** environ;

namespace rosterd::testing {
namespace {

// The tests read while rosterd writes (and creates the database): wait for locks
// like every rosterd connection does.
constexpr int k_busy_timeout_ms = 10'000;

std::string yaml_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace {

std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    if (key == "ROSTERD_CONFIG" || key == "JOURNAL_STREAM" || key == "NOTIFY_SOCKET" || key == "WATCHDOG_USEC" ||
        extra_env.count(key) != 0) {
      continue;
    }
    out.push_back(entry);
  }
  for (const auto& [k, v] : extra_env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

std::string rosterd_binary() {
  const char* other = std::getenv("ROSTERD_TEST_BINARY");
  return other != nullptr && *other != '\0' ? other : ROSTERD_BINARY;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

RosterdProcess::RosterdProcess(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& extra_env) {
  const auto out_path = m_io.file("out");
  const auto err_path = m_io.file("err");
  std::vector<std::string> argv_storage{rosterd_binary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  auto argv = c_strings(argv_storage);
  auto env_storage = child_environment(extra_env);
  auto envp = c_strings(env_storage);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) m_pid = -1;
  posix_spawn_file_actions_destroy(&actions);
}

RosterdProcess::~RosterdProcess() {
  if (m_pid > 0 && !m_exit) {
    kill(m_pid, SIGKILL);
    int status = 0;
    waitpid(m_pid, &status, 0);
  }
}

void RosterdProcess::signal(int number) const {
  if (m_pid > 0) kill(m_pid, number);
}

std::optional<int> RosterdProcess::wait(std::chrono::milliseconds timeout) {
  if (m_exit || m_pid <= 0) return m_exit;
  int status = 0;
  const bool done = eventually([&] { return waitpid(m_pid, &status, WNOHANG) == m_pid; }, timeout);
  if (!done) return std::nullopt;
  m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return m_exit;
}

std::string RosterdProcess::out() const {
  return read_bytes(m_io.file("out"));
}
std::string RosterdProcess::err() const {
  return read_bytes(m_io.file("err"));
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

ProcessResult run_rosterd(const std::vector<std::string>& args, std::chrono::seconds timeout,
                          const std::map<std::string, std::string>& extra_env) {
  RosterdProcess process(args, extra_env);
  ProcessResult result;
  auto exit = process.wait(timeout);
  if (!exit) {
    process.signal(SIGKILL);
    exit = process.wait(std::chrono::seconds{10});
    result.err = "timed out\n";
  }
  result.exit_code = exit.value_or(-1);
  result.out = process.out();
  result.err += process.err();
  return result;
}

std::string engine_name(Engine engine) { return engine == Engine::sqlite ? "sqlite" : "postgresql"; }

std::string engine_test_name(const ::testing::TestParamInfo<Engine>& info) { return engine_name(info.param); }

E2eTest::E2eTest() {
  m_sim.start();
}

E2eTest::E2eTest(const sim::SimulatorOptions& options) : m_sim(options) {
  m_sim.start();
}

std::string E2eTest::changes_with_states(const std::string& alias) const {
  if (!m_pg) return k_changes_with_states + " AS " + alias;
  // The snapshot as SQLite's json_object() writes it: no spaces, keys in this order.
  std::string state = "'{'";
  for (const char* column : {"username", "full_name", "email", "phone", "extension", "role", "user_group"}) {
    state += std::string(" || '") + (state.size() > 3 ? "," : "") + "\"" + column + "\":' || coalesce(to_json(v." +
             column + ")::text, 'null')";
  }
  state +=
      " || ',\"active\":' || coalesce(v.active::integer::text, 'null') || ',\"attributes\":' || v.attributes::text "
      "|| ',\"portfolios\":' || coalesce(v.portfolios::text, 'null') || '}'";
  return "(SELECT c.id, c.run_id, c.changed_at, c.source, c.entity, c.entity_key, c.change, c.field, "
         "CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change = 'removed' THEN " + state +
         " ELSE c.old_value END AS old_value, "
         "CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change IN ('added', 'restored') THEN " + state +
         " ELSE c.new_value END AS new_value, c.version "
         "FROM changes AS c LEFT JOIN user_versions AS v ON c.entity = 'user' AND v.source = c.source AND "
         "v.external_id = c.entity_key AND v.version = c.version) AS " + alias;
}

std::string E2eTest::same(const std::string& a, const std::string& b) const {
  return a + (m_pg ? " IS NOT DISTINCT FROM " : " IS ") + b;
}

std::string E2eTest::json_text(const std::string& column, const std::string& key) const {
  if (m_pg) return "(" + column + "::json ->> '" + key + "')";
  return "json_extract(" + column + ", '$.\"" + key + "\"')";
}

std::string E2eTest::joined(const std::string& expression, const std::string& from,
                            const std::string& order_by) const {
  if (m_pg) return "SELECT string_agg(CAST(" + expression + " AS text), ',' ORDER BY " + order_by + ") FROM " + from;
  // SQLite 3.40 has no ORDER BY in an aggregate; group_concat() follows a subquery's order.
  return "SELECT group_concat(v) FROM (SELECT " + expression + " AS v FROM " + from + " ORDER BY " + order_by + ")";
}

bool E2eTest::database_exists() {
  if (!m_pg) return std::filesystem::exists(db_path());
  return !pg_rows(m_pg->uri(), "SELECT 1 FROM information_schema.tables WHERE table_name = 'sync_runs'").empty();
}

void E2eTest::use_engine(Engine engine) {
  m_engine = engine;
  if (engine == Engine::postgresql) m_pg = std::make_unique<PgTestDatabase>();
}

E2eTest::~E2eTest() {
  m_sim.stop();
}

sim::Tenant& E2eTest::add_tenant(const std::string& name, const std::string& vendor, int users, std::uint64_t seed) {
  sim::TenantOptions options;
  options.name = name;
  options.vendor = vendor;
  options.users = users;
  options.seed = seed;
  return m_sim.add_tenant(options);
}

void E2eTest::write_config(const std::vector<SourceBlock>& sources, const std::string& defaults) {
  std::ostringstream out;
  out << "database: " << yaml_quote(db_location()) << "\nlog_level: info\n";
  out << "defaults:\n" << defaults;
  // The harness's defaults unless the test set its own.
  if (defaults.find("timeout:") == std::string::npos) out << "  timeout: 5s\n";
  if (defaults.find("retries:") == std::string::npos) out << "  retries: 1\n";
  out << "sources:\n";
  for (const auto& block : sources) {
    const auto& t = *block.tenant;
    const auto& o = t.options();
    out << "  - name: " << o.name << "\n";
    const auto definition = o.vendor == "scim" ? std::string("scim") : block.definition;
    if (!definition.empty()) {
      write_rest_source(out, block, definition);
      continue;
    }
    out << "    type: " << o.vendor << "\n";
    out << "    url: " << yaml_quote(t.config_url()) << "\n";
    auto secret = [&](const char* key, const std::string& value) {
      out << "    " << key << ": " << yaml_quote(value) << "\n";
      m_config_secrets.push_back(value);
    };
    if (o.vendor == "worksection") {
      secret("api_key", o.api_key);
    } else if (block.use_token && (o.vendor == "smartflo" || o.vendor == "class4")) {
      secret("token", o.token);
    } else {
      out << (o.vendor == "smartflo" ? "    email: " : "    user: ") << yaml_quote(o.user) << "\n";
      secret("password", o.password);
    }
    for (const auto& [k, v] : block.extra) out << "    " << k << ": " << v << "\n";
  }
  std::ofstream(config_path()) << out.str();
  ::chmod(config_path().c_str(), 0600);
}

std::string shipped_definition(const std::string& name) {
  return std::string(ROSTERD_SOURCE_DIR) + "/config/definitions/" + name + ".yaml";
}

void E2eTest::write_rest_source(std::ostream& out, const SourceBlock& block, const std::string& definition) {
  const auto& t = *block.tenant;
  const auto& o = t.options();
  out << "    type: rest\n";
  out << "    url: " << yaml_quote(t.config_url()) << "\n";
  out << "    definition: " << yaml_quote(shipped_definition(definition)) << "\n";
  out << "    parameters:\n";
  auto secret = [&](const char* key, const std::string& value) {
    out << "      " << key << ": " << yaml_quote(value) << "\n";
    m_config_secrets.push_back(value);
  };
  if (o.vendor == "worksection") {
    secret("api_key", o.api_key);
  } else if (o.vendor == "scim") {
    secret("token", o.token);
  } else {
    out << (o.vendor == "smartflo" ? "      email: " : "      user: ") << yaml_quote(o.user) << "\n";
    secret("password", o.password);
  }
  for (const auto& [k, v] : block.extra) {
    if (k == "page_size") {
      out << "      page_size: " << yaml_quote(v) << "\n";
    } else {
      out << "    " << k << ": " << v << "\n";
    }
  }
}

void E2eTest::write_sql(const std::string& sql) {
  if (m_pg) return pg_exec(m_pg->uri(), sql);
  SQLite::Database db(db_path(), SQLite::OPEN_READWRITE, 10'000);
  db.exec(sql);
}

ProcessResult E2eTest::sync(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args{"sync", "--config", config_path()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return run_rosterd(args);
}

std::int64_t E2eTest::count(const std::string& sql) {
  if (m_pg) return std::stoll(value(sql));
  SQLite::Database db(db_path(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
  return db.execAndGet(sql).getInt64();
}

std::string E2eTest::value(const std::string& sql) {
  if (m_pg) {
    const auto all = pg_rows(m_pg->uri(), sql);
    return all.empty() || all[0].empty() ? "<null>" : all[0][0];
  }
  SQLite::Database db(db_path(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
  const auto v = db.execAndGet(sql);
  return v.isNull() ? "<null>" : v.getString();
}

std::vector<std::vector<std::string>> E2eTest::rows(const std::string& sql) {
  if (m_pg) return pg_rows(m_pg->uri(), sql);
  SQLite::Database db(db_path(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
  SQLite::Statement query(db, sql);
  std::vector<std::vector<std::string>> out;
  while (query.executeStep()) {
    std::vector<std::string> row;
    for (int i = 0; i < query.getColumnCount(); ++i) {
      const auto c = query.getColumn(i);
      row.push_back(c.isNull() ? "<null>" : c.getString());
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string E2eTest::dump_data_tables() {
  if (m_pg) {
    std::ostringstream out;
    const auto tables = pg_rows(m_pg->uri(),
                                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                "AND table_type = 'BASE TABLE' AND table_name NOT IN ('sync_runs', 'schedule', "
                                "'schema_migrations', 'rosterd_instances', 'run_leases') ORDER BY table_name::text COLLATE \"C\"");
    for (const auto& table : tables) {
      out << "## " << table[0] << "\n";
      for (const auto& row : pg_rows(m_pg->uri(), "SELECT * FROM \"" + table[0] + "\" ORDER BY 1, 2, 3")) {
        for (const auto& v : row) out << v << '\x1f';
        out << "\n";
      }
    }
    return out.str();
  }
  SQLite::Database db(db_path(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
  SQLite::Statement tables(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "AND name NOT IN ('sync_runs', 'schedule') ORDER BY name");
  std::ostringstream out;
  while (tables.executeStep()) {
    const auto name = tables.getColumn(0).getString();
    out << "## " << name << "\n";
    SQLite::Statement all(db, "SELECT * FROM \"" + name + "\" ORDER BY 1, 2, 3");
    while (all.executeStep()) {
      for (int i = 0; i < all.getColumnCount(); ++i) {
        const auto c = all.getColumn(i);
        out << (c.isNull() ? std::string("<null>") : c.getString()) << '\x1f';
      }
      out << "\n";
    }
  }
  return out.str();
}

std::string with_database_line(const std::string& config, const std::string& value) {
  std::istringstream in(config);
  std::string line, out;
  while (std::getline(in, line)) out += (line.rfind("database:", 0) == 0 ? "database: " + value : line) + "\n";
  return out;
}

std::string http_get(const std::string& url) {
  const auto after_scheme = url.find("://") + 3;
  const auto path_start = url.find('/', after_scheme);
  httplib::Client client(url.substr(0, path_start));
  auto response = client.Get(url.substr(path_start));
  return response ? response->body : std::string();
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream left(a), right(b);
  std::string l, r;
  for (int line = 1;; ++line) {
    const bool more_left = static_cast<bool>(std::getline(left, l));
    const bool more_right = static_cast<bool>(std::getline(right, r));
    if (!more_left && !more_right) return {};
    if (!more_left || !more_right || l != r) {
      return "line " + std::to_string(line) + ":\n  before: " + (more_left ? l.substr(0, 300) : "<end>") +
             "\n  after:  " + (more_right ? r.substr(0, 300) : "<end>");
    }
  }
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string or_null(const std::string& text) {
  return text.empty() ? "<null>" : text;
}

std::map<std::string, std::string> worksection_phones(const sim::Tenant& tenant) {
  const auto body = http_get(tenant.base_url() + "/api/admin/v2/?action=get_users&hash=" +
                             core::md5_hex("action=get_users" + tenant.options().api_key));
  simdjson::dom::parser parser;
  std::map<std::string, std::string> phones;
  for (auto item : parser.parse(body)["data"].get_array()) {
    std::string phone = "<null>";
    for (const char* key : {"phone", "phone3", "phone2", "phone4"}) {
      std::string_view value;
      if (item[key].get(value) == simdjson::SUCCESS && !value.empty()) {
        phone = std::string(value);
        break;
      }
    }
    phones[std::string(item["id"].get_string().value())] = phone;
  }
  return phones;
}

std::vector<std::string> expected_columns(const std::string& vendor, const sim::SimUser& u,
                                          const std::map<std::string, std::string>& phones) {
  using std::string;
  const std::string active = u.active ? "1" : "0";
  const auto username = or_null(u.username), full_name = or_null(u.full_name()), role = or_null(lower(u.role));
  if (vendor == "crocodial")  // email, phone and group come from getUserInfo, not the list
    return {username, full_name, "<null>", "<null>", or_null(u.extension), role, "<null>", active};
  if (vendor == "worksection")  // the username is the e-mail address
    return {
        or_null(lower(u.email)), full_name, or_null(lower(u.email)), phones.at(std::to_string(u.id)), "<null>", role,
        or_null(u.group),        "<null>"};
  if (vendor == "smartflo") {
    const bool address = u.username.find('@') != std::string::npos;
    return {username, full_name, address ? lower(u.username) : "<null>", or_null(u.phone), or_null(u.extension), role,
            "<null>", active};
  }
  if (vendor == "class4")
    return {username, full_name, or_null(lower(u.email)), "<null>", "<null>", role, or_null(u.group), active};
  return {};
}

std::string E2eTest::database_bytes() {
  if (m_pg) {  // every value of every table, the bookkeeping ones too
    std::string out;
    for (const auto& table : pg_rows(m_pg->uri(), "SELECT table_name FROM information_schema.tables WHERE "
                                                  "table_schema = 'public' AND table_type = 'BASE TABLE'")) {
      for (const auto& row : pg_rows(m_pg->uri(), "SELECT * FROM \"" + table[0] + "\"")) {
        for (const auto& v : row) out += v + '\x1f';
      }
    }
    return out;
  }
  return read_bytes(db_path()) + '\0' + read_bytes(db_path() + "-wal");
}

void E2eTest::expect_no_secrets(const std::set<std::string>& secrets, const std::string& output) {
  const auto database = database_bytes();
  for (const auto& secret : secrets) {
    if (secret.size() < 4) continue;
    EXPECT_EQ(database.find(secret), std::string::npos) << "secret in the database: " << secret;
    EXPECT_EQ(output.find(secret), std::string::npos) << "secret in the output: " << secret;
  }
}

}  // namespace rosterd::testing
