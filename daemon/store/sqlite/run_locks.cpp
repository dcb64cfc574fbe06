#include "store/sqlite/run_locks.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "core/hash.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/path_diagnosis.hpp"

namespace rosterd::store::sqlite {
namespace {

constexpr off_t k_daemon_byte = 0;
// Source locks sit at 1 + a 40-bit hash of the name: two names meet on one byte with a
// probability of about n^2 / 2^41, and then their runs merely take turns.
constexpr std::uint64_t k_source_range = std::uint64_t{1} << 40;
constexpr auto k_lock_poll = std::chrono::milliseconds{100};

off_t source_byte(const std::string& source) {
  return static_cast<off_t>(1 + core::content_hash64(source) % k_source_range);
}

struct flock one_byte(short type, off_t offset) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = offset;
  lock.l_len = 1;
  return lock;
}

// True when locked; false when someone else holds it. Throws on any other error.
bool try_lock(int fd, off_t offset, const std::string& lock_path) {
  auto lock = one_byte(F_WRLCK, offset);
  if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) return true;
  if (errno == EAGAIN || errno == EACCES) return false;
  throw StoreError(fmt::format("{}: cannot lock: {}", lock_path, std::strerror(errno)));
}

bool is_locked(int fd, off_t offset) {
  auto lock = one_byte(F_WRLCK, offset);
  if (::fcntl(fd, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

std::optional<pid_t> read_pid(int fd) {
  char text[32] = {};
  const auto n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  const long pid = std::strtol(text, &end, 10);
  if (end == text || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

}  // namespace

std::string lock_path_of(const std::string& database_path) {
  if (database_path.empty() || database_path == ":memory:") return {};
  return database_path + ".lock";
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing the description releases its locks
}

RunLocks::RunLocks(std::string database_path)
    : m_database_path(std::move(database_path)), m_lock_path(lock_path_of(m_database_path)) {}

int RunLocks::open_lock_file() const {
  const int fd = ::open(m_lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    // The database's own path explains most failures (a missing directory, no permission).
    if (const auto problem = diagnose_path(m_database_path, Access::write)) {
      throw StoreError(open_failure(m_database_path, *problem));
    }
    throw StoreError(fmt::format("{}: cannot open the lock file {} that guards the database: {}", m_database_path,
                                 m_lock_path, std::strerror(errno)));
  }
  return fd;
}

FileLock RunLocks::lock_daemon() const {
  FileLock lock(open_lock_file());
  if (!try_lock(lock.m_fd, k_daemon_byte, m_lock_path)) {
    const auto holder = read_pid(lock.m_fd);
    throw StoreError(fmt::format(
        "{}: another `rosterd run` (pid {}) already runs on this database; one database has one daemon "
        "(stop that one first, or give this one another database)",
        m_database_path, holder ? std::to_string(*holder) : std::string("unknown")));
  }
  const auto pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(lock.m_fd, 0) != 0 ||
      ::pwrite(lock.m_fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    throw StoreError(fmt::format("{}: cannot write the lock file {}: {}", m_database_path, m_lock_path,
                                 std::strerror(errno)));
  }
  return lock;
}

DaemonState RunLocks::daemon_state() const {
  DaemonState state;
  if (m_lock_path.empty()) return state;
  const int fd = ::open(m_lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return state;
  const FileLock file(fd);
  state.known = true;
  state.running = is_locked(fd, k_daemon_byte);
  if (state.running) state.pid = read_pid(fd);
  return state;
}

FileLock RunLocks::try_lock_source(const std::string& source) const {
  FileLock lock(open_lock_file());
  if (!try_lock(lock.m_fd, source_byte(source), m_lock_path)) return {};
  return lock;
}

std::optional<FileLock> RunLocks::lock_source(const std::string& source, std::stop_token stop,
                                              const OnWait& on_wait) const {
  bool waited = false;
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    auto lock = try_lock_source(source);
    if (lock.held()) return lock;
    if (!waited && on_wait) on_wait();
    waited = true;
    std::unique_lock guard(mutex);
    wake.wait_for(guard, stop, k_lock_poll, [] { return false; });
  }
  return std::nullopt;
}

}  // namespace rosterd::store::sqlite
