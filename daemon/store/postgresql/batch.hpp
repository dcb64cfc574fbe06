#pragma once
// Writes sent in batches: the rows of one statement gathered as arrays and sent as one
// INSERT ... SELECT FROM unnest(...) or UPDATE ... FROM unnest(...), so that a run
// writing 100,000 users costs tens of round trips, not hundreds of thousands, with no
// prepared statement (pgbouncer's transaction mode has none to keep).
//
// A run writes each key at most once, so the rows a batch holds back never change
// what a read of another key returns: reads need not flush. Transaction::commit()
// flushes everything before it commits (PendingWrites).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/postgresql/pq.hpp"

namespace rosterd::store::postgresql {

class Batch {
 public:
  // `sql` takes `fixed` as $1..$n and then one array per column; `columns` arrays.
  // `every_row`: each row must touch one row (an UPDATE of rows that must exist);
  // `what` says what is missing otherwise.
  Batch(std::string sql, Params fixed, int columns, std::string every_row = {});

  TextArray& operator[](int column) { return m_columns[static_cast<std::size_t>(column)]; }
  void end_row() { ++m_rows; }
  [[nodiscard]] std::size_t rows() const { return m_rows; }
  void flush(Connection& connection);
  void clear();

 private:
  std::string m_sql;
  Params m_fixed;
  std::vector<TextArray> m_columns;
  std::size_t m_rows = 0;
  std::string m_every_row;
};

// The batches of one writer, flushed in their order (a version is closed before the
// next is inserted: the one-open-version index).
class BatchGroup {
 public:
  static constexpr std::size_t k_rows_per_flush = 2000;

  Batch& add(Batch batch);
  // Flushes when a batch holds k_rows_per_flush rows; call between two keys.
  void flush_if_full(Connection& connection);
  void flush(Connection& connection);
  void discard();

 private:
  std::vector<std::unique_ptr<Batch>> m_batches;
};

// Every batch group of the open transaction.
class PendingWrites {
 public:
  void add(std::shared_ptr<BatchGroup> group) { m_groups.push_back(std::move(group)); }
  void flush(Connection& connection);
  void discard();

 private:
  std::vector<std::shared_ptr<BatchGroup>> m_groups;
};

}  // namespace rosterd::store::postgresql
