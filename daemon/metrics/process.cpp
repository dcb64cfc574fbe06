#include "metrics/process.hpp"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/families.hpp"

namespace rosterd::metrics {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces), so
// that field N of proc(5) is fields[N - 3].
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// When the system booted (Unix time): the wall clock less the time since boot. Under the
// unit's ProcSubset=pid, /proc/stat (and its btime) is out of reach; the clocks are not.
std::optional<double> boot_time() {
  timespec wall{};
  timespec since_boot{};
  if (clock_gettime(CLOCK_REALTIME, &wall) != 0 || clock_gettime(CLOCK_BOOTTIME, &since_boot) != 0) {
    return std::nullopt;
  }
  const auto seconds = [](const timespec& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9; };
  return seconds(wall) - seconds(since_boot);
}

}  // namespace

void collect_process(Registry& registry) {
  namespace f = families;
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto fields = stat_fields();
  // proc(5): utime (14), stime (15), starttime (22), vsize (23), rss (24, in pages).
  if (fields.size() > 21 && ticks > 0) {
    registry.set(f::process_cpu, {}, (std::stod(fields[11]) + std::stod(fields[12])) / ticks);
    if (const auto booted = boot_time()) registry.set(f::process_start_time, {}, *booted + std::stod(fields[19]) / ticks);
    registry.set(f::process_virtual_memory, {}, std::stod(fields[20]));
    registry.set(f::process_resident_memory, {}, std::stod(fields[21]) * page);
  }
  std::error_code error;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) {
    ++open;
  }
  if (!error) registry.set(f::process_open_fds, {}, open);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    registry.set(f::process_max_fds, {}, static_cast<double>(files.rlim_cur));
  }
}

}  // namespace rosterd::metrics
