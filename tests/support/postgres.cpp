#include "postgres.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace rosterd::testing {
namespace {

using Connection = std::unique_ptr<PGconn, void (*)(PGconn*)>;
using Result = std::unique_ptr<PGresult, void (*)(PGresult*)>;

Connection connect(const std::string& uri) {
  Connection c(PQconnectdb(uri.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test server " + uri + ": " + PQerrorMessage(c.get()));
  }
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

// "2026-03-01 09:00:00.12+00" -> "2026-03-01T09:00:00.120Z" (the session is in UTC).
std::string rosterd_time(std::string text) {
  const auto zone = text.find_last_of("+-");
  if (zone != std::string::npos && zone > 10) text.erase(zone);
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  const auto dot = text.find('.');
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (dot != std::string::npos) text.erase(dot);
  fraction.resize(3, '0');
  return text + "." + fraction + "Z";
}

constexpr Oid k_bool = 16;
constexpr Oid k_timestamptz = 1184;

}  // namespace

std::string postgres_server() {
  const char* uri = std::getenv("ROSTERD_TEST_POSTGRES");
  if (uri == nullptr || *uri == '\0') {
    throw std::runtime_error("ROSTERD_TEST_POSTGRES is not set: run the tests through ctest (its fixture starts "
                             "the server: scripts/pg-cluster.sh)");
  }
  return uri;
}

std::string with_database(const std::string& uri, const std::string& name) {
  // postgresql:///postgres?host=... -> postgresql:///NAME?host=...
  const auto start = uri.find("///") + 3;
  const auto end = uri.find('?', start);
  return uri.substr(0, start) + name + (end == std::string::npos ? "" : uri.substr(end));
}

PgTestDatabase::PgTestDatabase() {
  static std::atomic<int> counter{0};
  m_name = "rosterd_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  pg_exec(postgres_server(), "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
  pg_exec(postgres_server(), "CREATE DATABASE " + m_name);
  m_uri = with_database(postgres_server(), m_name);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    pg_exec(postgres_server(), "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
  } catch (const std::exception&) {
    // the server is gone: its directory goes with the fixture's cleanup
  }
}

std::vector<std::vector<std::string>> pg_rows(const std::string& uri, const std::string& sql) {
  auto c = connect(uri);
  Result set(PQexec(c.get(), "SET TIME ZONE 'UTC'"), &PQclear);
  Result r(PQexec(c.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error("query failed: " + sql + ": " + PQresultErrorMessage(r.get()));
  }
  std::vector<std::vector<std::string>> out;
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    std::vector<std::string> values;
    for (int column = 0; column < PQnfields(r.get()); ++column) {
      if (PQgetisnull(r.get(), row, column) != 0) {
        values.emplace_back("<null>");
        continue;
      }
      std::string text = PQgetvalue(r.get(), row, column);
      const auto type = PQftype(r.get(), column);
      if (type == k_bool) text = text == "t" ? "1" : "0";
      if (type == k_timestamptz) text = rosterd_time(text);
      values.push_back(std::move(text));
    }
    out.push_back(std::move(values));
  }
  return out;
}

void pg_exec(const std::string& uri, const std::string& sql) { (void)pg_rows(uri, sql); }

}  // namespace rosterd::testing
