#include "store/sqlite/engine.hpp"

#include <fmt/format.h>

#include "store/sqlite/database.hpp"
#include "store/sqlite/lock_holders.hpp"
#include "store/sqlite/path_diagnosis.hpp"
#include "store/sqlite/run_locks.hpp"

namespace rosterd::store::sqlite {
namespace {

class DaemonLock final : public Lock {
 public:
  explicit DaemonLock(FileLock lock) : m_lock(std::move(lock)) {}

 private:
  FileLock m_lock;
};

bool handles(std::string_view) { return true; }

std::unique_ptr<store::Database> open(const std::string& path, OpenMode mode, const BeforeMigrating& before) {
  return std::make_unique<Database>(Connection::open(path, mode, before));
}

std::unique_ptr<store::Database> open_for_dry_run(const std::string& path) {
  return std::make_unique<Database>(Connection::open_for_dry_run(path));
}

std::unique_ptr<Lock> lock_daemon(const std::string& path) {
  return std::make_unique<DaemonLock>(RunLocks(path).lock_daemon());
}

std::optional<std::string> foreign_write_lock_holder(const std::string& path) {
  const auto holder = find_lock_holder(path);
  if (!holder || holder->pid == 0 || holder->program == "rosterd") return std::nullopt;
  return fmt::format("{} holds {}", describe_holder(*holder), holder->lock);
}

std::string display(const std::string& path) { return path; }

std::vector<std::string> example_queries(const std::string&, const std::string& db) {
  return {
      fmt::format("sqlite3 -readonly {} \"SELECT source, count(*) FROM current_users GROUP BY source\"", db),
      fmt::format("sqlite3 -readonly {} \"SELECT changed_at, source, entity_key, change, field, old_value, new_value "
                  "FROM user_changes ORDER BY id DESC LIMIT 20\"",
                  db),
  };
}

}  // namespace

const Engine& engine() {
  static const Engine row{
      "sqlite",         &handles, &open, &open_for_dry_run, &database_file_exists, &lock_daemon, &describe_lock_holder,
      &foreign_write_lock_holder, &display, &example_queries,
  };
  return row;
}

}  // namespace rosterd::store::sqlite
