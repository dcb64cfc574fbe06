#include "store/sqlite/backup.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/log.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/database_errors.hpp"
#include "store/sqlite/path_diagnosis.hpp"

namespace rosterd::store::sqlite {
namespace {

// The copy while it is made: a new file beside the target (same file system, so that
// the final rename is atomic), removed with the journal SQLite keeps beside it unless
// it was published.
class TemporaryCopy {
 public:
  explicit TemporaryCopy(const std::string& target) : m_path(target + ".tmp-XXXXXX") {
    m_fd = ::mkstemp(m_path.data());  // mode 0600: only whoever made the backup reads it
    if (m_fd < 0) {
      throw StoreError(fmt::format("{}: cannot create the backup's temporary file in {} ({}); give a path in an "
                                   "existing directory this user may write",
                                   target, directory_of(target), std::strerror(errno)));
    }
  }
  ~TemporaryCopy() {
    if (m_fd >= 0) ::close(m_fd);
    if (m_published) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((m_path + suffix).c_str());
  }
  TemporaryCopy(const TemporaryCopy&) = delete;
  TemporaryCopy& operator=(const TemporaryCopy&) = delete;

  [[nodiscard]] const std::string& path() const { return m_path; }

  // Flushes the file to disk; returns its size.
  std::int64_t sync() const {
    struct stat info {};
    if (::fsync(m_fd) != 0 || ::fstat(m_fd, &info) != 0) {
      throw StoreError(fmt::format("{}: cannot flush the backup to disk ({})", m_path, std::strerror(errno)));
    }
    return static_cast<std::int64_t>(info.st_size);
  }

  // Renames the file to `target`, never replacing a file that appeared there meanwhile.
  void publish(const std::string& target) {
    int rc = ::renameat2(AT_FDCWD, m_path.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // A file system without RENAME_NOREPLACE: link(2) never replaces either.
      rc = ::link(m_path.c_str(), target.c_str());
      if (rc == 0) ::unlink(m_path.c_str());
    }
    if (rc != 0) {
      throw StoreError(fmt::format("{}: cannot rename the finished backup to it ({}){}", target, std::strerror(errno),
                                   errno == EEXIST ? ": a file appeared there during the backup, and a backup never "
                                                     "replaces a file"
                                                   : ""));
    }
    m_published = true;
    // The rename itself is durable once the directory is flushed.
    const auto directory = directory_of(target);
    const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || ::fsync(dir) != 0) {
      core::log().warn("{}: the backup is complete, but its directory {} could not be flushed to disk ({})", target,
                       directory, std::strerror(errno));
    }
    if (dir >= 0) ::close(dir);
  }

 private:
  std::string m_path;
  int m_fd = -1;
  bool m_published = false;
};

// Every page of `source` into `copy`, in one step: one read transaction of the source.
void copy_pages(SQLite::Database& source, SQLite::Database& copy, const std::string& path, const std::string& into) {
  sqlite3_backup* backup = sqlite3_backup_init(copy.getHandle(), "main", source.getHandle(), "main");
  if (backup == nullptr) {
    throw StoreError(fmt::format("{}: cannot start the backup into {}: {}", path, into,
                                 describe_database_error(sqlite3_extended_errcode(copy.getHandle()),
                                                         sqlite3_errmsg(copy.getHandle()), into)));
  }
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);  // the step's error, if any, is also the copy's
  if (step != SQLITE_DONE || finish != SQLITE_OK) {
    const int code = finish != SQLITE_OK ? sqlite3_extended_errcode(copy.getHandle()) : step;
    throw StoreError(fmt::format("{}: the backup into {} failed: {}", path, into,
                                 describe_database_error(code, sqlite3_errstr(code), into)));
  }
}

// The problems PRAGMA integrity_check finds in `copy` (at most 10), none when it is "ok".
std::vector<std::string> integrity_problems(SQLite::Database& copy) {
  std::vector<std::string> problems;
  SQLite::Statement check(copy, "PRAGMA integrity_check(10)");
  while (check.executeStep()) problems.push_back(check.getColumn(0).getString());
  if (problems.size() == 1 && problems.front() == "ok") problems.clear();
  return problems;
}

}  // namespace

BackupResult backup(const std::string& path, const std::string& target) {
  auto source = Connection::open(path, OpenMode::read_only);
  TemporaryCopy temporary(target);
  const auto& into = temporary.path();
  BackupResult result;
  {
    auto copy = translate_errors(into, Access::write, [&] {
      return SQLite::Database(into, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
    });
    // The read transaction the copy is made in, begun here so that a lock held by
    // another process is waited for (and described) like any read of the database.
    translate_errors(path, Access::read, [&] {
      source.sql().exec("BEGIN");
      source.sql().exec("SELECT count(*) FROM sqlite_schema");
    });
    copy_pages(source.sql(), copy, path, into);
    translate_errors(path, Access::read, [&] { source.sql().exec("COMMIT"); });
    source.check_unlocked_read();
    translate_errors(into, Access::write, [&] {
      if (const auto problems = integrity_problems(copy); !problems.empty()) {
        std::string listed;
        for (const auto& problem : problems) listed += (listed.empty() ? "" : "; ") + problem;
        throw StoreError(fmt::format(
            "{}: the copy fails SQLite's integrity check, so no backup was written to {}: the database itself is "
            "probably damaged; check it with `sqlite3 {} 'PRAGMA integrity_check'` (the copy's problems: {})",
            path, target, path, listed));
      }
      result.schema_version = copy.execAndGet("PRAGMA user_version").getInt();
      // One self-contained file: readable on its own (no -wal to keep beside it), from
      // read-only media too. rosterd puts a restored database back in WAL mode.
      copy.exec("PRAGMA journal_mode = DELETE");
    });
  }
  result.bytes = temporary.sync();
  temporary.publish(target);
  return result;
}

}  // namespace rosterd::store::sqlite
