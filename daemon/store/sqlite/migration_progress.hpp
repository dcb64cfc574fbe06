#pragma once
// The progress of a migration that rewrites tables: rosterd_progress(label, total), an
// SQL function a migration calls once per row it copies (in a WHERE clause; it always
// returns 1), logs "migrating <path> to schema N: <label> 250,000 of 1,000,000" at most
// once a second and when a table is done. Registered on the write connection only while
// it migrates.

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <string>

namespace rosterd::store::sqlite {

class MigrationProgress {
 public:
  MigrationProgress(SQLite::Database& db, std::string path);
  ~MigrationProgress();
  MigrationProgress(const MigrationProgress&) = delete;
  MigrationProgress& operator=(const MigrationProgress&) = delete;

  // The migration about to run (its number goes into the lines).
  void begin(int schema_version);
  // One row of `label`, of `total`.
  void row(const char* label, long long total);

 private:
  void report(bool done);

  SQLite::Database& m_db;
  std::string m_path;
  int m_version = 0;
  std::string m_label;
  long long m_rows = 0;
  long long m_total = 0;
  std::chrono::steady_clock::time_point m_last_line;
};

}  // namespace rosterd::store::sqlite
