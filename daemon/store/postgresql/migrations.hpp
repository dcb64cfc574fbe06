#pragma once
// PostgreSQL's schema migrations, compiled in from schema/postgresql/NNNN_*.sql (see
// schema/CMakeLists.txt). They build the same tables and meanings as SQLite's
// schema/0001..0006, numbered on their own: schema_migrations records each one applied.

#include <span>

namespace rosterd::store::postgresql {

struct Migration {
  int number;
  const char* file;  // "0001_initial.sql"
  const char* sql;
};

std::span<const Migration> migrations();

}  // namespace rosterd::store::postgresql
