// librosterd-bench-iocount.so, preloaded (LD_PRELOAD) into every process bench/run
// measures: counts the bytes a process writes to one SQLite database's files, by kind
// (the database, its -wal, its -journal), at the write() calls themselves. The page
// cache, writeback timing and other files (logs, sockets, -shm) do not blur the
// figure, and the same count works for rosterd, the floor and sqlite-utils (Python's
// sqlite3 module calls the same libsqlite3 and libc).
//
// Environment: ROSTERD_IOCOUNT_DB names the database (its file name is matched, so
// relative and absolute opens both count); ROSTERD_IOCOUNT_OUT is a file the totals
// are appended to at exit, one JSON line per process: {"pid":..,"db":..,"wal":..,"journal":..}.

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

enum Kind : unsigned char { k_other = 0, k_db = 1, k_wal = 2, k_journal = 3 };
constexpr std::size_t k_max_fd = 1 << 16;

std::array<std::atomic<unsigned char>, k_max_fd> g_kind{};
std::array<std::atomic<unsigned long long>, 4> g_bytes{};

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Kind classify(const char* path) {
  static const char* const watched = std::getenv("ROSTERD_IOCOUNT_DB");
  if (path == nullptr || watched == nullptr) return k_other;
  const auto db = base_name(watched);
  const auto name = base_name(path);
  if (name.substr(0, db.size()) != db) return k_other;
  const auto suffix = name.substr(db.size());
  if (suffix.empty()) return k_db;
  if (suffix == "-wal") return k_wal;
  if (suffix == "-journal") return k_journal;
  return k_other;
}

int opened(int fd, const char* path) {
  if (fd >= 0 && static_cast<std::size_t>(fd) < k_max_fd) g_kind[static_cast<std::size_t>(fd)] = classify(path);
  return fd;
}

template <class Size>
Size wrote(int fd, Size result) {
  if (result > 0 && fd >= 0 && static_cast<std::size_t>(fd) < k_max_fd) {
    const auto kind = g_kind[static_cast<std::size_t>(fd)].load(std::memory_order_relaxed);
    if (kind != k_other) g_bytes[kind].fetch_add(static_cast<unsigned long long>(result), std::memory_order_relaxed);
  }
  return result;
}

mode_t mode_argument(int flags, va_list& args) {
  return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(args, unsigned int)) : 0;
}

__attribute__((destructor)) void report() {
  const char* out = std::getenv("ROSTERD_IOCOUNT_OUT");
  if (out == nullptr) return;
  char line[256];
  const int length =
      std::snprintf(line, sizeof line, "{\"pid\":%d,\"db\":%llu,\"wal\":%llu,\"journal\":%llu}\n",
                    static_cast<int>(getpid()), g_bytes[k_db].load(), g_bytes[k_wal].load(), g_bytes[k_journal].load());
  static const auto real_open = real<int (*)(const char*, int, ...)>("open");
  static const auto real_write = real<ssize_t (*)(int, const void*, size_t)>("write");
  const int fd = real_open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || length <= 0) return;
  (void)real_write(fd, line, static_cast<size_t>(length));  // O_APPEND: one line, whole
  close(fd);
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  static const auto next = real<int (*)(const char*, int, ...)>("open");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return opened(next(path, flags, mode), path);
}

int open64(const char* path, int flags, ...) {
  static const auto next = real<int (*)(const char*, int, ...)>("open64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return opened(next(path, flags, mode), path);
}

int openat(int dir, const char* path, int flags, ...) {
  static const auto next = real<int (*)(int, const char*, int, ...)>("openat");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return opened(next(dir, path, flags, mode), path);
}

int openat64(int dir, const char* path, int flags, ...) {
  static const auto next = real<int (*)(int, const char*, int, ...)>("openat64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = mode_argument(flags, args);
  va_end(args);
  return opened(next(dir, path, flags, mode), path);
}

int close(int fd) {
  static const auto next = real<int (*)(int)>("close");
  if (fd >= 0 && static_cast<std::size_t>(fd) < k_max_fd) g_kind[static_cast<std::size_t>(fd)] = k_other;
  return next(fd);
}

ssize_t write(int fd, const void* data, size_t size) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  return wrote(fd, next(fd, data, size));
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  return wrote(fd, next(fd, data, size, offset));
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  return wrote(fd, next(fd, data, size, offset));
}

ssize_t writev(int fd, const struct iovec* vectors, int count) {
  static const auto next = real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  return wrote(fd, next(fd, vectors, count));
}

ssize_t pwritev(int fd, const struct iovec* vectors, int count, off_t offset) {
  static const auto next = real<ssize_t (*)(int, const struct iovec*, int, off_t)>("pwritev");
  return wrote(fd, next(fd, vectors, count, offset));
}

}  // extern "C"
