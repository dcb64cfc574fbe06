#include "store/sqlite/sql_values.hpp"

#include <utility>

#include "model/canonical.hpp"
#include "model/json_codec.hpp"

namespace rosterd::store::sqlite {

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

void bind_view(SQLite::Statement& statement, int index, const std::string& text) { statement.bindNoCopy(index, text); }

void bind_view(SQLite::Statement& statement, int index, const char* text) { statement.bindNoCopy(index, text); }

void bind_optional_view(SQLite::Statement& statement, int index, const std::optional<std::string>& value) {
  if (value) {
    bind_view(statement, index, *value);
  } else {
    statement.bind(index);
  }
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

void bind_user_columns(SQLite::Statement& statement, int first, const UserColumns& columns) {
  const auto& user = columns.user;
  int i = first;
  for (const auto& field : model::k_user_text_fields) bind_optional_view(statement, i++, user.*field.member);
  if (user.active) {
    statement.bind(i++, *user.active ? 1 : 0);
  } else {
    statement.bind(i++);
  }
  bind_view(statement, i++, columns.attributes);
  bind_optional_view(statement, i++, columns.portfolios);
}

model::User read_user_columns(SQLite::Statement& row, int first, std::string external_id) {
  model::User user;
  user.external_id = std::move(external_id);
  int i = first;
  for (const auto& field : model::k_user_text_fields) user.*field.member = optional_text(row.getColumn(i++));
  const auto active = row.getColumn(i++);
  if (!active.isNull()) user.active = active.getInt() != 0;
  user.attributes = model::parse_attributes_json(row.getColumn(i++).getString());
  const auto portfolios = row.getColumn(i++);
  if (!portfolios.isNull()) user.portfolios = model::parse_string_array_json(portfolios.getString());
  return user;
}

}  // namespace rosterd::store::sqlite
