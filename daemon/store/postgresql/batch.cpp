#include "store/postgresql/batch.hpp"

#include <fmt/format.h>

namespace rosterd::store::postgresql {

Batch::Batch(std::string sql, Params fixed, int columns, std::string every_row)
    : m_sql(std::move(sql)),
      m_fixed(std::move(fixed)),
      m_columns(static_cast<std::size_t>(columns)),
      m_every_row(std::move(every_row)) {}

void Batch::flush(Connection& connection) {
  if (m_rows == 0) return;
  Params params = m_fixed;
  for (const auto& column : m_columns) params.text(column.literal());
  const auto result = connection.exec(m_sql, params);
  if (!m_every_row.empty() && static_cast<std::size_t>(result.affected()) != m_rows) {
    throw PgError(fmt::format("{} of {} {}", m_rows - static_cast<std::size_t>(result.affected()), m_rows,
                              m_every_row),
                  "", false);
  }
  clear();
}

void Batch::clear() {
  for (auto& column : m_columns) column.clear();
  m_rows = 0;
}

Batch& BatchGroup::add(Batch batch) {
  m_batches.push_back(std::make_unique<Batch>(std::move(batch)));
  return *m_batches.back();
}

void BatchGroup::flush_if_full(Connection& connection) {
  for (const auto& batch : m_batches) {
    if (batch->rows() >= k_rows_per_flush) return flush(connection);
  }
}

void BatchGroup::flush(Connection& connection) {
  for (const auto& batch : m_batches) batch->flush(connection);
}

void BatchGroup::discard() {
  for (const auto& batch : m_batches) batch->clear();
}

void PendingWrites::flush(Connection& connection) {
  for (const auto& group : m_groups) group->flush(connection);
  m_groups.clear();
}

void PendingWrites::discard() {
  for (const auto& group : m_groups) group->discard();
  m_groups.clear();
}

}  // namespace rosterd::store::postgresql
