#pragma once
// Moving values between rosterd's model and SQLite statements: NULL for a missing
// optional, and the user columns that users and user_versions share.

#include <optional>
#include <string>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "model/user.hpp"
#include "store/rendered_user.hpp"

namespace rosterd::store::sqlite {

// The user columns in schema order, shared by users and user_versions.
inline constexpr const char* k_user_columns =
    "username, full_name, email, phone, extension, role, user_group, active, attributes, portfolios";
inline constexpr int k_user_column_count = 10;

// Binds `value`, or NULL.
void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value);

// Binds text without copying it: `text` must stay alive and unchanged until the
// statement has been stepped (every writer binds all of its parameters before each
// step, so a binding never outlives the value it was made for into a step).
void bind_view(SQLite::Statement& statement, int index, const std::string& text);
void bind_view(SQLite::Statement& statement, int index, const char* text);
void bind_optional_view(SQLite::Statement& statement, int index, const std::optional<std::string>& value);

// The column's text, or nullopt for NULL.
[[nodiscard]] std::optional<std::string> optional_text(const SQLite::Column& column);

using store::UserColumns;

// Binds the k_user_column_count user columns starting at `first`, without copies:
// `columns` must outlive the step.
void bind_user_columns(SQLite::Statement& statement, int first, const UserColumns& columns);

// Reads the k_user_column_count user columns starting at column `first`.
[[nodiscard]] model::User read_user_columns(SQLite::Statement& row, int first, std::string external_id);

}  // namespace rosterd::store::sqlite
