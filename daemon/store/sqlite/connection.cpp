#include "store/sqlite/connection.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "core/log.hpp"
#include "store/sqlite/migration_progress.hpp"
#include "store/sqlite/migrations.hpp"

namespace rosterd::store::sqlite {
namespace {

// A WAL file no longer than its header holds no frame, so no change.
constexpr off_t k_wal_header_bytes = 32;

void migrate(SQLite::Database& db, const std::string& path, const Connection::BeforeMigrating& before_migrating) {
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  if (current > latest_schema_version()) {
    throw StoreError(
        fmt::format("{}: database schema version {} is newer than this rosterd knows ({}); upgrade rosterd", path,
                    current, latest_schema_version()));
  }
  if (current > 0 && current < latest_schema_version() && before_migrating) {
    before_migrating(current, latest_schema_version());
  }
  MigrationProgress progress(db, path);
  for (const auto& migration : migrations()) {
    if (migration.number <= current) continue;
    progress.begin(migration.number);
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", migration.number));
    transaction.commit();
  }
}

// NOMUTEX: no connection is ever used by two threads at once (the write connection
// is behind store::Writer's mutex, each reader belongs to one worker), so SQLite's
// per-call connection mutex is pure cost.
std::unique_ptr<SQLite::Database> connect(const std::string& name, int flags, BusyWait& busy) {
  auto db = std::make_unique<SQLite::Database>(name, flags | SQLite::OPEN_NOMUTEX);
  busy.install(db->getHandle());
  return db;
}

// "file:/var/lib/rosterd/roster.db?immutable=1", the path percent-encoded.
std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri.push_back(static_cast<char>(c));
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  return uri + "?immutable=1";
}

bool exists(const std::string& path, off_t* size = nullptr) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return false;
  if (size != nullptr) *size = info.st_size;
  return true;
}

bool is_open_or_read_only_error(int code) {
  return (code & 0xff) == SQLITE_CANTOPEN || (code & 0xff) == SQLITE_READONLY;
}

// When a read-only connection failed because the database's -wal/-shm files are
// missing and this user may not create them: what is missing, if reading the file
// alone is then correct. SQLite 3.40 fails such a connection ("unable to open
// database file" when only -shm is missing, SQLITE_READONLY_DIRECTORY when -wal is),
// yet reads fine with both present, a read-only -shm included.
//
// No -wal: no connection has the database open (any connection that reads it in WAL
// mode creates the -wal first), and every change is in the file. A -wal without a
// -shm: a writer keeps its -shm while it is open, so none is; the file is complete
// only if the WAL holds no frame. Throws StoreError when it may hold some.
std::optional<std::string> missing_wal_files(const std::string& path) {
  const auto directory = directory_of(path);
  if (::faccessat(AT_FDCWD, path.c_str(), R_OK, AT_EACCESS) != 0 ||
      ::faccessat(AT_FDCWD, directory.c_str(), W_OK, AT_EACCESS) == 0) {
    return std::nullopt;
  }
  off_t wal_size = 0;
  const bool wal = exists(path + "-wal", &wal_size);
  const bool shm = exists(path + "-shm");
  if (!wal) return shm ? fmt::format("{}-wal is missing", path) : fmt::format("{0}-wal and {0}-shm are missing", path);
  if (shm) return std::nullopt;
  if (wal_size <= k_wal_header_bytes) return fmt::format("{0}-shm is missing ({0}-wal holds no change)", path);
  throw StoreError(fmt::format(
      "{0}: cannot read the database: {0}-shm is missing and this user may not create it in {1}, and {0}-wal ({2} "
      "bytes) may hold runs not yet copied into {0}, which reading the file alone would miss; start rosterd (it "
      "recreates {0}-shm), or have the file's owner run `sqlite3 {0} 'PRAGMA wal_checkpoint(TRUNCATE)'`, then try "
      "again",
      path, directory, wal_size));
}

}  // namespace

int latest_schema_version() {
  int latest = 0;
  for (const auto& migration : migrations()) latest = std::max(latest, migration.number);
  return latest;
}

Connection Connection::open(const std::string& path, OpenMode mode, const BeforeMigrating& before_migrating) {
  const auto access = mode == OpenMode::read_only ? Access::read : Access::write;
  try {
    auto db = mode == OpenMode::read_only ? open_read_only(path) : open_read_write(path, before_migrating);
    db.m_db->exec("PRAGMA foreign_keys = ON");
    // Reads the whole schema now, so that a damaged one fails here, naming the file.
    db.m_db->exec("SELECT count(*) FROM sqlite_schema");
    db.m_access = access;
    return db;
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe_database_error(e, path, access));
  }
}

Connection Connection::open_read_write(const std::string& path, const BeforeMigrating& before_migrating) {
  // Everything rosterd needs of the path, checked before SQLite creates anything:
  // SQLite would open a file it may not write read-only without a word, and fail
  // only at the first write.
  if (path != ":memory:") {
    if (auto problem = diagnose_path(path, Access::write)) throw StoreError(open_failure(path, *problem));
  }
  auto busy = std::make_unique<BusyWait>(path, BusyWait::k_timeout);
  auto db = connect(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, *busy);
  if (sqlite3_db_readonly(db->getHandle(), "main") == 1) {
    throw StoreError(open_failure(
        path, diagnose_path(path, Access::write)
                  .value_or(PathProblem{"SQLite could open it only read-only", "check the file and its directory"})));
  }
  if (db->execAndGet("PRAGMA page_count").getInt64() == 0) db->exec("PRAGMA page_size = 8192");
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = FULL");
  // 8 MiB of page cache: against 16 MiB, 1M-user runs took the same time (within
  // noise, BENCHMARKS.md) and 7-9 MB less peak RSS.
  db->exec("PRAGMA cache_size = -8192");
  // Keep -wal/-shm after the writer closes, so that read-only reporting users can
  // still open the database (docs/reliability.md).
  int persist = 1;
  sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  migrate(*db, path, before_migrating);
  return Connection(path, std::move(busy), std::move(db));
}

Connection Connection::open_read_only(const std::string& path) {
  auto busy = std::make_unique<BusyWait>(path, BusyWait::k_timeout);
  std::unique_ptr<SQLite::Database> db;
  int version = 0;
  try {
    db = connect(path, SQLite::OPEN_READONLY, *busy);
    version = db->execAndGet("PRAGMA user_version").getInt();  // the first read opens -wal and -shm
  } catch (const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode() > 0 ? e.getExtendedErrorCode() : e.getErrorCode();
    if (!is_open_or_read_only_error(code)) throw;
    const auto missing = missing_wal_files(path);
    if (!missing) throw;
    return open_unlocked(path, *missing);
  }
  if (version == 0) throw StoreError(fmt::format("{}: not a rosterd database (run `rosterd sync` first)", path));
  return Connection(path, std::move(busy), std::move(db));
}

Connection Connection::open_unlocked(const std::string& path, const std::string& missing) {
  const auto before = file_state(path);
  auto busy = std::make_unique<BusyWait>(path, BusyWait::k_timeout);
  auto db = connect(immutable_uri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI, *busy);
  if (db->execAndGet("PRAGMA user_version").getInt() == 0) {
    throw StoreError(fmt::format("{}: not a rosterd database (run `rosterd sync` first)", path));
  }
  core::log().warn(
      "{}: {}, and this user may not create such files in {}: no rosterd or other program has the database open, so "
      "it is read without locking (SQLite immutable=1), which is correct while that holds; starting rosterd recreates "
      "them and restores normal reading",
      path, missing, directory_of(path));
  Connection out(path, std::move(busy), std::move(db));
  out.m_unlocked = before.value_or(FileState{});
  return out;
}

bool Connection::FileState::operator==(const FileState& other) const {
  return inode == other.inode && size == other.size && modified.tv_sec == other.modified.tv_sec &&
         modified.tv_nsec == other.modified.tv_nsec && wal_exists == other.wal_exists && wal_size == other.wal_size;
}

std::optional<Connection::FileState> Connection::file_state(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  FileState state;
  state.inode = info.st_ino;
  state.size = info.st_size;
  state.modified = info.st_mtim;
  state.wal_exists = exists(path + "-wal", &state.wal_size);
  return state;
}

void Connection::check_unlocked_read() const {
  if (!m_unlocked) return;
  if (file_state(m_path) == m_unlocked) return;
  throw StoreError(fmt::format(
      "{}: a writer opened the database while it was read without locking, so what was read may mix two states; "
      "run the command again",
      m_path));
}

Connection Connection::open_for_dry_run(const std::string& path) {
  if (!database_file_exists(path)) {
    auto db = open(":memory:");
    db.m_path = path;
    return db;
  }
  auto db = open(path, OpenMode::read_only);
  if (const int version = db.schema_version(); version != latest_schema_version()) {
    throw StoreError(fmt::format(
        "{}: database schema version {} is {} than this rosterd's ({}); a dry run writes nothing, so it cannot {}",
        path, version, version < latest_schema_version() ? "older" : "newer", latest_schema_version(),
        version < latest_schema_version() ? "migrate it: run `rosterd sync` once first" : "use it: upgrade rosterd"));
  }
  return db;
}

int Connection::schema_version() {
  return m_db->execAndGet("PRAGMA user_version").getInt();
}

CheckpointResult Connection::checkpoint() {
  // TRUNCATE must wait for every reader to reach the latest snapshot; with the busy
  // handler, a reporting user's long read transaction would hold the writer (and
  // every run waiting for it) after every run. Without one SQLite does not wait: it
  // copies what no reader still needs (what PASSIVE would) and reports SQLITE_BUSY.
  auto result = checkpoint_with(nullptr);
  off_t wal_size = 0;
  if (result.complete || !exists(m_path + "-wal", &wal_size) || wal_size < k_checkpoint_wait_above_bytes) {
    return result;
  }
  // The WAL has grown through several runs that readers kept from resetting it:
  // readers that come and go (each done within a moment) would never let it be
  // reset without a wait, and it would grow by a run's writes every run.
  return checkpoint_with(m_checkpoint_busy.get());
}

CheckpointResult Connection::checkpoint_with(BusyWait* busy) {
  sqlite3* handle = m_db->getHandle();
  if (busy != nullptr) {
    busy->install(handle);
  } else {
    BusyWait::remove(handle);
  }
  CheckpointResult result;
  const int rc =
      sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_TRUNCATE, &result.wal_frames, &result.copied_frames);
  m_busy->install(handle);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) throw SQLite::Exception(handle, rc);
  result.complete = rc == SQLITE_OK;
  return result;
}

}  // namespace rosterd::store::sqlite
