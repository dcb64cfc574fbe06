#include "store/sqlite/database_errors.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "store/sqlite/busy_wait.hpp"
#include "store/sqlite/lock_holders.hpp"

namespace rosterd::store::sqlite {
namespace {

// For commands the operator can paste into a shell.
std::string shell_quoted(const std::string& text) {
  if (text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+=:,@") ==
      std::string::npos) {
    return text;
  }
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string integrity_advice(const std::string& path) {
  return fmt::format("check it with `sqlite3 {} 'PRAGMA integrity_check'` and restore it from a backup",
                     shell_quoted(path));
}

// What SQLite's extended I/O error codes say the failing operation was.
std::string io_operation(int code) {
  switch (code) {
    case SQLITE_IOERR_READ:
      return "reading it";
    case SQLITE_IOERR_SHORT_READ:
      return "reading it (the file is shorter than it should be)";
    case SQLITE_IOERR_WRITE:
      return "writing it";
    case SQLITE_IOERR_FSYNC:
    case SQLITE_IOERR_DIR_FSYNC:
      return "flushing it to disk";
    case SQLITE_IOERR_TRUNCATE:
      return "truncating it";
    case SQLITE_IOERR_FSTAT:
      return "examining it";
    case SQLITE_IOERR_RDLOCK:
    case SQLITE_IOERR_LOCK:
    case SQLITE_IOERR_UNLOCK:
    case SQLITE_IOERR_CHECKRESERVEDLOCK:
      return "locking it";
    case SQLITE_IOERR_DELETE:
      return "deleting a journal";
    case SQLITE_IOERR_SHMOPEN:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_SHMLOCK:
    case SQLITE_IOERR_SHMMAP:
      return "using its WAL index (-shm)";
    case SQLITE_IOERR_NOMEM:
      return "(out of memory)";
    default:
      return "using it";
  }
}

std::string read_only_reason(int code, const std::string& path) {
  switch (code) {
    case SQLITE_READONLY_DBMOVED:
      return "the file was moved, renamed or deleted while rosterd had it open; restart rosterd";
    case SQLITE_READONLY_RECOVERY:
      return "its WAL needs recovering after a crash, which this user may not do; start rosterd (it recovers the "
             "WAL), then try again";
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_DIRECTORY:
      return fmt::format("this user may not create {0}-wal and {0}-shm in {1}; start rosterd, which creates them", path,
                         directory_of(path));
    case SQLITE_READONLY_ROLLBACK:
      return "an interrupted write left a journal to roll back, which this user may not do; open the database once "
             "as its owner (start rosterd)";
    default:
      return "the database was opened read-only";
  }
}

std::string busy_reason(int code, const std::string& path) {
  if (code == SQLITE_BUSY_SNAPSHOT) return "another writer changed the database during this transaction; run again";
  if (code == SQLITE_BUSY_RECOVERY) return "another process is recovering the WAL after a crash; run again in a moment";
  const auto waited = BusyWait::k_timeout.count() / 1000;
  if (const auto holder = find_lock_holder(path)) {
    return fmt::format(
        "locked by another writer: {} holds {} and rosterd waited {} s for it; end that program's "
        "transaction (COMMIT or ROLLBACK, or quit it), then run again",
        describe_holder(*holder), holder->lock, waited);
  }
  return fmt::format(
      "locked by another writer for {} s, which no process on this machine holds now (it may have "
      "just ended, or run in another container or on another machine); run again",
      waited);
}

std::string reason(int code, const std::string& path, Access access) {
  const int primary = code & 0xff;
  switch (primary) {
    case SQLITE_CORRUPT:
      return "the database file is damaged; " + integrity_advice(path);
    case SQLITE_NOTADB:
      return "not a SQLite database, or its header is damaged; check that `database:` names rosterd's database; if "
             "it does, " +
             integrity_advice(path);
    case SQLITE_FULL:
      return fmt::format(
          "the file system is full; free space on the file system holding {0} (`df -h {1}`), then "
          "run again",
          directory_of(path), shell_quoted(directory_of(path)));
    case SQLITE_IOERR:
      return fmt::format("I/O error {}; check the disk and the kernel log (`dmesg`), then the file: {}",
                         io_operation(code), integrity_advice(path));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY: {
      const auto problem = diagnose_path(path, primary == SQLITE_CANTOPEN ? access : Access::write);
      if (problem && (primary == SQLITE_CANTOPEN || access == Access::write)) {
        return fmt::format("cannot {} the database: {}; {}", primary == SQLITE_CANTOPEN ? "open" : "write",
                           problem->reason, problem->advice);
      }
      if (primary == SQLITE_READONLY) return "cannot write the database: " + read_only_reason(code, path);
      return "cannot open the database, and no cause was found in its path; check the file and its directory";
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return busy_reason(code, path);
    case SQLITE_NOMEM:
      return "out of memory; free memory on this machine, then run again";
    case SQLITE_PROTOCOL:
      return "file locking failed repeatedly; is the database on a network file system? Keep it on a local disk";
    default:
      return fmt::format("unexpected database error (SQLite code {})", code);
  }
}

}  // namespace

std::string describe_database_error(int code, std::string_view sqlite_message, const std::string& path, Access access) {
  return fmt::format("{}: {} (SQLite: {})", path, reason(code, path, access), sqlite_message);
}

std::string describe_database_error(const SQLite::Exception& error, const std::string& path, Access access) {
  const int code = error.getExtendedErrorCode() > 0 ? error.getExtendedErrorCode() : error.getErrorCode();
  // SQLiteCpp's own errors (a wrong column index, ...) carry no SQLite code.
  if (code <= 0) return fmt::format("{}: {}", path, error.what());
  return describe_database_error(code, error.what(), path, access);
}

std::string describe_database_failure(const std::exception& error, const std::string& path, Access access) {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&error)) {
    return describe_database_error(*sqlite, path, access);
  }
  if (dynamic_cast<const StoreError*>(&error) != nullptr) return error.what();
  return fmt::format("{}: {}", path, error.what());
}

std::string open_failure(const std::string& path, const PathProblem& problem) {
  return fmt::format("{}: cannot open the database: {}; {}", path, problem.reason, problem.advice);
}

}  // namespace rosterd::store::sqlite
