#pragma once
// `rosterd backup PATH`: a consistent copy of a database while rosterd writes to it.
// Only SQLite files are copied this way; a PostgreSQL database has pg_dump.

#include <cstdint>
#include <string>

namespace rosterd::store {

struct BackupResult {
  std::int64_t bytes = 0;  // the size of the copy
  int schema_version = 0;  // the copy's PRAGMA user_version
};

// Copies the SQLite database at `location` into the new file `target`, which must not
// exist (nor its -wal, -shm or -journal). The copy is one read transaction of the
// source (a snapshot that never blocks a writer), written to a temporary file beside
// `target`, checked with PRAGMA integrity_check, flushed to disk and only then renamed
// to `target`. On any failure nothing is left at `target` nor beside it. Throws
// StoreError naming the file and what went wrong.
BackupResult backup_database(const std::string& location, const std::string& target);

}  // namespace rosterd::store
