#pragma once
// A thin RAII layer over libpq, the PostgreSQL client library: one connection, its
// results, text parameters and arrays, COPY out. Statements are sent unnamed with
// their parameters (PQexecParams), never prepared by name, so that rosterd works
// behind pgbouncer in transaction mode. Errors are PgError, whose message is the
// server's, with its SQLSTATE; nothing here ever prints the connection's password.

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::store::postgresql {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate, bool connection_lost)
      : std::runtime_error(message), m_sqlstate(std::move(sqlstate)), m_connection_lost(connection_lost) {}
  // "23505" (unique_violation), "40001" (serialization_failure), ...; empty when the
  // failure is not the server's (the connection failed).
  [[nodiscard]] const std::string& sqlstate() const { return m_sqlstate; }
  // The connection broke (server stopped, network cut): the work was not done.
  [[nodiscard]] bool connection_lost() const { return m_connection_lost; }

 private:
  std::string m_sqlstate;
  bool m_connection_lost;
};

// Positional parameters ($1, $2, ...), all sent as text.
class Params {
 public:
  Params& text(std::string_view value) {
    m_values.emplace_back(value);
    return *this;
  }
  Params& text(const char* value) { return text(std::string_view(value)); }
  Params& text(const std::string& value) { return text(std::string_view(value)); }
  Params& text(const std::optional<std::string>& value) {
    m_values.push_back(value);
    return *this;
  }
  Params& number(std::int64_t value) {
    m_values.push_back(std::to_string(value));
    return *this;
  }
  Params& number(const std::optional<std::int64_t>& value) {
    if (value) return number(*value);
    return null();
  }
  Params& boolean(const std::optional<bool>& value) {
    if (value) return text(*value ? "true" : "false");
    return null();
  }
  Params& null() {
    m_values.emplace_back(std::nullopt);
    return *this;
  }
  [[nodiscard]] const std::vector<std::optional<std::string>>& values() const { return m_values; }

 private:
  std::vector<std::optional<std::string>> m_values;
};

// A PostgreSQL array literal in text form, {"a","b",NULL}: how a batch of rows goes
// to the server as one statement (INSERT ... SELECT * FROM unnest($1::text[], ...)).
class TextArray {
 public:
  void add(std::string_view value);
  void add(const char* value) { add(std::string_view(value)); }
  void add(const std::string& value) { add(std::string_view(value)); }
  void add(const std::optional<std::string>& value);
  void add_number(std::int64_t value);
  void add_null();
  [[nodiscard]] std::string literal() const { return m_text + "}"; }
  [[nodiscard]] std::size_t size() const { return m_size; }
  [[nodiscard]] bool empty() const { return m_size == 0; }
  void clear();

 private:
  void separate();
  std::string m_text = "{";
  std::size_t m_size = 0;
};

class Result {
 public:
  explicit Result(PGresult* result) : m_result(result, &PQclear) {}

  [[nodiscard]] int rows() const { return PQntuples(m_result.get()); }
  [[nodiscard]] bool is_null(int row, int column) const { return PQgetisnull(m_result.get(), row, column) != 0; }
  [[nodiscard]] std::string_view view(int row, int column) const {
    return {PQgetvalue(m_result.get(), row, column), static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
  }
  [[nodiscard]] std::string text(int row, int column) const { return std::string(view(row, column)); }
  [[nodiscard]] std::optional<std::string> optional_text(int row, int column) const;
  [[nodiscard]] std::int64_t number(int row, int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_number(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const { return view(row, column) == "t"; }
  [[nodiscard]] std::optional<bool> optional_boolean(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  [[nodiscard]] std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> m_result;
};

class Connection {
 public:
  // Connects to `conninfo` (a postgresql:// URI or key=value string). `display`
  // names the database in messages (without its password). Throws PgError.
  Connection(std::string conninfo, std::string display);

  // Runs one statement. After a broken connection (a server restart) the next call
  // outside a transaction connects again first. Throws PgError.
  Result exec(std::string_view sql, const Params& params = {});
  // Runs a script of several statements, without parameters (a migration).
  void exec_script(const char* sql);
  // COPY ... FROM STDIN: start, the data (rows in COPY's text format), end. Throws PgError.
  void copy_in_start(std::string_view sql);
  void copy_in_data(std::string_view data);
  void copy_in_end();
  // Streams COPY (...) TO STDOUT, calling on_row with each row's fields (nullopt: NULL).
  void copy_out(std::string_view sql,
                const std::function<void(const std::vector<std::optional<std::string_view>>&)>& on_row);

  // Whether a transaction is open on the connection (BEGIN without COMMIT or ROLLBACK).
  [[nodiscard]] bool in_transaction() const;
  [[nodiscard]] const std::string& display() const { return m_display; }
  // The server's version as PQserverVersion reports it (150018 for 15.18).
  [[nodiscard]] int server_version() const { return PQserverVersion(m_connection.get()); }

 private:
  void connect();
  void ensure_connected();
  [[noreturn]] void fail(const PGresult* result, std::string_view sql);

  std::string m_conninfo;
  std::string m_display;
  std::unique_ptr<PGconn, void (*)(PGconn*)> m_connection;
};

// `text` as an integer; PgError when it is not one (a value read from the server).
std::int64_t parse_number(std::string_view text);

// Appends `value` as one field of COPY's text format (its backslash escapes; \N for NULL).
void append_copy_field(std::string& out, std::string_view value);
void append_copy_field(std::string& out, const std::optional<std::string>& value);

// Whether `location` is a PostgreSQL connection URI (postgresql:// or postgres://).
bool is_postgresql_uri(std::string_view location);

// `conninfo` without its password, for messages: postgresql://user@host:port/dbname
// (host a socket directory, a name or an address). Throws PgError if it is not a
// valid connection string.
std::string display_location(const std::string& conninfo);

}  // namespace rosterd::store::postgresql
