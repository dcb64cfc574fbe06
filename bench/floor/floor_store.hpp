#pragma once
// The floor's database: one table shaped like rosterd's `users` columns, written with
// one prepared upsert in one transaction, in WAL mode with synchronous=FULL and a
// TRUNCATE checkpoint at the end, as rosterd runs do (docs/reliability.md "SQLite").

#include <sqlite3.h>

#include <string>

#include "floor/floor_row.hpp"

namespace rosterd::bench {

class FloorStore {
 public:
  explicit FloorStore(const std::string& path);  // creates the table; throws std::runtime_error
  ~FloorStore();
  FloorStore(const FloorStore&) = delete;
  FloorStore& operator=(const FloorStore&) = delete;

  void begin();
  void upsert(const FloorRow& row);
  void commit();  // and checkpoints

 private:
  void exec(const char* sql);
  void check(int code, const char* what);

  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_upsert = nullptr;
};

}  // namespace rosterd::bench
