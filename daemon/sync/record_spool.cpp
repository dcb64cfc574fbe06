#include "sync/record_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace rosterd::sync {
namespace {

constexpr std::size_t k_write_buffer = 1 << 20;

int open_temporary(const std::string& directory) {
#ifdef O_TMPFILE
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
#endif
  // No O_TMPFILE on this filesystem: a named file, unlinked at once.
  std::string pattern = (std::filesystem::path(directory) / "rosterd-spool-XXXXXX").string();
  const int named = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (named >= 0) ::unlink(pattern.c_str());
  return named;
}

}  // namespace

SpoolFile::SpoolFile(const std::string& directory) {
  m_fd = open_temporary(directory.empty() ? "." : directory);
  if (m_fd < 0) m_fd = open_temporary(std::filesystem::temp_directory_path().string());
  if (m_fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create a spool file");
  m_buffer.reserve(k_write_buffer);
}

SpoolFile::~SpoolFile() {
  if (m_fd >= 0) ::close(m_fd);
}

void SpoolFile::append(std::string_view record) {
  if (record.size() > UINT32_MAX) throw CodecError("record too large to spool");
  const auto length = static_cast<std::uint32_t>(record.size());
  char prefix[4];
  std::memcpy(prefix, &length, 4);
  m_buffer.append(prefix, 4);
  m_buffer.append(record);
  if (m_buffer.size() >= k_write_buffer) flush();
}

void SpoolFile::flush() {
  std::size_t written = 0;
  while (written < m_buffer.size()) {
    const auto n = ::write(m_fd, m_buffer.data() + written, m_buffer.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "writing the spool file");
    written += static_cast<std::size_t>(n);
  }
  m_buffer.clear();
}

void SpoolFile::rewind() {
  flush();
  if (::lseek(m_fd, 0, SEEK_SET) < 0)
    throw std::system_error(errno, std::generic_category(), "rewinding the spool file");
}

std::size_t SpoolFile::read_some(char* into, std::size_t capacity) {
  while (true) {
    const auto n = ::read(m_fd, into, capacity);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "reading the spool file");
    return static_cast<std::size_t>(n);
  }
}

}  // namespace rosterd::sync
