#pragma once
// The schema migrations compiled in from schema/NNNN_*.sql (see schema/CMakeLists.txt).

#include <span>

namespace rosterd::store::sqlite {

struct Migration {
  int number;        // PRAGMA user_version after applying it
  const char* file;  // "0001_initial.sql"
  const char* sql;
};

std::span<const Migration> migrations();

}  // namespace rosterd::store::sqlite
