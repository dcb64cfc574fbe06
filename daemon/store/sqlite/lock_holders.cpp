#include "store/sqlite/lock_holders.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rosterd::store::sqlite {
namespace {

// SQLite 3.40's unix VFS: the shm lock bytes start at UNIX_SHM_BASE = (22 + 8) * 4.
constexpr std::int64_t k_shm_base = 120;
constexpr std::int64_t k_write_lock = k_shm_base + 0;
constexpr std::int64_t k_checkpoint_lock = k_shm_base + 1;
constexpr std::int64_t k_recover_lock = k_shm_base + 2;
constexpr std::int64_t k_first_read_lock = k_shm_base + 3;
constexpr std::int64_t k_last_read_lock = k_shm_base + 7;
// Rollback-journal locks on the database file itself (os.h): PENDING_BYTE, RESERVED_BYTE.
constexpr std::int64_t k_pending_byte = 0x40000000;
constexpr std::int64_t k_reserved_byte = k_pending_byte + 1;

struct ProcLock {
  bool exclusive = false;  // WRITE
  pid_t pid = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::uint64_t inode = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;  // inclusive; "EOF" is INT64_MAX
};

// "1: POSIX  ADVISORY  WRITE 4321 fe:00:10953751 120 120"; blocked waiters ("1: -> POSIX ...") are skipped.
std::optional<ProcLock> parse_line(const std::string& line) {
  std::istringstream in(line);
  std::string id, type, mode, access, device, start, end;
  long pid = 0;
  if (!(in >> id >> type) || type == "->") return std::nullopt;
  if (!(in >> mode >> access >> pid >> device >> start >> end)) return std::nullopt;
  ProcLock lock;
  lock.exclusive = access == "WRITE";
  lock.pid = static_cast<pid_t>(pid < 0 ? 0 : pid);
  if (std::sscanf(device.c_str(), "%x:%x:%lu", &lock.major, &lock.minor, &lock.inode) != 3) return std::nullopt;
  try {
    lock.start = std::stoll(start);
    lock.end = end == "EOF" ? INT64_MAX : std::stoll(end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return lock;
}

struct FileId {
  unsigned major = 0;
  unsigned minor = 0;
  std::uint64_t inode = 0;
};

std::optional<FileId> file_id(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return FileId{::major(info.st_dev), ::minor(info.st_dev), info.st_ino};
}

bool covers(const ProcLock& lock, const FileId& file, std::int64_t first, std::int64_t last) {
  return lock.inode == file.inode && lock.major == file.major && lock.minor == file.minor && lock.start <= last &&
         lock.end >= first;
}

std::string program_of(pid_t pid) {
  std::ifstream comm(fmt::format("/proc/{}/comm", pid));
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace

std::optional<LockHolder> find_lock_holder(const std::string& path) {
  std::ifstream proc("/proc/locks");
  std::vector<ProcLock> locks;
  for (std::string line; std::getline(proc, line);) {
    if (auto lock = parse_line(line)) locks.push_back(*lock);
  }
  const auto shm = file_id(path + "-shm");
  const auto db = file_id(path);
  struct Wanted {
    const std::optional<FileId>& file;
    std::int64_t first;
    std::int64_t last;
    const char* name;
  };
  const std::array<Wanted, 5> wanted{{
      {shm, k_write_lock, k_write_lock, "the write lock"},
      {db, k_pending_byte, k_reserved_byte, "the write lock"},
      {shm, k_checkpoint_lock, k_checkpoint_lock, "the checkpoint lock"},
      {shm, k_recover_lock, k_recover_lock, "the recovery lock"},
      {shm, k_first_read_lock, k_last_read_lock, "the readers' slots (resetting the WAL)"},
  }};
  for (const auto& w : wanted) {
    if (!w.file) continue;
    for (const auto& lock : locks) {
      if (lock.exclusive && covers(lock, *w.file, w.first, w.last)) {
        return LockHolder{lock.pid, lock.pid > 0 ? program_of(lock.pid) : std::string(), w.name};
      }
    }
  }
  return std::nullopt;
}

std::string describe_holder(const LockHolder& holder) {
  if (holder.pid <= 0) return "a process not visible from here";
  if (holder.pid == ::getpid()) return fmt::format("this rosterd process (pid {})", holder.pid);
  if (holder.program.empty()) return fmt::format("pid {}", holder.pid);
  return fmt::format("{} (pid {})", holder.program, holder.pid);
}

std::optional<std::string> describe_lock_holder(const std::string& path) {
  const auto holder = find_lock_holder(path);
  if (!holder) return std::nullopt;
  return fmt::format("{} holds {}", describe_holder(*holder), holder->lock);
}

}  // namespace rosterd::store::sqlite
