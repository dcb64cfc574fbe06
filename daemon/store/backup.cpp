#include "store/backup.hpp"

#include <fmt/format.h>

#include "store/database.hpp"
#include "store/sqlite/backup.hpp"

namespace rosterd::store {

BackupResult backup_database(const std::string& location, const std::string& target) {
  if (is_server_location(location)) {
    throw StoreError(fmt::format("{}: a PostgreSQL database is backed up with pg_dump, not rosterd backup",
                                 display_location(location)));
  }
  return sqlite::backup(location, target);
}

}  // namespace rosterd::store
