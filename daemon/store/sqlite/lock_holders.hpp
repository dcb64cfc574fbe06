#pragma once
// Who holds a SQLite lock on a database, from /proc/locks. In WAL mode SQLite's
// unix VFS takes POSIX record locks on bytes of the -shm file (the WAL index):
// byte 120 is the write lock, 121 the checkpoint lock, 122 recovery, 123-127 the
// reader slots (sqlite3.c: UNIX_SHM_BASE, WAL_WRITE_LOCK...). /proc/locks lists
// each lock with the inode, the byte range and the pid of the process holding it.

#include <sys/types.h>

#include <optional>
#include <string>

namespace rosterd::store::sqlite {

struct LockHolder {
  pid_t pid = 0;        // 0: the holder is not visible here (another PID namespace, an OFD lock)
  std::string program;  // /proc/<pid>/comm; empty when it cannot be read
  std::string lock;     // "the write lock", "the checkpoint lock", ...
};

// The process holding the lock a writer of the database at `path` would wait for:
// the write lock first, then the checkpoint and recovery locks, then a reader slot
// held exclusively (a checkpoint resetting the WAL). nullopt when /proc/locks shows
// none (released meanwhile, or held from another machine).
std::optional<LockHolder> find_lock_holder(const std::string& path);

// "sqlite3 (pid 4321)", "pid 4321", "this rosterd process" or "a process not
// visible from here".
std::string describe_holder(const LockHolder& holder);

// For messages: "sqlite3 (pid 4321) holds the write lock", or nullopt as above.
// What the runner calls, with the database path, to say who holds a busy database.
std::optional<std::string> describe_lock_holder(const std::string& path);

}  // namespace rosterd::store::sqlite
