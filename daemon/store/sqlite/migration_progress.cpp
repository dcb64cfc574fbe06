#include "store/sqlite/migration_progress.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/log.hpp"

namespace rosterd::store::sqlite {
namespace {

constexpr auto k_line_every = std::chrono::seconds(1);

void progress_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  auto* progress = static_cast<MigrationProgress*>(sqlite3_user_data(context));
  const auto* label = argc > 0 ? sqlite3_value_text(argv[0]) : nullptr;
  const long long total = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;
  progress->row(label != nullptr ? reinterpret_cast<const char*>(label) : "rows", total);
  sqlite3_result_int(context, 1);
}

// 1234567 -> "1,234,567"
std::string grouped(long long value) {
  auto digits = std::to_string(value);
  for (auto i = static_cast<long long>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

}  // namespace

MigrationProgress::MigrationProgress(SQLite::Database& db, std::string path) : m_db(db), m_path(std::move(path)) {
  // Not deterministic: SQLite must call it for every row, never once for a whole statement.
  const int rc = sqlite3_create_function_v2(db.getHandle(), "rosterd_progress", 2, SQLITE_UTF8, this, progress_function,
                                            nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw SQLite::Exception(db.getHandle(), rc);
}

MigrationProgress::~MigrationProgress() {
  report(true);
  sqlite3_create_function_v2(m_db.getHandle(), "rosterd_progress", 2, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr,
                             nullptr);
}

void MigrationProgress::begin(int schema_version) {
  report(true);
  m_version = schema_version;
}

void MigrationProgress::row(const char* label, long long total) {
  if (m_label != label) {
    report(true);
    m_label = label;
    m_rows = 0;
    m_last_line = std::chrono::steady_clock::now();
  }
  m_total = total;
  ++m_rows;
  if (m_rows == m_total) {
    report(true);
  } else if (std::chrono::steady_clock::now() - m_last_line >= k_line_every) {
    report(false);
  }
}

// A line now; `done` closes the table (its line is not repeated).
void MigrationProgress::report(bool done) {
  if (m_label.empty()) return;
  core::log().info("migrating {} to schema {}: {} {} of {}{}", m_path, m_version, m_label, grouped(m_rows),
                   grouped(m_total), done ? ", done" : "");
  m_last_line = std::chrono::steady_clock::now();
  if (done) m_label.clear();
}

}  // namespace rosterd::store::sqlite
