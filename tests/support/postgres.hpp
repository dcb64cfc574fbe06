#pragma once
// The throwaway PostgreSQL server of the tests (scripts/pg-cluster.sh, started by the
// CTest fixture `postgres`, see tests/CMakeLists.txt) and a fresh database on it per
// test. Queries answer as the e2e harness's SQLite queries do: NULL as "<null>",
// booleans as 1 and 0, timestamps as rosterd writes them (2026-03-01T09:00:00.000Z).

#include <string>
#include <vector>

namespace rosterd::testing {

// The server's maintenance URI ($ROSTERD_TEST_POSTGRES); fails the test when unset.
std::string postgres_server();

// A new, empty database on the test server, dropped (with its connections) at destruction.
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  // postgresql:///NAME?host=...&user=...
  [[nodiscard]] const std::string& uri() const { return m_uri; }
  [[nodiscard]] const std::string& name() const { return m_name; }

 private:
  std::string m_name;
  std::string m_uri;
};

// Runs `sql` (one statement, or several without results) on `uri`; rows as text.
std::vector<std::vector<std::string>> pg_rows(const std::string& uri, const std::string& sql);
void pg_exec(const std::string& uri, const std::string& sql);

// `uri` with its database replaced by `name`.
std::string with_database(const std::string& uri, const std::string& name);

}  // namespace rosterd::testing
