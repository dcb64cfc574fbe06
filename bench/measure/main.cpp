// rosterd-bench-measure RESULT_FILE PROGRAM [ARG]...: runs PROGRAM and writes what
// wait4() says about it to RESULT_FILE as one JSON object (exit, wall_s, user_s,
// sys_s, max_rss_kb, block_write_bytes).
//
// Why a launcher: Linux keeps ru_maxrss across exec, so a program started from a large
// process (bench/run's Python, 30 MB and growing) reports at least that process's peak
// RSS. Started from this small program, the floor under it is about a megabyte.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

double seconds(const timeval& value) {
  return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
}

double now() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: rosterd-bench-measure RESULT_FILE PROGRAM [ARG]...\n");
    return 2;
  }
  const double start = now();
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "rosterd-bench-measure: fork: %s\n", std::strerror(errno));
    return 2;
  }
  if (child == 0) {
    execvp(argv[2], argv + 2);
    std::fprintf(stderr, "rosterd-bench-measure: %s: %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "rosterd-bench-measure: wait4: %s\n", std::strerror(errno));
      return 2;
    }
  }
  const double wall = now() - start;
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::fprintf(stderr, "rosterd-bench-measure: %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  // ru_oublock is the task's write_bytes (/proc/<pid>/io) in 512-byte units.
  std::fprintf(out,
               "{\"exit\":%d,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"max_rss_kb\":%ld,"
               "\"block_write_bytes\":%lld}\n",
               exit_code(status), wall, seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss,
               static_cast<long long>(usage.ru_oublock) * 512);
  return std::fclose(out) == 0 ? 0 : 2;
}
