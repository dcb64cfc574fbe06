#pragma once
// Writes sent in batches, so that a run writing 100,000 users costs tens of round trips,
// not hundreds of thousands, with no prepared statement (pgbouncer's transaction mode has
// none to keep): new rows go with COPY ... FROM STDIN (CopyBatch), updates as arrays in one
// UPDATE ... FROM unnest(...) (Batch).
//
// A run writes each key at most once, so the rows a batch holds back never change
// what a read of another key returns: reads need not flush. Transaction::commit()
// flushes everything before it commits (PendingWrites).

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "store/postgresql/pq.hpp"

namespace rosterd::store::postgresql {

// The rows gathered for one statement.
class PendingRows {
 public:
  virtual ~PendingRows() = default;
  [[nodiscard]] virtual std::size_t rows() const = 0;
  virtual void flush(Connection& connection) = 0;
  virtual void clear() = 0;
};

class Batch final : public PendingRows {
 public:
  // `sql` takes `fixed` as $1..$n and then one array per column; `columns` arrays.
  // `every_row`: each row must touch one row (an UPDATE of rows that must exist);
  // `what` says what is missing otherwise.
  Batch(std::string sql, Params fixed, int columns, std::string every_row = {});

  TextArray& operator[](int column) { return m_columns[static_cast<std::size_t>(column)]; }
  void end_row() { ++m_rows; }
  [[nodiscard]] std::size_t rows() const override { return m_rows; }
  void flush(Connection& connection) override;
  void clear() override;

 private:
  std::string m_sql;
  Params m_fixed;
  std::vector<TextArray> m_columns;
  std::size_t m_rows = 0;
  std::string m_every_row;
};

// New rows sent with COPY (columns) FROM STDIN in its text format: the server parses
// them as COPY does, far cheaper than array literals.
class CopyBatch final : public PendingRows {
 public:
  explicit CopyBatch(std::string copy_sql) : m_sql(std::move(copy_sql)) {}

  CopyBatch& text(std::string_view value);
  CopyBatch& text(const char* value) { return text(std::string_view(value)); }
  CopyBatch& text(const std::string& value) { return text(std::string_view(value)); }
  CopyBatch& text(const std::optional<std::string>& value);
  CopyBatch& number(std::int64_t value);
  CopyBatch& null();
  void end_row();
  [[nodiscard]] std::size_t rows() const override { return m_rows; }
  void flush(Connection& connection) override;
  void clear() override;

 private:
  void separate();

  std::string m_sql;
  std::string m_buffer;
  bool m_row_started = false;
  std::size_t m_rows = 0;
};

// The batches of one writer, flushed in their order (a version is closed before the
// next is inserted: the one-open-version index).
class BatchGroup {
 public:
  static constexpr std::size_t k_rows_per_flush = 2000;

  template <class Rows>
  Rows& add(Rows batch) {
    auto owned = std::make_unique<Rows>(std::move(batch));
    auto& added = *owned;
    m_batches.push_back(std::move(owned));
    return added;
  }
  // Flushes when a batch holds k_rows_per_flush rows; call between two keys.
  void flush_if_full(Connection& connection);
  void flush(Connection& connection);
  void discard();

 private:
  std::vector<std::unique_ptr<PendingRows>> m_batches;
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
