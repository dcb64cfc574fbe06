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

void CopyBatch::separate() {
  if (m_row_started) m_buffer += '\t';
  m_row_started = true;
}

CopyBatch& CopyBatch::text(std::string_view value) {
  separate();
  append_copy_field(m_buffer, value);
  return *this;
}

CopyBatch& CopyBatch::text(const std::optional<std::string>& value) {
  if (!value) return null();
  return text(std::string_view(*value));
}

CopyBatch& CopyBatch::number(std::int64_t value) {
  separate();
  m_buffer += std::to_string(value);
  return *this;
}

CopyBatch& CopyBatch::null() {
  separate();
  m_buffer += "\\N";
  return *this;
}

void CopyBatch::end_row() {
  m_buffer += '\n';
  m_row_started = false;
  ++m_rows;
}

void CopyBatch::flush(Connection& connection) {
  if (m_rows == 0) return;
  connection.copy_in_start(m_sql);
  connection.copy_in_data(m_buffer);
  connection.copy_in_end();
  clear();
}

void CopyBatch::clear() {
  m_buffer.clear();
  m_row_started = false;
  m_rows = 0;
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
