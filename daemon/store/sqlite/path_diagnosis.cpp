#include "store/sqlite/path_diagnosis.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "store/sqlite/database_errors.hpp"

namespace rosterd::store::sqlite {
namespace {

std::string errno_text(int error) {
  return std::generic_category().message(error);
}

std::string user_name(uid_t uid) {
  std::vector<char> buffer(16'384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  std::vector<char> buffer(16'384);
  group entry{};
  group* found = nullptr;
  if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) return found->gr_name;
  return std::to_string(gid);
}

// access(2) with the effective ids, as open(2) checks; the errno, or 0.
int access_error(const std::string& path, int mode) {
  return ::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0 ? 0 : errno;
}

PathProblem no_permission(const std::string& what, const std::string& path, int error, Access access) {
  struct stat info {};
  const bool known = ::stat(path.c_str(), &info) == 0;
  const auto owner = known ? user_name(info.st_uid) : std::string("its owner");
  const auto group = known ? group_name(info.st_gid) : std::string("GROUP");
  return {fmt::format("no permission to {} {} ({}; {})", what, path, errno_text(error), describe_owner(path)),
          access == Access::read
              ? fmt::format("run as a user who may: {}, or a member of the group {} (`usermod -aG {} USER`, "
                            "effective at the next login)",
                            owner, group, group)
              : fmt::format("run rosterd as {} (the service runs as `rosterd`), or give the user it runs as access",
                            owner)};
}

std::string parent_of(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// The first directory on the way to `directory` (included) that is missing, is not
// a directory or may not be entered.
std::optional<PathProblem> check_directory(const std::string& directory, Access access) {
  const auto missing_advice = "create it, or point `database:` at a file in an existing directory";
  std::filesystem::path prefix;
  for (const auto& part : std::filesystem::path(directory)) {
    prefix /= part;
    struct stat info {};
    if (::stat(prefix.c_str(), &info) != 0) {
      const int error = errno;
      if (error == ENOENT) {
        const auto also = prefix.string() == directory ? "" : fmt::format("; {} is missing too", prefix.string());
        return PathProblem{fmt::format("the directory {} does not exist ({}{})", directory, errno_text(error), also),
                           missing_advice};
      }
      if (error == EACCES) return no_permission("enter the directory", parent_of(prefix), error, access);
      return PathProblem{fmt::format("cannot reach {} ({})", prefix.string(), errno_text(error)),
                         "check the path in `database:`"};
    }
    if (!S_ISDIR(info.st_mode)) {
      return PathProblem{fmt::format("{} is not a directory ({})", prefix.string(), errno_text(ENOTDIR)),
                         "point `database:` at a file in a directory"};
    }
  }
  if (const int error = access_error(directory, X_OK))
    return no_permission("enter the directory", directory, error, access);
  return std::nullopt;
}

std::optional<PathProblem> check_file(const std::string& path, Access access, bool must_exist) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    if (error != ENOENT)
      return PathProblem{fmt::format("cannot examine {} ({})", path, errno_text(error)), "check the path"};
    if (!must_exist) return std::nullopt;
    return PathProblem{fmt::format("{} does not exist ({})", path, errno_text(error)),
                       "no run has created it yet: run `rosterd sync` or start rosterd, or check `database:`"};
  }
  if (S_ISDIR(info.st_mode)) {
    return PathProblem{fmt::format("{} is a directory ({})", path, errno_text(EISDIR)),
                       "point `database:` at a file name, not a directory"};
  }
  const int mode = access == Access::read ? R_OK : R_OK | W_OK;
  if (const int error = access_error(path, mode)) {
    if (error == EROFS) {
      return PathProblem{fmt::format("{} is on a read-only file system ({})", path, errno_text(error)),
                         "remount it read-write, or point `database:` at a writable file system"};
    }
    return no_permission(access == Access::read ? "read" : "write", path, error, access);
  }
  return std::nullopt;
}

// rosterd creates -wal, -shm and its spool files in the database's directory.
std::optional<PathProblem> check_directory_writable(const std::string& directory) {
  struct statvfs fs {};
  if (::statvfs(directory.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0) {
    return PathProblem{
        fmt::format("the file system holding {} is mounted read-only ({})", directory, errno_text(EROFS)),
        "remount it read-write, or point `database:` at a writable file system"};
  }
  if (const int error = access_error(directory, W_OK | X_OK)) {
    auto problem = no_permission("create files in", directory, error, Access::write);
    problem.advice =
        "rosterd creates the database, its -wal and -shm files and temporary files there: " + problem.advice;
    return problem;
  }
  return std::nullopt;
}

}  // namespace

std::string directory_of(const std::string& path) {
  return parent_of(std::filesystem::path(path));
}

std::string describe_owner(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "owner unknown";
  return fmt::format("mode {:04o}, owner {}:{}", info.st_mode & 07777, user_name(info.st_uid), group_name(info.st_gid));
}

std::optional<PathProblem> diagnose_path(const std::string& path, Access access) {
  const auto directory = directory_of(path);
  if (auto problem = check_directory(directory, access)) return problem;
  if (auto problem = check_file(path, access, access == Access::read)) return problem;
  for (const char* suffix : {"-wal", "-shm"}) {
    if (auto problem = check_file(path + suffix, access, false)) return problem;
  }
  if (access == Access::write) return check_directory_writable(directory);
  return std::nullopt;
}

bool database_file_exists(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) return true;
  if (errno == ENOENT) {
    if (auto problem = check_directory(directory_of(path), Access::read))
      throw StoreError(open_failure(path, *problem));
    return false;
  }
  const int error = errno;
  auto problem = diagnose_path(path, Access::read);
  throw StoreError(open_failure(
      path,
      problem.value_or(PathProblem{fmt::format("cannot examine {} ({})", path, errno_text(error)), "check the path"})));
}

}  // namespace rosterd::store::sqlite
