#include "cli/demo_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace rosterd::cli {

namespace fs = std::filesystem;

std::vector<std::string> existing_database_files(const std::string& database) {
  std::vector<std::string> out;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const auto path = database + suffix;
    struct stat st {};
    // lstat: a symbolic link counts, even a dangling one.
    if (::lstat(path.c_str(), &st) == 0 || errno != ENOENT) out.push_back(path);
  }
  return out;
}

std::string listed_files(const std::vector<std::string>& files) {
  std::string out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + files[i];
  }
  return out;
}

NewDatabaseFile::NewDatabaseFile(std::string path) : m_path(std::move(path)) {
  const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    m_outcome = errno == EEXIST ? Outcome::exists : Outcome::failed;
    m_error = std::strerror(errno);
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    m_device = st.st_dev;
    m_inode = st.st_ino;
    m_outcome = Outcome::created;
  } else {
    m_error = std::strerror(errno);
  }
  ::close(fd);
}

void NewDatabaseFile::remove_if_untouched() const {
  if (m_outcome != Outcome::created) return;
  struct stat st {};
  if (::lstat(m_path.c_str(), &st) != 0) return;
  if (st.st_dev == m_device && st.st_ino == m_inode && st.st_size == 0) ::unlink(m_path.c_str());
}

PrivateTempDirectory::PrivateTempDirectory(const std::string& name_prefix) {
  auto pattern = (fs::temp_directory_path() / (name_prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a directory like " + pattern);
  }
  m_path = pattern;
}

PrivateTempDirectory::~PrivateTempDirectory() {
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

std::string PrivateTempDirectory::write_private_file(const std::string& name, const std::string& content) const {
  const auto path = (m_path / name).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + path);
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "cannot write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "cannot write " + path);
  return path;
}

}  // namespace rosterd::cli
