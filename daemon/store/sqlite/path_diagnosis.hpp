#pragma once
// Why a database path cannot be opened, in the words of errno. SQLite's own open
// errors ("unable to open database file") carry no errno once the connection is
// gone, so the path is examined directly: stat(2) of each directory on the way,
// access(2) with the effective ids, statvfs(3) for a read-only file system.

#include <optional>
#include <string>

namespace rosterd::store::sqlite {

enum class Access {
  read,   // the database file and its -wal/-shm files must be readable
  write,  // also writable, and the directory must let rosterd create -wal/-shm
};

struct PathProblem {
  std::string reason;  // "the directory /var/lib/rosterd does not exist (No such file or directory)"
  std::string advice;  // "create it, or set `database:` to a file in an existing directory"
};

// What stands in the way of `access` to the database at `path`, or nullopt when
// nothing does (or nothing this check can see). A database file that does not
// exist is a problem for Access::read only.
std::optional<PathProblem> diagnose_path(const std::string& path, Access access);

// Whether the database file exists. False only when it does not but its directory
// does (no run has created it yet); anything else in the way (a missing directory,
// no permission to look) throws StoreError naming it.
bool database_file_exists(const std::string& path);

// The directory holding `path` ("." for a bare file name).
std::string directory_of(const std::string& path);

// "mode 0750, owner rosterd:rosterd", for advice about permissions.
std::string describe_owner(const std::string& path);

}  // namespace rosterd::store::sqlite
