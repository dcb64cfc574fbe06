#include "config/file_access.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace rosterd::config {

FileContent read_small_file(const std::string& path, std::size_t limit) {
  FileContent result;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    result.error = std::strerror(errno);
    return result;
  }
  char buffer[8192];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      result.error = std::strerror(errno);
      break;
    }
    if (got == 0) break;
    result.content.append(buffer, static_cast<std::size_t>(got));
    if (result.content.size() > limit) {
      result.error = fmt::format("larger than {} bytes", limit);
      break;
    }
  }
  ::close(fd);
  if (!result.error.empty()) result.content.clear();
  return result;
}

std::string readable_file_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (::access(path.c_str(), R_OK) != 0) return std::strerror(errno);
  return {};
}

std::optional<unsigned> file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string resolve_path(std::string_view directory, std::string_view value) {
  std::filesystem::path path{value};
  if (path.is_relative()) path = std::filesystem::path{directory} / path;
  return path.lexically_normal().string();
}

}  // namespace rosterd::config
