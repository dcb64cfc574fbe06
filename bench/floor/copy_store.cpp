#include "floor/copy_store.hpp"

#include <stdexcept>

namespace rosterd::bench {
namespace {

constexpr std::size_t k_flush_bytes = 1 << 20;

void append(std::string& out, std::optional<std::string_view> value) {
  if (!value) {
    out += "\\N";
    return;
  }
  for (char c : *value) {
    if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
      out += '\\';
      out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
    } else {
      out += c;
    }
  }
}

}  // namespace

CopyStore::CopyStore(const std::string& uri) : m_connection(PQconnectdb(uri.c_str()), &PQfinish) {
  if (PQstatus(m_connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(m_connection.get()));
  }
  exec("CREATE TABLE IF NOT EXISTS floor_users (external_id text PRIMARY KEY, username text, full_name text, "
       "email text, phone text, extension text, role text, user_group text, active boolean, attributes json NOT NULL)");
}

void CopyStore::exec(const char* sql) {
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(m_connection.get(), sql), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) {
    throw std::runtime_error(std::string(sql) + ": " + PQresultErrorMessage(result.get()));
  }
}

void CopyStore::begin() {
  exec("BEGIN");
  exec("TRUNCATE floor_users");
  exec("COPY floor_users FROM STDIN");
}

void CopyStore::add(const FloorRow& row) {
  append(m_buffer, std::string_view(row.external_id));
  for (const auto& column : {row.username, row.full_name, row.email, row.phone, row.extension, row.role,
                             row.user_group}) {
    m_buffer += '\t';
    append(m_buffer, column);
  }
  m_buffer += '\t';
  m_buffer += row.active ? (*row.active ? "t" : "f") : "\\N";
  m_buffer += '\t';
  append(m_buffer, std::string_view(row.attributes));
  m_buffer += '\n';
  if (m_buffer.size() >= k_flush_bytes) flush();
}

void CopyStore::flush() {
  if (m_buffer.empty()) return;
  if (PQputCopyData(m_connection.get(), m_buffer.data(), static_cast<int>(m_buffer.size())) != 1) {
    throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(m_connection.get()));
  }
  m_buffer.clear();
}

void CopyStore::commit() {
  flush();
  if (PQputCopyEnd(m_connection.get(), nullptr) != 1) {
    throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(m_connection.get()));
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQgetResult(m_connection.get()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("COPY: ") + PQresultErrorMessage(result.get()));
  }
  while (PGresult* extra = PQgetResult(m_connection.get())) PQclear(extra);
  exec("COMMIT");
}

}  // namespace rosterd::bench
