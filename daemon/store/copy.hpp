#pragma once
// `rosterd migrate`: a SQLite database copied into an empty PostgreSQL one, history
// included, so that users --as-of, history and changes answer the same afterwards. The
// tables go over as rows of text, in the order below (each table's rows name only rows
// of the tables before it): the SQLite engine reads them in one read transaction (a
// snapshot, while a daemon may write), the PostgreSQL engine writes them with COPY in
// one transaction that also checks each table's count, so that the copy is whole or
// absent.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rosterd::store {

struct CopiedTable {
  const char* name;
  std::vector<const char*> columns;
};

// The tables a copy moves, in order. The schedule and the claims are not copied: they
// belong to the daemons running now.
std::span<const CopiedTable> copied_tables();

using CopiedRow = std::vector<std::optional<std::string>>;  // nullopt: NULL

// What reads rows hands them to, table after table.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void begin_table(const CopiedTable& table) = 0;
  virtual void row(const CopiedRow& row) = 0;
  // Returns how many rows the table holds now.
  virtual std::int64_t end_table() = 0;
};

struct CopiedCount {
  std::string table;
  std::int64_t rows = 0;
};

// Copies the SQLite database `from` (at the latest schema) into `to`, a PostgreSQL
// database without rosterd data (its schema is created). `progress` is told each table
// as it is done. Throws StoreError; on failure `to` holds no row.
std::vector<CopiedCount> copy_database(const std::string& from, const std::string& to,
                                       const std::function<void(const CopiedCount&)>& progress);

}  // namespace rosterd::store
