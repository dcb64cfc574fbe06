#pragma once
// The SQLite side of `rosterd backup` (store/backup.hpp): SQLite's online backup API in
// one step, so that the whole copy is one read transaction of the source. In WAL mode a
// reader never blocks the writer and the writer never restarts the copy, so the daemon
// keeps syncing while the copy is made, and the copy holds exactly the runs committed
// when it began.

#include <string>

#include "store/backup.hpp"

namespace rosterd::store::sqlite {

// Throws StoreError. `target` must not exist; its directory must.
BackupResult backup(const std::string& path, const std::string& target);

}  // namespace rosterd::store::sqlite
