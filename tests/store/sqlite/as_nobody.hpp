#pragma once
// Runs test code as an unprivileged user: what a reporting user who may read but
// not write the database directory meets. Tests run as root in CI, and root passes
// every permission check, so the code runs in a child process that switched to
// the user nobody (uid and gid 65534, no supplementary groups).

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <functional>
#include <optional>
#include <string>

namespace rosterd::testing {

inline constexpr uid_t k_nobody = 65534;

// `work` runs as nobody and returns a text for the test to check. It may call
// `pause()` once: the child then waits while the parent (still root) runs
// `between`. Returns nullopt when this process is not root and cannot switch.
inline std::optional<std::string> as_nobody(const std::function<std::string(const std::function<void()>& pause)>& work,
                                            const std::function<void()>& between = {}) {
  if (::geteuid() != 0) return std::nullopt;
  int to_parent[2];
  int to_child[2];
  if (::pipe(to_parent) != 0 || ::pipe(to_child) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(to_parent[0]);
    ::close(to_child[1]);
    std::string result;
    if (::setgroups(0, nullptr) != 0 || ::setgid(k_nobody) != 0 || ::setuid(k_nobody) != 0) {
      result = "could not switch to nobody";
    } else {
      const auto pause = [&] {
        char byte = 'P';
        if (::write(to_parent[1], &byte, 1) != 1 || ::read(to_child[0], &byte, 1) != 1) ::_exit(3);
      };
      try {
        result = work(pause);
      } catch (const std::exception& e) {
        result = std::string("exception: ") + e.what();
      }
    }
    const std::string message = "R" + result;
    for (std::size_t done = 0; done < message.size();) {
      const auto n = ::write(to_parent[1], message.data() + done, message.size() - done);
      if (n <= 0) ::_exit(2);
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(to_parent[1]);
  ::close(to_child[0]);
  std::string received;
  char buffer[4096];
  for (ssize_t n; (n = ::read(to_parent[0], buffer, sizeof buffer)) > 0;) {
    received.append(buffer, static_cast<std::size_t>(n));
    if (received == "P") {
      if (between) between();
      const char go = 'G';
      if (::write(to_child[1], &go, 1) != 1) break;
      received.clear();
    }
  }
  ::close(to_parent[0]);
  ::close(to_child[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (received.empty() || received[0] != 'R') return "the child process failed";
  return received.substr(1);
}

}  // namespace rosterd::testing
