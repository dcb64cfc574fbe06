#include "metrics/textfile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace rosterd::metrics {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what, int error) {
  throw std::runtime_error(fmt::format("cannot write the metrics textfile {}: {}: {}", path, what, std::strerror(error)));
}

}  // namespace

void write_textfile(const std::string& path, std::string_view text) {
  // Not ending in .prom: the collector skips it while it is written.
  const std::string temporary = fmt::format("{}.{}.tmp", path, getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(temporary, "open", errno);
  const auto give_up = [&](std::string_view what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    fail(temporary, what, error);
  };
  // The umask may have taken bits away.
  if (::fchmod(fd, 0644) != 0) give_up("chmod");
  for (std::size_t written = 0; written < text.size();) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) give_up("write");
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) give_up("fsync");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(temporary, "close", error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(path, "rename", error);
  }
}

}  // namespace rosterd::metrics
