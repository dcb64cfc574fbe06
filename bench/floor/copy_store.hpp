#pragma once
// The COPY floor: the rows of one listing loaded into one PostgreSQL table with COPY, in
// one transaction that first empties the table. The least that loading a listing into
// PostgreSQL costs: what rosterd's initial sync into PostgreSQL is compared with.

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "floor/floor_row.hpp"

namespace rosterd::bench {

class CopyStore {
 public:
  explicit CopyStore(const std::string& uri);  // creates the table; throws std::runtime_error
  void begin();
  void add(const FloorRow& row);
  void commit();

 private:
  void exec(const char* sql);
  void flush();

  std::unique_ptr<PGconn, void (*)(PGconn*)> m_connection;
  std::string m_buffer;
};

}  // namespace rosterd::bench
