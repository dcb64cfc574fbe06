#include "store/postgresql/copy_in.hpp"

#include <fmt/format.h>

#include "store/postgresql/session.hpp"

namespace rosterd::store::postgresql {
namespace {

constexpr std::size_t k_flush_bytes = 1 << 20;

class PgCopyTarget final : public CopyTarget {
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    return translate_errors(m_connection.display(), std::forward<Work>(work));
  }

 public:
  PgCopyTarget(Connection connection, std::function<void(const CopiedCount&)> progress)
      : m_connection(std::move(connection)), m_progress(std::move(progress)) {
    guarded([&] {
      const auto held = m_connection.exec(
          "SELECT EXISTS (SELECT 1 FROM sync_runs) OR EXISTS (SELECT 1 FROM user_versions) OR "
          "EXISTS (SELECT 1 FROM changes)");
      if (held.boolean(0, 0)) {
        throw StoreError(fmt::format("{}: holds rosterd data already; migrate only fills an empty database (its "
                                     "data is never replaced)",
                                     m_connection.display()));
      }
      m_connection.exec("BEGIN");
    });
  }
  ~PgCopyTarget() override {
    if (!m_connection.in_transaction()) return;
    try {
      m_connection.exec("ROLLBACK");
    } catch (const std::exception&) {
      // the connection broke: the server rolled back
    }
  }
  PgCopyTarget(const PgCopyTarget&) = delete;
  PgCopyTarget& operator=(const PgCopyTarget&) = delete;

  void begin_table(const CopiedTable& table) override {
    m_table = &table;
    m_rows = 0;
    std::string columns;
    for (const char* column : table.columns) columns += (columns.empty() ? "" : ", ") + std::string(column);
    guarded([&] { m_connection.copy_in_start(fmt::format("COPY {} ({}) FROM STDIN", table.name, columns)); });
  }

  void row(const CopiedRow& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) m_buffer += '\t';
      append_copy_field(m_buffer, row[i]);
    }
    m_buffer += '\n';
    ++m_rows;
    if (m_buffer.size() >= k_flush_bytes) flush();
  }

  std::int64_t end_table() override {
    flush();
    return guarded([&] {
      m_connection.copy_in_end();
      const auto stored = m_connection.exec(fmt::format("SELECT count(*) FROM {}", m_table->name)).number(0, 0);
      if (stored != m_rows) {
        throw StoreError(fmt::format("{}: {}: {} rows sent, {} stored", m_connection.display(), m_table->name, m_rows,
                                     stored));
      }
      m_counts.push_back({m_table->name, stored});
      if (m_progress) m_progress(m_counts.back());
      return stored;
    });
  }

  std::vector<CopiedCount> commit() override {
    guarded([&] {
      for (const char* table : {"sync_runs", "changes", "agent_status_log"}) {
        m_connection.exec(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', 'id'), coalesce(max(id), 0) + 1, "
                                      "false) FROM {0}",
                                      table));
      }
      m_connection.exec("COMMIT");
    });
    return m_counts;
  }

 private:
  void flush() {
    if (m_buffer.empty()) return;
    guarded([&] { m_connection.copy_in_data(m_buffer); });
    m_buffer.clear();
  }

  Connection m_connection;
  std::function<void(const CopiedCount&)> m_progress;
  const CopiedTable* m_table = nullptr;
  std::int64_t m_rows = 0;
  std::string m_buffer;
  std::vector<CopiedCount> m_counts;
};

}  // namespace

std::unique_ptr<CopyTarget> open_copy_target(const std::string& location,
                                             const std::function<void(const CopiedCount&)>& progress) {
  return std::make_unique<PgCopyTarget>(connect(location, OpenMode::read_write), progress);
}

}  // namespace rosterd::store::postgresql
