// End-to-end: the memory one response can take. With the default max_response_bytes
// (64 MiB), a chunked body that never ends, and a valid body just under the cap, keep
// the real `rosterd sync`'s peak RSS (wait4's ru_maxrss of the child) within the cap
// plus a generous constant. (Before the body buffer was bounded, an endless body
// reached 149 MB: std::string's growth doubled its capacity past the cap and copied,
// and the parser copied a valid body once more.)
//
// Linux starts a spawned child's ru_maxrss at the RSS of the process it was spawned
// from (this test, with the simulator): the figure is the larger of the two, so it
// can only overstate rosterd's peak, never hide it. Sanitizer builds skip the bound:
// their shadow memory and quarantine distort RSS.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "harness.hpp"

extern char** environ;

namespace rosterd::testing {
namespace {

constexpr std::uint64_t k_default_cap = 64ull << 20;  // config.hpp: max_response_bytes
constexpr std::uint64_t k_allowance = 24ull << 20;    // the process itself: code, SQLite, libcurl, the parser
constexpr std::uint64_t k_endless = 1ull << 40;       // an oversize body of 1 TiB never ends in practice

struct Measured {
  int exit_code = -1;
  std::uint64_t max_rss_bytes = 0;
  std::string err;
};

// Runs `rosterd ARGS` and reads its rusage when it exits (wait4), within `timeout`.
Measured run_measured(const std::vector<std::string>& args, const std::string& err_path,
                      std::chrono::seconds timeout) {
  std::vector<std::string> storage{ROSTERD_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  auto argv = c_strings(storage);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  Measured out;
  if (spawned != 0) return out;
  int status = 0;
  rusage usage{};
  if (!eventually([&] { return wait4(pid, &status, WNOHANG, &usage) == pid; }, timeout)) {
    kill(pid, SIGKILL);
    wait4(pid, &status, 0, &usage);
    out.err = "timed out\n";
    return out;
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.max_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  out.err += read_bytes(err_path);
  return out;
}

class BodyMemoryE2e : public E2eTest {
 protected:
  // A Class4 listing of one page, with the default cap; the page is `bytes` long
  // (padded with spaces before its last byte, sent chunked: no length announced).
  Measured sync_with_page_of(std::uint64_t bytes) {
    auto& sw = add_tenant("sw", "class4", 5);
    write_config({{sw, {}, true}});
    sim::Fault oversize;
    oversize.kind = sim::FaultKind::oversize;
    oversize.bytes = static_cast<std::size_t>(bytes);
    sw.set_fault(oversize);
    return run_measured({"sync", "--config", config_path()}, m_dir.file("err"), std::chrono::seconds{120});
  }

  void expect_within_bound(const Measured& run) {
    RecordProperty("max_rss_bytes", std::to_string(run.max_rss_bytes));
    if (k_sanitized) GTEST_SKIP() << "RSS under the sanitizers is not rosterd's";
    EXPECT_GT(run.max_rss_bytes, 0u);
    EXPECT_LE(run.max_rss_bytes, k_default_cap + k_allowance)
        << "peak RSS " << run.max_rss_bytes / (1 << 20) << " MiB";
  }
};

TEST_F(BodyMemoryE2e, AnEndlessChunkedBodyStaysWithinTheCap) {
  const auto run = sync_with_page_of(k_endless);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(lines_with(run.err, "response larger than the size cap of 67108864 bytes").size(), 1u) << run.err;
  EXPECT_EQ(value("SELECT status FROM sync_runs"), "failed");
  expect_within_bound(run);
}

TEST_F(BodyMemoryE2e, AValidBodyJustUnderTheCapIsParsedWithoutACopy) {
  const auto run = sync_with_page_of(k_default_cap - (1 << 20));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 5);
  EXPECT_EQ(value("SELECT bytes FROM sync_runs"), std::to_string(k_default_cap - (1 << 20)));
  expect_within_bound(run);
}

}  // namespace
}  // namespace rosterd::testing
