#include "store/postgresql/pq.hpp"

#include <charconv>
#include <cstring>
#include <exception>

#include <fmt/format.h>

namespace rosterd::store::postgresql {
namespace {

std::string trimmed(const char* message) {
  std::string out = message == nullptr ? "" : message;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// One field of COPY's text format, its backslash escapes undone.
std::string_view decode_copy_field(std::string_view field, std::string& scratch) {
  if (field.find('\\') == std::string_view::npos) return field;
  scratch.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\' || i + 1 == field.size()) {
      scratch += field[i];
      continue;
    }
    const char c = field[++i];
    switch (c) {
      case 'b': scratch += '\b'; break;
      case 'f': scratch += '\f'; break;
      case 'n': scratch += '\n'; break;
      case 'r': scratch += '\r'; break;
      case 't': scratch += '\t'; break;
      case 'v': scratch += '\v'; break;
      default:
        if (c >= '0' && c <= '7') {  // \ooo
          int value = c - '0';
          for (int k = 0; k < 2 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7'; ++k) {
            value = value * 8 + (field[++i] - '0');
          }
          scratch += static_cast<char>(value);
        } else {
          scratch += c;  // \\ and any other escaped character stand for themselves
        }
    }
  }
  return scratch;
}

}  // namespace

void TextArray::separate() {
  if (m_size++ > 0) m_text += ',';
}

void TextArray::add(std::string_view value) {
  separate();
  m_text += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') m_text += '\\';
    m_text += c;
  }
  m_text += '"';
}

void TextArray::add(const std::optional<std::string>& value) {
  if (value) {
    add(std::string_view(*value));
  } else {
    add_null();
  }
}

void TextArray::add_number(std::int64_t value) {
  separate();
  m_text += std::to_string(value);
}

void TextArray::add_null() {
  separate();
  m_text += "NULL";
}

void TextArray::clear() {
  m_text = "{";
  m_size = 0;
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t parse_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw PgError(fmt::format("expected an integer, got '{}'", text), "", false);
  }
  return value;
}

void append_copy_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void append_copy_field(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_copy_field(out, std::string_view(*value));
  } else {
    out += "\\N";
  }
}

std::int64_t Result::number(int row, int column) const { return parse_number(view(row, column)); }

std::optional<std::int64_t> Result::optional_number(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return number(row, column);
}

std::optional<bool> Result::optional_boolean(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return boolean(row, column);
}

std::int64_t Result::affected() const {
  const char* count = PQcmdTuples(m_result.get());
  return count == nullptr || *count == '\0' ? 0 : std::strtoll(count, nullptr, 10);
}

Connection::Connection(std::string conninfo, std::string display)
    : m_conninfo(std::move(conninfo)), m_display(std::move(display)), m_connection(nullptr, &PQfinish) {
  connect();
}

void Connection::connect() {
  m_connection.reset(PQconnectdb(m_conninfo.c_str()));
  if (!m_connection) throw PgError("out of memory connecting to the server", "", true);
  if (PQstatus(m_connection.get()) != CONNECTION_OK) {
    throw PgError(trimmed(PQerrorMessage(m_connection.get())), "", true);
  }
  // Times never depend on the session's zone: every timestamp rosterd sends carries 'Z',
  // every one it reads goes through rosterd_time(). The server's notices (a NOTICE of
  // CREATE ... IF NOT EXISTS) are not rosterd's messages: libpq would print them on stderr.
  PQsetNoticeProcessor(m_connection.get(), [](void*, const char*) {}, nullptr);
}

void Connection::ensure_connected() {
  if (PQstatus(m_connection.get()) == CONNECTION_OK) return;
  connect();
}

bool Connection::in_transaction() const {
  const auto status = PQtransactionStatus(m_connection.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void Connection::fail(const PGresult* result, std::string_view sql) {
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = state == nullptr ? "" : state;
  const bool lost = PQstatus(m_connection.get()) != CONNECTION_OK || sqlstate.starts_with("08") ||
                    sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
  std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (message.empty()) message = trimmed(PQerrorMessage(m_connection.get()));
  if (message.starts_with("ERROR:  ")) message.erase(0, 8);
  // The first words of the statement, to tell which one failed.
  const auto head = sql.substr(0, std::min<std::size_t>(sql.find_first_of("(\n"), 60));
  auto text = fmt::format("{} (SQLSTATE {}, in: {}...)", message, sqlstate.empty() ? "none" : sqlstate, head);
  throw PgError(text, sqlstate, lost);
}

Result Connection::exec(std::string_view sql, const Params& params) {
  if (!in_transaction()) ensure_connected();
  const auto& values = params.values();
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value ? value->c_str() : nullptr);
  const std::string statement(sql);
  PGresult* raw = PQexecParams(m_connection.get(), statement.c_str(), static_cast<int>(pointers.size()), nullptr,
                               pointers.data(), nullptr, nullptr, 0);
  Result result(raw);
  const auto status = PQresultStatus(raw);
  if (raw == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(raw, sql);
  return result;
}

void Connection::exec_script(const char* sql) {
  if (!in_transaction()) ensure_connected();
  PGresult* raw = PQexec(m_connection.get(), sql);
  Result result(raw);
  const auto status = PQresultStatus(raw);
  if (raw == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) fail(raw, sql);
}

void Connection::copy_in_start(std::string_view sql) {
  const std::string statement(sql);
  PGresult* raw = PQexec(m_connection.get(), statement.c_str());
  Result started(raw);
  if (raw == nullptr || PQresultStatus(raw) != PGRES_COPY_IN) fail(raw, sql);
}

void Connection::copy_in_data(std::string_view data) {
  if (PQputCopyData(m_connection.get(), data.data(), static_cast<int>(data.size())) != 1) fail(nullptr, "COPY");
}

void Connection::copy_in_end() {
  if (PQputCopyEnd(m_connection.get(), nullptr) != 1) fail(nullptr, "COPY");
  PGresult* raw = PQgetResult(m_connection.get());
  Result finished(raw);
  while (auto* extra = PQgetResult(m_connection.get())) PQclear(extra);
  if (raw == nullptr || PQresultStatus(raw) != PGRES_COMMAND_OK) fail(raw, "COPY");
}

void Connection::copy_out(std::string_view sql,
                          const std::function<void(const std::vector<std::optional<std::string_view>>&)>& on_row) {
  if (!in_transaction()) ensure_connected();
  const std::string statement(sql);
  {
    PGresult* raw = PQexec(m_connection.get(), statement.c_str());
    Result started(raw);
    if (raw == nullptr || PQresultStatus(raw) != PGRES_COPY_OUT) fail(raw, sql);
  }
  std::vector<std::optional<std::string_view>> fields;
  std::vector<std::string> scratch;
  std::exception_ptr failed;  // on_row's: the copy is read to its end first, or the connection stays busy
  for (;;) {
    char* buffer = nullptr;
    const int length = PQgetCopyData(m_connection.get(), &buffer, 0);
    if (length == -2) fail(nullptr, sql);
    if (length < 0) break;
    std::unique_ptr<char, void (*)(void*)> line(buffer, &PQfreemem);
    std::string_view row(buffer, static_cast<std::size_t>(length));
    if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
    fields.clear();
    std::size_t column = 0;
    for (;;) {
      const auto tab = row.find('\t');
      const auto field = row.substr(0, tab);
      if (scratch.size() <= column) scratch.resize(column + 1);
      if (field == "\\N") {
        fields.emplace_back(std::nullopt);
      } else {
        fields.emplace_back(decode_copy_field(field, scratch[column]));
      }
      ++column;
      if (tab == std::string_view::npos) break;
      row.remove_prefix(tab + 1);
    }
    if (failed) continue;
    try {
      on_row(fields);
    } catch (...) {
      failed = std::current_exception();
    }
  }
  PGresult* raw = PQgetResult(m_connection.get());
  Result finished(raw);
  while (auto* extra = PQgetResult(m_connection.get())) PQclear(extra);
  if (raw == nullptr || PQresultStatus(raw) != PGRES_COMMAND_OK) fail(raw, sql);
  if (failed) std::rethrow_exception(failed);
}

bool is_postgresql_uri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string display_location(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                           &PQconninfoFree);
  if (!options) {
    std::string message = trimmed(error);
    PQfreemem(error);
    throw PgError("not a valid PostgreSQL connection string: " + message, "", false);
  }
  std::string user, host, port, dbname;
  for (auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string_view key = option->keyword;
    if (key == "user") user = option->val;
    if (key == "host") host = option->val;
    if (key == "hostaddr" && host.empty()) host = option->val;
    if (key == "port") port = option->val;
    if (key == "dbname") dbname = option->val;
  }
  // A socket directory cannot stand in the URI's authority: it goes in the query.
  if (host.starts_with('/')) {
    std::string out = "postgresql:///" + dbname + "?host=" + host;
    if (!port.empty()) out += "&port=" + port;
    if (!user.empty()) out += "&user=" + user;
    return out;
  }
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host.empty() ? "localhost" : host;
  if (!port.empty()) out += ":" + port;
  out += "/" + dbname;
  return out;
}

}  // namespace rosterd::store::postgresql
