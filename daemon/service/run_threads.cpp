#include "service/run_threads.hpp"

#include <system_error>

#include "core/log.hpp"

namespace rosterd::service {

RunThreads::~RunThreads() {
  for (auto& [key, thread] : m_threads) thread.join();
}

bool RunThreads::start(const JobKey& key, std::function<void()> task) {
  join(key);  // the previous run of `key`, should its thread still be finishing
  try {
    m_threads.emplace(key, std::thread(std::move(task)));
    return true;
  } catch (const std::system_error& e) {
    core::log().error("{}: {}: cannot start a thread for the run: {}", key.source, model::to_string(key.dataset),
                      e.what());
    return false;
  }
}

void RunThreads::join(const JobKey& key) {
  const auto it = m_threads.find(key);
  if (it == m_threads.end()) return;
  it->second.join();
  m_threads.erase(it);
}

}  // namespace rosterd::service
