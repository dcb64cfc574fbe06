#pragma once
// Moving values between rosterd's model and SQLite statements: NULL for a missing
// optional, and the user columns that users and user_versions share.

#include <optional>
#include <string>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "model/user.hpp"

namespace rosterd::store {

// The user columns in schema order, shared by users and user_versions.
inline constexpr const char* k_user_columns =
    "username, full_name, email, phone, extension, role, user_group, active, attributes, portfolios";
inline constexpr int k_user_column_count = 10;

// Binds `value`, or NULL.
void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value);

// The column's text, or nullopt for NULL.
[[nodiscard]] std::optional<std::string> optional_text(const SQLite::Column& column);

// Binds the k_user_column_count user columns starting at `first`.
void bind_user_columns(SQLite::Statement& statement, int first, const model::User& user);

// Reads the k_user_column_count user columns starting at column `first`.
[[nodiscard]] model::User read_user_columns(SQLite::Statement& row, int first, std::string external_id);

}  // namespace rosterd::store
